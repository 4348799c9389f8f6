/**
 * The order in which a Functional model lists its layers (keras/src/ops/function.py, map_graph):
 * every node gets a depth counted from the outputs (a layer takes the largest depth of its nodes),
 * layers are listed deepest first, and ties keep the order in which a depth-first walk from the
 * outputs first met them. Weight-file paths count classes in this order, so it must be exact.
 */
import type { LayerCall, ModelGraph, SymTensor } from '../graph';

/**
 * The tracer lists a Functional graph's calls by the same walk and depths as Keras' order
 * (call_listing.ts collectCalls), with calls for nodes and layers for operations; so when every call is a node of
 * its own (none ran inside a nested model or custom layer), no layer is called twice, every input
 * is an InputLayer's and the graph has no problem (the walks then meet the same calls), the two
 * orders are the same. A keystroke re-lists a 1,000-layer model: this is one pass, with no walk,
 * depths or sort. (test/unit/functional_order.test.ts checks it against the full order.)
 */
/** The entries of the graph's calls in their order, or null when that may not be Keras' order. */
export function callsOrder<K>(graph: ModelGraph, entryOfCall: (call: LayerCall) => K, isContainer: (entry: K) => boolean): K[] | null {
  if (graph.problem !== undefined || graph.kind !== 'functional') return null;
  for (const t of graph.inputs) if (t.producer && t.producer.layer.kernel?.family !== 'input') return null;
  // A layer called once in all is listed once; only those called more are counted here.
  let calledMore: Set<object> | null = null;
  const order = new Array<K>(graph.calls.length);
  for (let i = 0; i < graph.calls.length; i++) {
    const call = graph.calls[i];
    const entry = entryOfCall(call);
    if (entry !== (call.layer as unknown) || isContainer(entry)) return null;
    if (call.layer.calls.length !== 1) {
      calledMore ??= new Set();
      if (calledMore.has(call.layer)) return null;
      calledMore.add(call.layer);
    }
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
