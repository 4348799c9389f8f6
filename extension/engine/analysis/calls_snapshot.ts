/**
 * What the analysis of a run of calls is made from and an incremental trace can change without
 * making new calls: each call's build result, output shape and config, its layer's trainability
 * (`base.trainable = False` after the edit), the tensors it reads and where it is. Kept flat, one entry per
 * call and its inputs in one run, so that checking them is one pass of identity tests.
 */
import type { LayerCall, SymTensor } from '../graph';
import type { Span } from '../source';

export interface CallsSnapshot {
  calls: LayerCall[];
  /** Every call was settled (frozen: context.ts settleGraph), so its result, shape and inputs cannot have changed. */
  settled: boolean;
  results: LayerCall['result'][];
  shapes: SymTensor['shape'][];
  configs: unknown[];
  trainable: boolean[];
  /** Where each call and its layer are, unless settled: the incremental trace's cut-off moves calls it takes over (spans are replaced, never changed). */
  spans: Span[];
  inputs: SymTensor[];
}

export function snapshotCalls(calls: readonly LayerCall[]): CallsSnapshot {
  const inputs: SymTensor[] = [];
  for (const call of calls) for (const t of call.inputs) inputs.push(t);
  const settled = calls.every((c) => Object.isFrozen(c));
  const spans: Span[] = [];
  if (!settled) for (const c of calls) spans.push(c.span, c.layer.span);
  return {
    calls: [...calls],
    settled,
    results: calls.map((c) => c.result),
    shapes: calls.map((c) => c.output.shape),
    configs: calls.map((c) => c.layer.config),
    trainable: calls.map((c) => c.layer.trainable),
    spans,
    inputs,
  };
}

/** Whether `calls` starts with the snapshot's calls, each as it was. */
export function callsUnchanged(s: CallsSnapshot, calls: readonly LayerCall[]): boolean {
  if (calls.length < s.calls.length) return false;
  if (s.settled) {
    for (let i = 0; i < s.calls.length; i++) {
      const call = calls[i];
      if (call !== s.calls[i] || call.layer.config !== s.configs[i] || call.layer.trainable !== s.trainable[i]) return false;
    }
    return true;
  }
  let j = 0;
  for (let i = 0; i < s.calls.length; i++) {
    const call = calls[i];
    if (call !== s.calls[i] || call.result !== s.results[i] || call.output.shape !== s.shapes[i] || call.layer.config !== s.configs[i] || call.layer.trainable !== s.trainable[i]) return false;
    if (call.span !== s.spans[2 * i] || call.layer.span !== s.spans[2 * i + 1]) return false;
    const inputs = call.inputs;
    for (let m = 0; m < inputs.length; m++) if (inputs[m] !== s.inputs[j++]) return false;
  }
  return j === s.inputs.length;
}
