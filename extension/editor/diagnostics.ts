/** Publishes ConvLens diagnostics to the Problems panel. */
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
    const view = ctx.view(doc);
    if (!view) return;
    // A notebook cell gets the diagnostics that start in it.
    collection.set(doc.uri, view.analysis.diagnostics.flatMap((d) => {
      const range = view.rangeOf(d);
      if (!range) return [];
      const diag = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
      diag.source = 'ConvLens';
      diag.code = d.code;
      return diag;
    }));
  });
  const closed = vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri));
  return vscode.Disposable.from(collection, sub, closed);
}
