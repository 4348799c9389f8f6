/**
 * Whether the analysis reuses what it made for the same traced objects at an earlier keystroke
 * (analysis/call_memo.ts, the layer entries, the cheaper stacks' costs, the layers' tracking
 * nodes). On by default; tests turn it off to make references from scratch, so a reuse that would
 * be wrong shows as a difference even where both runs would reuse the same thing.
 */
let enabled = true;

export function reuseEnabled(): boolean {
  return enabled;
}

export function setReuseEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Calls the incremental trace took over from the last trace instead of making them anew
 * (trace/statement_graft.ts): the next analysis meets them again, as it meets settled ones.
 */
const carried = new WeakSet<object>();

export function markCarried(call: object): void {
  carried.add(call);
}

export function isCarried(call: object): boolean {
  return carried.has(call);
}
