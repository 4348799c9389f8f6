/** End-of-call inlay hints with each layer's output shape (setting: convlens.inlayHints.enabled). */
import * as vscode from 'vscode';
import { config } from './config';
import type { Ctx } from './ctx';

export function registerInlayHints(ctx: Ctx): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.InlayHintsProvider = {
    onDidChangeInlayHints: changed.event,
    async provideInlayHints(doc, range) {
      if (!config.inlayHints) return [];
      const views = await ctx.analysed(doc);
      if (!views) return [];
      const hints: vscode.InlayHint[] = [];
      const seen = new Set<number>();
      for (const h of views.inlayHints) {
        // One hint per line, at its end (the first layer called there).
        const end = ctx.positionAt(doc, h.offset);
        if (!end || !range.contains(end) || seen.has(end.line)) continue;
        seen.add(end.line);
        const hint = new vscode.InlayHint(doc.lineAt(end.line).range.end, ` ${h.label}`, vscode.InlayHintKind.Type);
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
