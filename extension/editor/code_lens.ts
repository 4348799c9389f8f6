/** A CodeLens above each model: its totals, its diagram in the sidebar, Run on sample. */
import * as vscode from 'vscode';
import { formatCount, formatMacs } from '../engine/analysis/format';
import type { Ctx } from './ctx';

export function registerCodeLens(ctx: Ctx): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(doc) {
      const analysis = ctx.analysis(doc);
      if (!analysis) return [];
      return analysis.models.flatMap((m) => {
        // Above the line that builds the model (keras.Model(...), Sequential(...), the subclass instance).
        const anchor = m.graph.span.from;
        const range = new vscode.Range(doc.positionAt(anchor).line, 0, doc.positionAt(anchor).line, 0);
        const totals = `${m.graph.name}: ${formatCount(m.totals.params)} params · ${formatMacs(m.totals.macs)} MACs`;
        return [
          new vscode.CodeLens(range, { title: totals, command: 'convlens.showSummary', arguments: [doc.uri, m.key] }),
          new vscode.CodeLens(range, { title: 'Show diagram', command: 'convlens.showDiagram', arguments: [doc.uri, m.key] }),
          new vscode.CodeLens(range, { title: 'Run on sample', command: 'convlens.runOnSample', arguments: [doc.uri, m.key] }),
        ];
      });
    },
  };
  return vscode.Disposable.from(changed, vscode.languages.registerCodeLensProvider({ language: 'python' }, provider), ctx.onDidAnalyze(() => changed.fire()));
}
