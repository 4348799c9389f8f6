/**
 * Graphs and orders made lately, reused when a keystroke re-builds a model on top of one: a model
 * re-built after an edit in its last lines is an earlier graph up to some tensor T with a new chain
 * of one-input calls from T to its output, and both its calls (collectCalls, call_listing.ts) and its
 * layer order (functionalOrder, functional_order.ts) are the earlier ones up to T, then the chain's.
 * Keeping these lists here keeps the orders themselves in functional_order.ts plain functions.
 */
import type { LayerCall, LayerInstance, ModelGraph, SymTensor } from '../graph';
import { reuseEnabled } from '../reuse';
import { collectCalls, type CollectedCalls } from './call_listing';
import { functionalOrder } from './functional_order';


const RECENT_KEPT = 4;
/** How many calls a new top (or an old one given up) may have before the graph is listed in full. */
const MAX_TOP_CALLS = 64;

/**
 * Lists made lately for single-output graphs (their calls, or their layers' order), newest first,
 * and how many were made on one of them (for tests: the reuse is not vacuous). A graph re-built
 * on an earlier one (the earlier graph up to some tensor T, then a new chain of one-input calls
 * from T to the output) has the earlier list without the items of the earlier chain above T (its
 * last ones: the smallest depths), then the new chain's items, deepest first. Every path to the
 * output runs through T, so the items up to T keep their order (their depths all grow by the new
 * chain's length). T is found on the earlier graph's top chain.
 */
interface RecentList<T> {
  /** The trace's list of layers the graph was made in (a layer is its trace's while it sits there at its id). */
  layers: readonly LayerInstance[];
  inputs: SymTensor[];
  output: SymTensor;
  items: readonly T[];
  /** Its top chain's calls, and how many of its last items lie above each (see topChainOf). */
  topChain: Map<LayerCall, number>;
}

class RecentLists<T> {
  private readonly lists: RecentList<T>[] = [];
  reused = 0;

  /** `itemOf`: a chain call's item (on a chain, each call is its own entry). */
  constructor(private readonly itemOf: (call: LayerCall) => T) {}

  /**
   * The list of a graph on `inputs` with `output`, made on a recent one, or null. `onChain`: a call
   * that may be on either top chain.
   */
  madeOnRecent(inputs: SymTensor[], output: SymTensor, onChain: (call: LayerCall) => boolean): T[] | null {
    // The new chain, from the output down, until a call of a recent graph's top chain.
    const chain: LayerCall[] = [];
    let call = output.producer;
    while (call && chain.length <= MAX_TOP_CALLS) {
      for (const r of this.lists) {
        if (!sameTensors(r.inputs, inputs)) continue;
        const dropped = this.droppedAbove(r, call, onChain);
        if (dropped === null) continue;
        const items = r.items.slice(0, r.items.length - dropped);
        for (let i = chain.length - 1; i >= 0; i--) items.push(this.itemOf(chain[i]));
        this.reused++;
        return items;
      }
      if (!onChain(call) || inputs.includes(call.output)) return null;
      chain.push(call);
      call = call.inputs[0].producer;
    }
    return null;
  }

  /**
   * Keeps a graph made in the trace whose layers are `layers`. Graphs none of whose top chain is
   * still that trace's are dropped first: nothing can be built on them (an early edit re-made
   * all of it), and kept they held whole earlier traces alive, keystroke after keystroke, so V8
   * took what every keystroke makes for long-lived and allocated it in the old generation.
   */
  remember(layers: readonly LayerInstance[], inputs: SymTensor[], output: SymTensor, items: readonly T[]): void {
    this.dropStale();
    this.lists.unshift({ layers, inputs, output, items, topChain: this.topChainOf(output, items) });
    if (this.lists.length > RECENT_KEPT) this.lists.pop();
  }

  /** Drops the graphs none of whose top chain is still their trace's. */
  dropStale(): void {
    for (let i = this.lists.length - 1; i >= 0; i--) if (!holdsCurrentCall(this.lists[i])) this.lists.splice(i, 1);
  }

  /** Drops the graphs made in the trace whose layers are `layers`. */
  forget(layers: readonly LayerInstance[]): void {
    for (let i = this.lists.length - 1; i >= 0; i--) if (this.lists[i].layers === layers) this.lists.splice(i, 1);
  }

  /**
   * How many of `r`'s last items are its top chain's above `call`, when `call` is on that chain
   * and every call above it may be on one; else null.
   */
  private droppedAbove(r: RecentList<T>, call: LayerCall, onChain: (call: LayerCall) => boolean): number | null {
    const dropped = r.topChain.get(call);
    if (dropped === undefined) return null;
    // Whether a call may be on a chain can change after the list was made (its layer called again).
    let at = r.output.producer;
    for (let j = 0; j < dropped; j++, at = at!.inputs[0].producer) if (!onChain(at!)) return null;
    return dropped;
  }

  /**
   * The calls of a list's top chain (from its output down, each the last item not yet matched),
   * with how many items lie above each: found once, so a graph matched against the recent ones
   * costs one lookup per call of its new chain, not a walk down each recent chain per call.
   */
  private topChainOf(output: SymTensor, items: readonly T[]): Map<LayerCall, number> {
    const chain = new Map<LayerCall, number>();
    let at = output.producer;
    for (let j = 0; j <= MAX_TOP_CALLS && j < items.length && at; j++) {
      chain.set(at, j);
      if (items[items.length - 1 - j] !== this.itemOf(at) || at.inputs.length !== 1) break;
      at = at.inputs[0].producer;
    }
    return chain;
  }
}

/** Whether some call of the list's top chain is still in its trace (an edit re-traces what follows it). */
function holdsCurrentCall(list: RecentList<unknown>): boolean {
  for (const call of list.topChain.keys()) if (list.layers[call.layer.id] === call.layer) return true;
  return false;
}

/** A call that can be on a reused chain: one input, its layer's only call, not an InputLayer. */
function chainable(call: LayerCall): boolean {
  return call.inputs.length === 1 && call.layer.calls.length === 1 && call.layer.kernel?.family !== 'input';
}

const recentListings = new RecentLists<LayerCall>((call) => call);
const recentOrders = new RecentLists<unknown>((call) => call.layer);

/**
 * A trace resumed from a checkpoint: graphs none of whose top chain is still their trace's are
 * dropped now, not when the next graph is kept, so what the last keystroke re-made dies before
 * this one makes its own (a collection in between would copy both).
 */
export function dropStaleGraphs(): void {
  recentListings.dropStale();
  recentOrders.dropStale();
}

/**
 * A trace is over for good (its tracer starts afresh or is reset): its graphs are dropped, since
 * no later graph is built on them, and kept they would hold that trace alive.
 */
export function forgetGraphsOf(layers: readonly LayerInstance[]): void {
  recentListings.forget(layers);
  recentOrders.forget(layers);
}

/** How many graphs were listed, and ordered, by reusing a recent one (for tests). */
export const reusedListings = { get count() { return recentListings.reused; } };
export const reusedOrders = { get count() { return recentOrders.reused; } };

/**
 * `collectCalls(inputs, outputs)`, reusing a graph listed lately when the new one only puts other calls
 * on top of it (`x = layers.Dense(10)(x)`, `model = keras.Model(inputs, x)` re-built after a
 * keystroke in its last lines). Declined (the full listing) unless every call on either chain has
 * one input and a layer called nowhere else (depths of one layer are its deepest call's), no chain
 * tensor is an input, the inputs are the same and no input went unused.
 */
export function collectCallsReusing(layers: readonly LayerInstance[], inputs: SymTensor[], outputs: SymTensor[]): CollectedCalls {
  if (!reuseEnabled() || outputs.length !== 1) return collectCalls(inputs, outputs);
  const output = outputs[0];
  const calls = recentListings.madeOnRecent(inputs, output, chainable);
  const result = calls ? { calls } : collectCalls(inputs, outputs);
  if (!result.disconnected && !unusedInputBeforeTop(result.calls[result.calls.length - 2]?.layer, output)) recentListings.remember(layers, inputs, output, result.calls);
  return result;
}

/**
 * `functionalOrder` of a Functional graph, reusing an order made lately when the graph only puts
 * other calls on top of the graph it was made for, as `collectCallsReusing` does for the calls.
 * This is what keeps a head typed on a nested backbone from re-ordering the backbone's hundreds of
 * calls. The chains' calls must be plain layers (not inside a nested model or custom layer:
 * `entryOfCall` gives the layer itself).
 */
export function functionalOrderReusing<K>(layers: readonly LayerInstance[], graph: ModelGraph, entryOfCall: (call: LayerCall) => K, isContainer: (entry: K) => boolean): K[] {
  if (!reuseEnabled() || graph.outputs.length !== 1 || graph.problem !== undefined) return functionalOrder(graph.inputs, graph.outputs, entryOfCall, isContainer);
  const output = graph.outputs[0];
  const plain = (call: LayerCall) => chainable(call) && (entryOfCall(call) as unknown) === call.layer;
  const order = (recentOrders.madeOnRecent(graph.inputs, output, plain) as K[] | null) ?? functionalOrder(graph.inputs, graph.outputs, entryOfCall, isContainer);
  if (!unusedInputBeforeTop(order[order.length - 2], output)) recentOrders.remember(layers, graph.inputs, output, order);
  return order;
}

/**
 * Whether the layer listed before the top one is an InputLayer the top call does not read: an
 * input no output uses, which sorts just before the top (depth 0) wherever the top chain ends, so
 * the list is not one to build on.
 */
function unusedInputBeforeTop(layerBeforeTop: unknown, output: SymTensor): boolean {
  const beforeTop = layerBeforeTop as { kernel?: { family?: string } } | undefined;
  if (!beforeTop || beforeTop.kernel?.family !== 'input') return false;
  const top = output.producer;
  return !(top && top.inputs.length === 1 && top.inputs[0].producer?.layer === beforeTop);
}

function sameTensors(a: readonly SymTensor[], b: readonly SymTensor[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
