/** End-of-call inlay hints with each layer's output shape, a range over loop runs (setting: convlens.inlayHints.enabled). */
import * as vscode from 'vscode';
import { shapeHints } from '../engine/views/shape_hints';
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
      for (const h of shapeHints(analysis)) {
        // In a notebook, layers written in other cells get their hints there.
        const end = view.positionAt(h.offset);
        if (!end) continue;
        const line = doc.lineAt(end.line);
        if (!range.contains(end) || seen.has(end.line)) continue;
        seen.add(end.line);
        const hint = new vscode.InlayHint(line.range.end, ` ${h.label}`, vscode.InlayHintKind.Type);
        hint.tooltip = h.tooltip;
        hint.paddingLeft = true;
        hints.push(hint);
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
