/** A CodeLens above each model: its totals, its diagram in the sidebar, Run on sample. */
import * as vscode from 'vscode';
import { formatCount, formatMacs } from '../engine/analysis/format';
import type { Ctx } from './ctx';

export function registerCodeLens(ctx: Ctx): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(doc) {
      const view = ctx.view(doc);
      if (!view) return [];
      return view.analysis.models.flatMap((m) => {
        // Above the line that builds the model (keras.Model(...), Sequential(...), the subclass instance);
        // in a notebook, above it in the cell that builds it.
        const anchor = view.positionAt(m.graph.span.from);
        if (!anchor) return [];
        const range = new vscode.Range(anchor.line, 0, anchor.line, 0);
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
