/**
 * What the analysis remembers about one traced call between keystrokes: one record per call (one
 * lookup, one weak entry), a slot per use. Each slot's owner (receptive_field, design_checks,
 * savings, analyze) stores what it made with everything it was made from, and checks that before
 * reusing it: an incremental trace hands the analysis the same call objects for the statements an
 * edit did not touch, so a keystroke re-checks them instead of redoing them.
 */
import type { LayerCall } from '../graph';
import { reuseEnabled } from '../reuse';

export class CallMemo {
  rf: unknown = undefined;
  gridding: unknown = undefined;
  savings: unknown = undefined;
  reports: unknown = undefined;
}

const memos = new WeakMap<LayerCall, CallMemo>();

export function callMemo(call: LayerCall): CallMemo {
  if (!reuseEnabled()) return new CallMemo();
  let memo = memos.get(call);
  if (!memo) memos.set(call, (memo = new CallMemo()));
  return memo;
}
