/** End-of-call inlay hints with each layer's output shape (setting: convlens.inlayHints.enabled). */
import * as vscode from 'vscode';
import { formatShapeText } from '../engine/analysis/format';
import type { Ctx } from './ctx';

export function registerInlayHints(ctx: Ctx): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.InlayHintsProvider = {
    onDidChangeInlayHints: changed.event,
    provideInlayHints(doc, range) {
      if (!vscode.workspace.getConfiguration('convlens').get<boolean>('inlayHints.enabled', true)) return [];
      const view = ctx.view(doc);
      if (!view) return [];
      const { analysis } = view;
      const hints: vscode.InlayHint[] = [];
      const seen = new Set<number>();
      for (const model of analysis.models) {
        for (const l of model.layers) {
          if (l.layer.kernel?.family === 'input') continue;
          // In a notebook, layers written in other cells get their hints there.
          const end = view.positionAt(l.call.span.to);
          if (!end) continue;
          const line = doc.lineAt(end.line);
          if (!range.contains(end) || seen.has(end.line)) continue;
          seen.add(end.line);
          const hint = new vscode.InlayHint(line.range.end, ` ${formatShapeText(l.outputShape)}`, vscode.InlayHintKind.Type);
          hint.tooltip = `${l.layer.name} (${l.layer.type}) output shape`;
          hint.paddingLeft = true;
          hints.push(hint);
        }
      }
      return hints;
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerInlayHintsProvider({ language: 'python' }, provider),
    ctx.onDidAnalyze(() => changed.fire()),
  );
}
