/**
 * The order in which a Functional model lists its layers (keras/src/ops/function.py, map_graph):
 * every node gets a depth counted from the outputs (a layer takes the largest depth of its nodes),
 * layers are listed deepest first, and ties keep the order in which a depth-first walk from the
 * outputs first met them. Weight-file paths count classes in this order, so it must be exact.
 */
import type { LayerCall, ModelGraph, SymTensor } from '../graph';
import { reuseEnabled } from '../reuse';

/**
 * The order of a Functional model's graph: read off its calls when they already are that order,
 * else `functionalOrder`. The tracer lists a Functional graph's calls by the same walk and depths
 * (models.ts, collectCalls), with calls for nodes and layers for operations; so when every call is
 * a node of its own (none ran inside a nested model or custom layer), no layer is called twice,
 * every input is an InputLayer's and the graph has no problem (the walks then meet the same calls),
 * the two orders are the same. A keystroke re-lists a 1,000-layer model: this is one pass, with
 * no walk, depths or sort. (test/unit/functional_order.test.ts checks it against the full order.)
 */
export function functionalOrderOfGraph<K>(graph: ModelGraph, entryOfCall: (call: LayerCall) => K, isContainer: (entry: K) => boolean): K[] {
  return callsOrder(graph, entryOfCall, isContainer) ?? functionalOrder(graph.inputs, graph.outputs, entryOfCall, isContainer);
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

/** The entries of the graph's calls in their order, or null when that may not be Keras' order. */
export function callsOrder<K>(graph: ModelGraph, entryOfCall: (call: LayerCall) => K, isContainer: (entry: K) => boolean): K[] | null {
  if (graph.problem !== undefined || graph.kind !== 'functional') return null;
  for (const t of graph.inputs) if (t.producer && t.producer.layer.kernel?.family !== 'input') return null;
  const layers = new Set<object>();
  const order = new Array<K>(graph.calls.length);
  for (let i = 0; i < graph.calls.length; i++) {
    const call = graph.calls[i];
    const entry = entryOfCall(call);
    if (entry !== (call.layer as unknown) || isContainer(entry) || layers.has(call.layer)) return null;
    layers.add(call.layer);
    order[i] = entry;
  }
  return order;
}

/**
 * `entryOf` maps a call to what the model lists for it (a layer, or the nested model / custom layer
 * it ran in); all calls of one nested object act as one node of the outer graph.
 */
export function functionalOrder<K>(inputs: SymTensor[], outputs: SymTensor[], entryOfCall: (call: LayerCall) => K, isContainer: (entry: K) => boolean): K[] {
  // Each call's entry is asked for several times: once is enough.
  const entries = new Map<LayerCall, K>();
  const entryOf = (call: LayerCall): K => {
    let entry = entries.get(call);
    if (entry === undefined && !entries.has(call)) entries.set(call, (entry = entryOfCall(call)));
    return entry as K;
  };
  // Each application of a nested model or custom layer is a node of its own (Keras: one node per
  // call), found as the calls of that container linked to one another by their tensors.
  const applicationOf = new Map<LayerCall, object>();
  const nodeOf = (call: LayerCall): object => {
    const entry = entryOf(call);
    if (!isContainer(entry)) return call;
    let node = applicationOf.get(call);
    if (!node) {
      node = { application: entry };
      for (const c of containerCalls(call, (p) => entryOf(p) === entry)) applicationOf.set(c, node);
    }
    return node;
  };
  const callsOfNode = new Map<object, LayerCall[]>();
  const opOfNode = new Map<object, K>();
  const register = (call: LayerCall) => {
    const node = nodeOf(call);
    if (!callsOfNode.has(node)) {
      callsOfNode.set(node, []);
      opOfNode.set(node, entryOf(call));
    }
    const list = callsOfNode.get(node)!;
    if (!list.includes(call)) list.push(call);
    return node;
  };
  const inputSet = new Set(inputs);
  /** The tensors a node reads from outside itself. */
  const parentTensors = (node: object): SymTensor[] => {
    const calls = callsOfNode.get(node)!;
    // A layer's node is one call: its inputs are all from outside (the common case, without a set).
    if (calls.length === 1 && node === calls[0]) return calls[0].inputs.filter((t) => t.producer !== node);
    const inside = new Set(calls);
    // Keras walks a nested call's arguments in order; the calls inside read them in the order they
    // ran (tensor ids grow as calls run), which usually follows the arguments (`pair([x, y])`: x, y).
    const inRunOrder = [...calls].sort((a, b) => a.output.id - b.output.id);
    return inRunOrder.flatMap((c) => c.inputs.filter((t) => !t.producer || !inside.has(t.producer)));
  };

  // Depth-first from the outputs: operation indices in pre-order, nodes in post-order.
  const opIndex = new Map<K, number>();
  const finished = new Set<object>();
  const postOrder: object[] = [];
  for (const out of outputs) {
    const stack: { node: object; tensors: SymTensor[]; next: number }[] = [];
    // The nodes on the stack, as a set: looking through a 500-deep stack at every step was quadratic.
    const onStack = new Set<object>();
    const enter = (t: SymTensor) => {
      if (!t.producer) return;
      const node = register(t.producer);
      if (finished.has(node) || onStack.has(node)) return;
      const op = opOfNode.get(node)!;
      if (!opIndex.has(op)) opIndex.set(op, opIndex.size);
      // A container's calls are all known once its first call is met: register them now.
      if (isContainer(op)) for (const c of containerCalls(t.producer, (p) => nodeOf(p) === node)) register(c);
      stack.push({ node, tensors: inputSet.has(t) ? [] : parentTensors(node), next: 0 });
      onStack.add(node);
    };
    enter(out);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.tensors.length) enter(top.tensors[top.next++]);
      else {
        stack.pop();
        onStack.delete(top.node);
        finished.add(top.node);
        postOrder.push(top.node);
      }
    }
  }

  const nodeDepth = new Map<object, number>();
  const opDepth = new Map<K, number>();
  for (let i = postOrder.length - 1; i >= 0; i--) {
    const node = postOrder[i];
    const op = opOfNode.get(node)!;
    const depth = Math.max(nodeDepth.get(node) ?? 0, opDepth.get(op) ?? 0);
    opDepth.set(op, depth);
    nodeDepth.set(node, depth);
    for (const t of parentTensors(node)) {
      if (!t.producer) continue;
      const parent = nodeOf(t.producer);
      nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
    }
  }
  for (const t of inputs) {
    if (!t.producer) continue;
    const op = entryOf(t.producer);
    if (!opDepth.has(op)) {
      opDepth.set(op, 0);
      opIndex.set(op, -1);
    }
  }
  // Each op's depth and index read once (not in every comparison); the sort is stable, as before.
  const ops = [...opDepth.keys()];
  const depth = new Float64Array(ops.length);
  const index = new Float64Array(ops.length);
  const order = new Array<number>(ops.length);
  for (let i = 0; i < ops.length; i++) {
    depth[i] = opDepth.get(ops[i])!;
    index[i] = opIndex.get(ops[i])!;
    order[i] = i;
  }
  return order.sort((a, b) => depth[b] - depth[a] || index[a] - index[b]).map((i) => ops[i]);
}

/** The calls `inside` holds that `seed` reads from, directly or through one another, and `seed`. */
function containerCalls(seed: LayerCall, inside: (c: LayerCall) => boolean): LayerCall[] {
  const seen = new Set<LayerCall>([seed]);
  const queue = [seed];
  while (queue.length) {
    const call = queue.pop()!;
    for (const t of call.inputs) {
      const p = t.producer;
      if (p && !seen.has(p) && inside(p)) {
        seen.add(p);
        queue.push(p);
      }
    }
  }
  return [...seen];
}

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
