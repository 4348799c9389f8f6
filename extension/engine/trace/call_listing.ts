/**
 * The calls of a Functional graph in Keras' order (what `model.layers` lists, by layer): a plain
 * chain's in one pass, any other graph's by walking it.
 */
import type { LayerCall, LayerInstance, SymTensor } from '../graph';

/** A Functional graph's calls as `collectCalls` lists them, and the input call it found cut off, if any. */
export interface CollectedCalls {
  calls: LayerCall[];
  disconnected?: LayerCall;
}

/**
 * Calls from the inputs to the outputs, in Keras' order (keras/src/ops/function.py map_graph):
 * deepest first, where a call's depth is its longest distance to an output (a layer's depth is
 * that of its deepest call), ties broken by the order a depth-first walk from the outputs first
 * meets each layer. `model.layers` lists layers in this order; each call's inputs come before it.
 */
export function collectCalls(inputs: SymTensor[], outputs: SymTensor[]): CollectedCalls {
  const chain = chainCalls(inputs, outputs);
  return chain ? { calls: chain } : collectCallsWalking(inputs, outputs);
}

/** `collectCalls` by walking the graph, whatever it is (exported for the test that compares a chain's shortcut with it). */
export function collectCallsWalking(inputs: SymTensor[], outputs: SymTensor[]): CollectedCalls {
  const inputSet = new Set(inputs);
  const inputCalls = new Set(inputs.map((t) => t.producer));
  const firstSeen = new Map<LayerInstance, number>();
  const postOrder: LayerCall[] = [];
  const finished = new Set<LayerCall>();
  const inProgress = new Set<LayerCall>();
  let disconnected: LayerCall | undefined;
  const isInput = (call: LayerCall) => call.layer.kernel?.family === 'input';
  // Iterative depth-first walk so thousand-layer chains do not exhaust the JS stack.
  for (const out of outputs) {
    const stack: { call: LayerCall; next: number }[] = [];
    const enter = (t: SymTensor) => {
      const call = t.producer;
      if (!call || finished.has(call) || inProgress.has(call)) return;
      if (inputSet.has(t) && !isInput(call)) return; // an intermediate tensor given as input: made outside
      if (isInput(call) && !inputCalls.has(call)) {
        disconnected ??= call;
        return;
      }
      if (!firstSeen.has(call.layer)) firstSeen.set(call.layer, firstSeen.size);
      inProgress.add(call);
      stack.push({ call, next: 0 });
    };
    enter(out);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (!isInput(top.call) && top.next < top.call.inputs.length) enter(top.call.inputs[top.next++]);
      else {
        stack.pop();
        inProgress.delete(top.call);
        finished.add(top.call);
        postOrder.push(top.call);
      }
    }
  }
  const callDepth = new Map<LayerCall, number>();
  const layerDepth = new Map<LayerInstance, number>();
  for (let i = postOrder.length - 1; i >= 0; i--) {
    const call = postOrder[i];
    const depth = Math.max(callDepth.get(call) ?? 0, layerDepth.get(call.layer) ?? 0);
    layerDepth.set(call.layer, depth);
    callDepth.set(call, depth);
    if (isInput(call)) continue;
    for (const t of call.inputs) {
      if (t.producer && finished.has(t.producer)) callDepth.set(t.producer, Math.max(depth + 1, callDepth.get(t.producer) ?? 0));
    }
  }
  // Inputs the outputs do not use are still the model's (depth 0, listed after the rest).
  for (const t of inputs) {
    if (t.producer && isInput(t.producer) && !finished.has(t.producer)) {
      finished.add(t.producer);
      postOrder.push(t.producer);
      callDepth.set(t.producer, 0);
      firstSeen.set(t.producer.layer, -1);
    }
  }
  // Sorted by position, with each call's depth and first-seen rank read once (not in every comparison).
  const n = postOrder.length;
  const depth = new Float64Array(n);
  const seen = new Float64Array(n);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    depth[i] = callDepth.get(postOrder[i])!;
    seen[i] = firstSeen.get(postOrder[i].layer)!;
    order[i] = i;
  }
  order.sort((a, b) => depth[b] - depth[a] || seen[a] - seen[b] || a - b);
  const calls = order.map((i) => postOrder[i]);
  return { calls, disconnected };
}

/**
 * A plain chain's calls, from its input up, or null for any other graph: one input and one output,
 * each call on one tensor, down to the InputLayer of the input (an intermediate tensor given as the
 * input ends the walk above it: declined). Along a chain each call is deeper than the one it feeds,
 * even where a layer is called twice (a layer's depth only raises its deeper calls), so this is the
 * walk's order. A 1000-layer Sequential-like model re-listed after an early edit takes one pass
 * instead of the walk's maps and sort.
 */
function chainCalls(inputs: SymTensor[], outputs: SymTensor[]): LayerCall[] | null {
  if (inputs.length !== 1 || outputs.length !== 1) return null;
  const chain: LayerCall[] = [];
  for (let t = outputs[0]; ; ) {
    const call = t.producer;
    if (!call) return null;
    if (call.layer.kernel?.family === 'input') {
      if (t !== inputs[0]) return null;
      chain.push(call);
      return chain.reverse();
    }
    if (t === inputs[0] || call.inputs.length !== 1) return null;
    chain.push(call);
    t = call.inputs[0];
  }
}
