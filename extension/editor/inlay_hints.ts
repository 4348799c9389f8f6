/** End-of-call inlay hints with each layer's output shape (setting: convlens.inlayHints.enabled). */
import * as vscode from 'vscode';
import { config } from './config';
import type { Ctx } from './ctx';
import { isNotebookCell } from './notebook_documents';

/**
 * The hints (in source order, as the views list them) whose offsets lie in [from, to]: found by
 * binary search, since the editor asks for the visible lines of files with thousands.
 */
export function hintsBetween<T extends { offset: number }>(hints: readonly T[], from: number, to: number): T[] {
  let lo = 0;
  let hi = hints.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hints[mid].offset < from) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < hints.length && hints[i].offset <= to; i++) out.push(hints[i]);
  return out;
}

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
      // A plain file's visible lines are one span of offsets (a notebook cell's map into its program).
      const candidates = isNotebookCell(doc) ? views.inlayHints : hintsBetween(views.inlayHints, doc.offsetAt(range.start), doc.offsetAt(range.end));
      for (const h of candidates) {
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
