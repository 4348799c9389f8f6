/** Publishes ConvLens diagnostics to the Problems panel, once per analysed version. */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function registerDiagnostics(ctx: Ctx): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('convlens');
  const sub = ctx.onDidAnalyze((doc) => {
    const views = ctx.views(doc);
    if (!views) return;
    // In a notebook cell: the notebook's diagnostics that start in this cell, and its SyntaxError if it was left out.
    collection.set(doc.uri, [...ctx.syntaxDiagnostics(doc), ...views.diagnostics].flatMap((d) => {
      const range = ctx.rangeOf(doc, d);
      if (!range) return [];
      const diag = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
      diag.source = 'ConvLens';
      diag.code = d.code;
      return [diag];
    }));
  });
  const closed = vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri));
  return vscode.Disposable.from(collection, sub, closed);
}
