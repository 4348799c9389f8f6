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
  /** The question on its way, if any. */
  let pending: { doc: vscode.TextDocument; version: number | null; offset: number } | null = null;
  const refresh = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isPython(editor.document)) return item.hide();
    const question = { doc: editor.document, version: ctx.version(editor.document), offset: ctx.offsetAt(editor.document, editor.selection.active) };
    // Typing moves the cursor (a question about the new version), then its analysis lands: asking
    // again would put the answer behind the sidebar's, and discard the one already on its way.
    if (pending && pending.doc === question.doc && pending.version === question.version && pending.offset === question.offset) return;
    const ticket = ++asked;
    pending = question;
    const model = await ctx.request(editor.document, 'model', { offset: question.offset });
    if (ticket !== asked) return;
    pending = null;
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
