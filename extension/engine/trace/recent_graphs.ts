/**
 * Graphs and orders made lately, reused when a keystroke re-builds a model on top of one: a model
 * re-built after an edit in its last lines is an earlier graph up to some tensor T with a new chain
 * of one-input calls from T to its output, and both its calls (collectCalls, models.ts) and its
 * layer order (functionalOrder, functional_order.ts) are the earlier ones up to T, then the chain's.
 * Keeping these lists here keeps the orders themselves in functional_order.ts plain functions.
 */
import type { LayerCall, ModelGraph, SymTensor } from '../graph';
import { reuseEnabled } from '../reuse';
import { functionalOrder } from './functional_order';

/** A Functional graph's calls as `collectCalls` (models.ts) lists them, and the input call it found cut off, if any. */
export interface CollectedCalls {
  calls: LayerCall[];
  disconnected?: LayerCall;
}

/** How many graphs were listed by reusing a recent one (for tests: the reuse is not vacuous). */
export const reusedListings = { count: 0 };

/** Graphs listed lately (one output each), newest first: a keystroke re-builds the model on top of the last one's. */
const recentGraphs: { inputs: SymTensor[]; output: SymTensor; calls: LayerCall[] }[] = [];
const RECENT_GRAPHS_KEPT = 4;
/** How many calls a new top (or an old one given up) may have before the graph is listed in full. */
const MAX_TOP_CALLS = 64;

/**
 * `collect(inputs, outputs)`, reusing a graph listed lately when the new one only puts other calls
 * on top of it. A model re-built after a keystroke in its last lines (`x = layers.Dense(10)(x)`,
 * `model = keras.Model(inputs, x)`) is an earlier graph up to some tensor T, with a new chain of
 * one-input calls from T to the output. Every path to the output then runs through T, so the calls
 * up to T keep their order (their depths all grow by the new chain's length), and the chain's
 * calls come after them, deepest first. T is found on the earlier graph's own top chain (its last
 * calls): the calls after T there are dropped. Declined (the full listing) unless every call on
 * either chain has one input and a layer called nowhere else (depths of one layer are its
 * deepest call's), no chain tensor is an input, the inputs are the same and no input went unused.
 */
export function collectCallsReusing(inputs: SymTensor[], outputs: SymTensor[], collect: (inputs: SymTensor[], outputs: SymTensor[]) => CollectedCalls): CollectedCalls {
  if (!reuseEnabled() || outputs.length !== 1) return collect(inputs, outputs);
  const output = outputs[0];
  const calls = onRecentGraph(inputs, output);
  if (calls) reusedListings.count++;
  const result = calls ? { calls } : collect(inputs, outputs);
  if (!result.disconnected && !unusedInputLast(result.calls, output)) {
    recentGraphs.unshift({ inputs, output, calls: result.calls });
    if (recentGraphs.length > RECENT_GRAPHS_KEPT) recentGraphs.pop();
  }
  return result;
}

/** A call that can be on a reused chain: one input, its layer's only call, not an InputLayer. */
function chainable(call: LayerCall): boolean {
  return call.inputs.length === 1 && call.layer.calls.length === 1 && call.layer.kernel?.family !== 'input';
}

function onRecentGraph(inputs: SymTensor[], output: SymTensor): LayerCall[] | null {
  // The new chain, from the output down, until a call of a recent graph's top chain.
  const chain: LayerCall[] = [];
  let call = output.producer;
  while (call && chain.length <= MAX_TOP_CALLS) {
    for (const g of recentGraphs) {
      if (!sameTensors(g.inputs, inputs)) continue;
      const kept = keptUpTo(g, call);
      if (kept === null) continue;
      const listed = g.calls.slice(0, kept);
      for (let i = chain.length - 1; i >= 0; i--) listed.push(chain[i]);
      return listed;
    }
    if (!chainable(call) || inputs.includes(call.output)) return null;
    chain.push(call);
    call = call.inputs[0].producer;
  }
  return null;
}

/** How many of `g`'s calls are listed up to `call`, when `call` is on its top chain; else null. */
function keptUpTo(g: { output: SymTensor; calls: LayerCall[] }, call: LayerCall): number | null {
  let expected = g.output.producer;
  for (let j = 0; j <= MAX_TOP_CALLS && j < g.calls.length; j++) {
    const at = g.calls[g.calls.length - 1 - j];
    if (!expected || at !== expected) return null;
    if (at === call) return g.calls.length - j;
    if (!chainable(at)) return null;
    expected = at.inputs[0].producer;
  }
  return null;
}

/**
 * Whether an input no output uses was listed (depth 0, before the output's call): then the calls
 * before the last are not all the graph's up to its top, and it is not reused.
 */
function unusedInputLast(calls: LayerCall[], output: SymTensor): boolean {
  const beforeLast = calls[calls.length - 2];
  if (!beforeLast || beforeLast.layer.kernel?.family !== 'input') return false;
  const top = output.producer;
  return !(top && top.inputs.length === 1 && top.inputs[0].producer === beforeLast);
}

function sameTensors(a: readonly SymTensor[], b: readonly SymTensor[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How many orders were made by reusing a recent one (for tests: the reuse is not vacuous). */
export const reusedOrders = { count: 0 };

/** Orders made lately (one output each), newest first: a keystroke re-builds a model on top of the last one's. */
const recentOrders: { inputs: SymTensor[]; output: SymTensor; order: readonly unknown[] }[] = [];

/**
 * `functionalOrder` of a Functional graph, reusing an order made lately when the graph only puts
 * other calls on top of the graph it was made for (as `collectCallsReusing` does for the calls):
 * the entries up to the tensor T both share keep their order, the old chain above T (the last
 * entries: the smallest depths) is dropped and the new one follows, deepest first. This is what
 * keeps a head typed on a nested backbone from re-ordering the backbone's hundreds of calls. The
 * chains' calls must be plain layers (not inside a nested model or custom layer: `entryOfCall`
 * gives the layer itself).
 */
export function functionalOrderReusing<K>(graph: ModelGraph, entryOfCall: (call: LayerCall) => K, isContainer: (entry: K) => boolean): K[] {
  if (!reuseEnabled() || graph.outputs.length !== 1 || graph.problem !== undefined) return functionalOrder(graph.inputs, graph.outputs, entryOfCall, isContainer);
  const output = graph.outputs[0];
  const plain = (call: LayerCall) => chainable(call) && (entryOfCall(call) as unknown) === call.layer;
  const reused = onRecentOrder<K>(graph.inputs, output, plain);
  if (reused) reusedOrders.count++;
  const order = reused ?? functionalOrder(graph.inputs, graph.outputs, entryOfCall, isContainer);
  // An input no output uses sorts just before the top entry, wherever the top chain ends: not reusable.
  if (!unusedInputBeforeTop(order, output)) {
    recentOrders.unshift({ inputs: graph.inputs, output, order });
    if (recentOrders.length > RECENT_GRAPHS_KEPT) recentOrders.pop();
  }
  return order;
}

function onRecentOrder<K>(inputs: SymTensor[], output: SymTensor, plain: (call: LayerCall) => boolean): K[] | null {
  const chain: LayerCall[] = [];
  let call = output.producer;
  while (call && chain.length <= MAX_TOP_CALLS) {
    for (const r of recentOrders) {
      if (!sameTensors(r.inputs, inputs)) continue;
      const dropped = droppedAbove(r, call, plain);
      if (dropped === null) continue;
      const order = r.order.slice(0, r.order.length - dropped) as K[];
      for (let i = chain.length - 1; i >= 0; i--) order.push(chain[i].layer as K);
      return order;
    }
    if (!plain(call) || inputs.includes(call.output)) return null;
    chain.push(call);
    call = call.inputs[0].producer;
  }
  return null;
}

/**
 * How many of `r`'s last entries are its top chain's layers above `call` (a chain of plain calls
 * down from its output), when `call` is on that chain; else null.
 */
function droppedAbove(r: { output: SymTensor; order: readonly unknown[] }, call: LayerCall, plain: (call: LayerCall) => boolean): number | null {
  let at = r.output.producer;
  for (let j = 0; j <= MAX_TOP_CALLS && j < r.order.length; j++) {
    if (!at) return null;
    if (at === call) return j;
    if (!plain(at) || r.order[r.order.length - 1 - j] !== at.layer) return null;
    at = at.inputs[0].producer;
  }
  return null;
}

/** Whether the entry before the top one is an InputLayer the top call does not read: an unused input. */
function unusedInputBeforeTop(order: readonly unknown[], output: SymTensor): boolean {
  const beforeTop = order[order.length - 2] as { kernel?: { family?: string } } | undefined;
  if (!beforeTop || beforeTop.kernel?.family !== 'input') return false;
  const top = output.producer;
  return !(top && top.inputs.length === 1 && top.inputs[0].producer?.layer === beforeTop);
}
