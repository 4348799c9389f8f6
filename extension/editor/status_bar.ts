/** Status bar: the active model's total params and MACs. */
import * as vscode from 'vscode';
import { formatCount, formatMacs } from '../engine/analysis/format';
import { modelAt } from '../engine/views/locate';
import type { Ctx } from './ctx';
import { isPython } from './ctx';

export function registerStatusBar(ctx: Ctx): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  item.name = 'ConvLens';
  item.command = 'convlens.showSummary';
  const refresh = () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isPython(editor.document)) return item.hide();
    const view = ctx.view(editor.document);
    const model = view && modelAt(view.analysis, view.offsetAt(editor.selection.active));
    if (!model) return item.hide();
    item.text = `$(symbol-class) ${model.graph.name}: ${formatCount(model.totals.params)} params · ${formatMacs(model.totals.macs)} MACs`;
    item.tooltip = `ConvLens: ${formatCount(model.totals.trainableParams)} trainable, ${formatCount(model.totals.nonTrainableParams)} non-trainable parameters`;
    item.show();
  };
  refresh();
  return vscode.Disposable.from(
    item,
    ctx.onDidAnalyze(refresh),
    vscode.window.onDidChangeActiveTextEditor(refresh),
    vscode.window.onDidChangeTextEditorSelection(refresh),
  );
}
