/** Status bar: the active model's total params and MACs. */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { isPython } from './ctx';

export function registerStatusBar(ctx: Ctx): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  item.name = 'ConvLens';
  item.command = 'convlens.showSummary';
  // Answers arrive asynchronously: only the latest question's answer is shown.
  let asked = 0;
  const refresh = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isPython(editor.document)) return item.hide();
    const ticket = ++asked;
    const model = await ctx.request(editor.document, 'model', { offset: ctx.offsetAt(editor.document, editor.selection.active) });
    if (ticket !== asked) return;
    if (!model) {
      // A version replaced meanwhile keeps what is shown until its successor is analysed.
      if (editor.document === vscode.window.activeTextEditor?.document && ctx.views(editor.document)) item.hide();
      return;
    }
    item.text = `$(symbol-class) ${model.status}`;
    item.tooltip = model.tooltip;
    item.show();
  };
  void refresh();
  return vscode.Disposable.from(
    item,
    ctx.onDidAnalyze((doc) => doc === vscode.window.activeTextEditor?.document && void refresh()),
    vscode.window.onDidChangeActiveTextEditor(() => void refresh()),
    vscode.window.onDidChangeTextEditorSelection(() => void refresh()),
  );
}
