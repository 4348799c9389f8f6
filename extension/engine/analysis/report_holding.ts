/**
 * Which model of an analysis holds a report: a layer report belongs to one model of an analysis
 * (analyze.ts), so what the memos hand out again (model_memo.ts, prefix_memo.ts) is claimed first.
 */

/** A per-call report record and the analysis holding it (analyze.ts: a report belongs to one model of an analysis). */
export interface ReportHolding {
  heldBy: object | null;
}

/**
 * Marks the first `count` records as held by the analysis `inUse`, unless one of them already is
 * (another of its models took that report): then nothing is marked and the answer is false.
 */
export function claimReports(held: readonly ReportHolding[], count: number, inUse: object): boolean {
  for (let i = 0; i < count; i++) if (held[i].heldBy === inUse) return false;
  for (let i = 0; i < count; i++) held[i].heldBy = inUse;
  return true;
}
