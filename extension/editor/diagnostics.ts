/** Publishes ConvLens diagnostics to the Problems panel, once per analysed version. */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { rangeOf } from './ctx';

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
    collection.set(doc.uri, views.diagnostics.map((d) => {
      const diag = new vscode.Diagnostic(rangeOf(doc, d), d.message, SEVERITY[d.severity]);
      diag.source = 'ConvLens';
      diag.code = d.code;
      return diag;
    }));
  });
  const closed = vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri));
  return vscode.Disposable.from(collection, sub, closed);
}
