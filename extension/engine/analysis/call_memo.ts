/**
 * What the analysis remembers about one traced call between keystrokes: one record per call (one
 * lookup, one weak entry), a slot per use. Each slot's owner (receptive_field, design_checks,
 * savings, analyze) stores what it made with everything it was made from, and checks that before
 * reusing it: an incremental trace hands the analysis the same call objects for the statements an
 * edit did not touch, so a keystroke re-checks them instead of redoing them.
 *
 * A call is remembered from the second time an analysis sees it on: the calls an edit re-made are
 * new at every keystroke (before an early edit, all of them), and remembering them cost more than
 * analysing them (a weak entry, a record and what it holds, each time).
 */
import type { LayerCall } from '../graph';
import { isCarried, reuseEnabled } from '../reuse';

export class CallMemo {
  rf: unknown = undefined;
  gridding: unknown = undefined;
  savings: unknown = undefined;
  reports: unknown = undefined;
  /** The whole step, made from the others' (call_outcome.ts). */
  outcome: unknown = undefined;
  /** The last record of an analysis that went through this call one by one, and the call's index there (tail_memo.ts). */
  tail: unknown = undefined;
  tailIndex = -1;
  /** Kept between analyses (set once the call is remembered). */
  remembered = false;
}

const memos = new WeakMap<LayerCall, CallMemo>();

/**
 * Settled or taken-over calls seen once: weak, so that analyses of other documents (or a fresh
 * analysis of the same text) in between do not make them new again.
 */
const seenOnce = new WeakSet<LayerCall>();

/** The call's record: the remembered one, or one for this analysis only when the call is new. */
export function callMemo(call: LayerCall): CallMemo {
  if (!reuseEnabled()) return new CallMemo();
  let memo = memos.get(call);
  if (memo) return memo;
  memo = new CallMemo();
  // Only a settled call (frozen before a checkpoint: trace/context.ts settleGraph) or one the trace
  // took over from the last (its cut-off) is met again; the others are made anew at every
  // keystroke, and held here they kept the whole last trace alive through the next one.
  if (!Object.isFrozen(call) && !isCarried(call)) return memo;
  if (seenOnce.has(call)) {
    memos.set(call, memo);
    memo.remembered = true;
  }
  else seenOnce.add(call);
  return memo;
}

/** Whether the call's record is remembered (what is made from it is worth remembering too). */
export function isRemembered(call: LayerCall): boolean {
  return memos.has(call);
}
