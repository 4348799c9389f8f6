/**
 * A summary sent as its differences from the one the webview holds: a number typed in a 1000-layer
 * file changes a few rows, and the whole summary (~230 KB) crossed the extension host, the
 * workbench and the webview on every keystroke. Rows equal to the row at the same index of the
 * same model before are sent as null; everything else goes whole. Plain JSON both ways.
 */
import type { ModelChanges, SummaryModel, SummaryRow } from './messages';

function sameRow(a: SummaryRow, b: SummaryRow): boolean {
  for (const k of Object.keys(b) as (keyof SummaryRow)[]) {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    } else if (x !== y) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}

/** `after` as changes to `before`: its rows that differ from the row at the same index of the same model. */
export function summaryChanges(before: readonly SummaryModel[], after: readonly SummaryModel[]): ModelChanges[] {
  return after.map((m, i) => {
    const old = before[i]?.key === m.key ? before[i] : undefined;
    return { ...m, rows: m.rows.map((r, j) => (old && j < old.rows.length && sameRow(old.rows[j], r) ? null : r)) };
  });
}

/** The summary `changes` describe, given the one they were made against. */
export function applySummaryChanges(before: readonly SummaryModel[], changes: readonly ModelChanges[]): SummaryModel[] {
  return changes.map((m, i) => ({ ...m, rows: m.rows.map((r, j) => r ?? before[i].rows[j]) }));
}
