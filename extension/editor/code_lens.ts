/** A CodeLens above each model: its totals, its diagram in the sidebar, Run on sample. */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

export function registerCodeLens(ctx: Ctx): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(doc) {
      const views = await ctx.analysed(doc);
      if (!views) return [];
      return views.codeLenses.flatMap((lens) => {
        // Above the line that builds the model (keras.Model(...), Sequential(...), the subclass instance).
        // In a notebook: above it in the cell that builds it.
        const anchor = ctx.positionAt(doc, lens.offset);
        if (!anchor) return [];
        const line = anchor.line;
        const range = new vscode.Range(line, 0, line, 0);
        return [
          new vscode.CodeLens(range, { title: lens.totals, command: 'convlens.showSummary', arguments: [doc.uri, lens.model] }),
          new vscode.CodeLens(range, { title: 'Show diagram', command: 'convlens.showDiagram', arguments: [doc.uri, lens.model] }),
          new vscode.CodeLens(range, { title: 'Run on sample', command: 'convlens.runOnSample', arguments: [doc.uri, lens.model] }),
        ];
      });
    },
  };
  return vscode.Disposable.from(changed, vscode.languages.registerCodeLensProvider({ language: 'python' }, provider), ctx.onDidAnalyze(() => changed.fire()));
}
