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
