/**
 * The objects a traced model holds, as Keras tracks them for saving (keras/src/saving/saving_lib.py):
 * a Functional or Sequential model lists its `layers`; a custom Layer or a subclassed Model holds
 * what its attributes hold, visited in sorted attribute order. Weight files are laid out by this.
 */
import { beforeWrite } from './checkpoint';
import type { GraphEntry, LayerCall, LayerInstance, TrackedChild, TrackedList, TrackedNode } from '../graph';
import { isSettledLayer, type TraceContext } from './context';
import { isCarried, reuseEnabled } from '../reuse';
import { callsOrder } from './functional_order';
import { functionalOrderReusing } from './recent_graphs';
import { isKerasClass, isLayerInstance, type ModelObject } from './models';
import { extendedModels, graphOf, innerEntriesKept, keptInnerEntries, keptModelNodes, modelsKept, sameCalls, startsWith, type KeptModel, type Tracked } from './tracking_kept';
import type { InstanceValue, Value } from './values';


const isFunctionalModel = (o: object): o is ModelObject => 'kind' in o && (o as ModelObject).kind === 'functional' && !!(o as ModelObject).graph;

/** Keras visits public names in code-point order (as `<` compares ASCII), then the `_private` ones. */
const visitOrder = (a: string, b: string) => {
  const pa = a.startsWith('_');
  const pb = b.startsWith('_');
  if (pa !== pb) return pa ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
};

const NO_OWNERS: readonly object[] = Object.freeze([]);

/**
 * A built-in layer's node, which holds nothing but the layer: the one made last time while its
 * class and trainable flag are the same (nothing changes a layer's node once made), so a keystroke
 * re-tracking a 1,000-layer model makes nodes for the layers it made anew only.
 */
const layerNodes = new WeakMap<LayerInstance, TrackedNode>();

/**
 * The settled layers the last trace's tracking met, and this one's: a layer's node is kept from the second
 * trace that meets it on (the layers an edit re-made are new at every keystroke, and keeping their
 * nodes cost more than making them).
 */
let layersBefore = new Set<LayerInstance>();
let layersNow = new Set<LayerInstance>();

/** The node kept for a built-in layer, while its class and trainable flag are the same. */
function keptLayerNode(layer: LayerInstance): TrackedNode | undefined {
  const known = reuseEnabled() ? layerNodes.get(layer) : undefined;
  return known && known.className === layer.type && known.trainable === layer.trainable ? known : undefined;
}

function layerNode(layer: LayerInstance): TrackedNode {
  const known = reuseEnabled() ? layerNodes.get(layer) : undefined;
  const node: TrackedNode = { className: layer.type, layer, trainable: layer.trainable, children: [], sublayers: [], ownVariables: 0, ownVariableLayers: [] };
  if (known || (reuseEnabled() && layersBefore.has(layer))) layerNodes.set(layer, node);
  // Only a settled layer, or one the trace's cut-off took over, is met by the next trace again; the
  // others are made anew, and held here they kept the last trace alive.
  else if (reuseEnabled() && (isSettledLayer(layer) || (layer.calls.length > 0 && isCarried(layer.calls[0])))) layersNow.add(layer);
  return node;
}

export class TrackingBuilder {
  private readonly memo = new Map<object, TrackedNode>();

  constructor(private readonly ctx: TraceContext) {
    // A trace that reuses nothing (a test's reference) is not one of the series.
    if (!reuseEnabled()) return;
    layersBefore = layersNow;
    layersNow = new Set();
  }

  forModel(model: ModelObject): TrackedNode {
    const root = this.node(model);
    this.linkVariables();
    return root;
  }

  /** Operations on a custom layer's own variables learn which tracked object owns them. */
  private linkVariables(): void {
    for (const [layer, { owner, created }] of this.ctx.variableUses) {
      const node = this.memo.get(owner) ?? null;
      const weights = owner.ownWeights ?? [];
      // Keras stores trainable variables first, then the others, each in creation order.
      const order = [...weights.keys()].sort((a, b) => Number(weights[b].trainable) - Number(weights[a].trainable) || a - b);
      const index = order.indexOf(created);
      beforeWrite(layer, 'variable');
      layer.variable = { owner: node, index };
      if (node) {
        node.ownVariableLayers = order.map((_, i) => node.ownVariableLayers[i] ?? null);
        node.ownVariableLayers[index] = layer;
      }
    }
  }

  private node(obj: Tracked): TrackedNode {
    // A kept layer node is the same whoever asks: not entered in this trace's memo (a thousand per keystroke).
    const kept = isLayerInstance(obj) ? keptLayerNode(obj) : undefined;
    if (kept) return kept;
    const key = 'cls' in obj && obj.model ? obj.model : obj;
    const seen = this.memo.get(key);
    if (seen) return seen;
    if (isLayerInstance(obj)) {
      const leaf = layerNode(obj);
      this.memo.set(key, leaf);
      return leaf;
    }
    const keptModel = this.keptModel(key);
    if (keptModel) {
      this.memo.set(key, keptModel.node);
      return keptModel.node;
    }
    const node: TrackedNode = { className: '', layer: null, trainable: true, children: [], sublayers: [], ownVariables: null, ownVariableLayers: [] };
    this.memo.set(key, node);
    if ('cls' in obj && !obj.model) {
      node.className = obj.cls.name;
      node.ownVariables = obj.ownWeights?.length ?? null;
      node.children = this.attributes(obj);
      node.sublayers = this.inAssignmentOrder(obj);
    } else {
      const model = ('cls' in obj ? obj.model : obj) as ModelObject;
      node.trainable = model.trainable;
      node.ownVariables = 0;
      if (model.kind === 'subclassed' && model.instance) {
        node.className = model.instance.cls.name;
        node.sublayers = this.inAssignmentOrder(model.instance);
        // A subclassed Model is walked like a Layer, but its public `layers` property is an
        // attribute too: layers held by attributes sorting after "layers" are saved under it.
        node.children = this.attributes(model.instance, node.sublayers);
      } else {
        node.className = model.kind === 'sequential' ? 'Sequential' : 'Functional';
        node.sublayers = this.sublayersExtending(model) ?? this.layersOf(model).map((m) => this.node(m));
        node.children = [{ attr: 'layers', value: node.sublayers }];
        this.keepModel(model, node);
      }
    }
    return node;
  }

  /** Models whose node is the kept one in this trace. */
  private readonly keptModels = new Set<ModelObject>();

  /**
   * The node kept for a model (`modelsKept`), if it still stands: the same graph, the model's
   * trainable flag, and each layer's class and flag as they were.
   */
  private keptModel(key: object): KeptModel | null {
    const kept = reuseEnabled() ? modelsKept.get(key as ModelObject) : undefined;
    if (!kept || kept.graph !== (key as ModelObject).graph || kept.node.trainable !== (key as ModelObject).trainable) return null;
    // A layer's kept node is replaced only when its class or flag differ (layerNode), and every kept
    // model is asked for at each trace's end, when flags are final: matching fields are the same node.
    for (const n of kept.node.sublayers) {
      const layer = n.layer!;
      if (n.className !== layer.type || n.trainable !== layer.trainable) return null;
    }
    this.keptModels.add(key as ModelObject);
    keptModelNodes.count++;
    return kept;
  }

  /** Keeps a model's node when its graph is settled and it holds only layers whose nodes are kept. */
  private keepModel(model: ModelObject, node: TrackedNode): void {
    if (!reuseEnabled() || !model.graph || model.kind === 'subclassed' || !model.graph.calls.every((c) => Object.isFrozen(c))) return;
    if (!node.sublayers.every((n) => n.layer && layerNodes.get(n.layer) === n)) return;
    const order = this.orders.get(model);
    modelsKept.set(model, { graph: model.graph, node, entries: null, order: order?.fromCalls ? Object.freeze(order.order.slice()) : null, layers: null });
  }

  /**
   * The layers of a Functional model whose calls start with all of a model kept in this trace
   * (`keras.Model(base.input, head(base.output))`): the kept model's layers and order, then those
   * of the calls after them, when each of those is its layer's only call here and ran in no
   * nested object, so the order read off the calls holds (functional_order.ts callsOrder).
   */
  private sublayersExtending(model: ModelObject): TrackedNode[] | null {
    const graph = model.graph;
    if (!graph || model.kind !== 'functional' || graph.problem !== undefined || this.orders.has(model)) return null;
    const base = [...this.keptModels].find((b) => modelsKept.get(b)?.order && startsWith(graph.calls, b.graph!.calls));
    if (!base) return null;
    for (const t of graph.inputs) if (t.producer && t.producer.layer.kernel?.family !== 'input') return null;
    const kept = modelsKept.get(base)!;
    kept.layers ??= new Set(kept.order!);
    const order: Tracked[] = kept.order!.slice();
    const added = new Set<LayerInstance>();
    for (let i = base.graph!.calls.length; i < graph.calls.length; i++) {
      const call = graph.calls[i];
      if (this.ownersWithin(call, model).length || kept.layers.has(call.layer) || added.has(call.layer)) return null;
      added.add(call.layer);
      order.push(call.layer);
    }
    this.orders.set(model, { order, fromCalls: true });
    extendedModels.count++;
    const sublayers = kept.node.sublayers.slice();
    for (const layer of added) if (!layer.isOperation) sublayers.push(this.node(layer));
    return sublayers;
  }

  /** Keras' `model.layers` of a Functional or Sequential model (a Functional lists its InputLayers). */
  private layersOf(model: ModelObject): Tracked[] {
    if (model.kind === 'sequential' && !model.graph) return model.layers;
    if (model.kind === 'functional' && model.graph) return this.orderOf(model).order.filter((e) => !(isLayerInstance(e) && e.isOperation));
    const entries: Tracked[] = [];
    const seen = new Set<object>();
    for (const call of model.graph?.calls ?? []) {
      if (call.layer.isOperation || (model.kind === 'sequential' && call.layer.kernel?.family === 'input')) continue;
      const entry = this.entryOf(call, model);
      if (!seen.has(entry)) {
        seen.add(entry);
        entries.push(entry);
      }
    }
    return entries;
  }

  /** The object `model` lists for a call: the layer itself, or the nested model / custom layer it ran in. */
  private entryOf(call: LayerCall, model: ModelObject): Tracked {
    return (this.ownersWithin(call, model)[0] as Tracked | undefined) ?? call.layer;
  }

  /**
   * A nested Functional model lists its own InputLayers (`base.layers[0]`), though its parent never
   * calls them: they are added to the entries from its calls, where its own order puts them.
   */
  private withOwnInputs(model: ModelObject, entries: GraphEntry[]): GraphEntry[] {
    const listed = new Set(entries.map((e) => (e.kind === 'layer' ? e.layer : null)));
    const inputs = new Set<LayerInstance>();
    for (const t of model.graph!.inputs) {
      const layer = t.producer?.layer;
      if (layer?.kernel?.family === 'input' && !listed.has(layer)) inputs.add(layer);
    }
    if (!inputs.size) return entries;
    return this.inFunctionalOrder(model, [...[...inputs].map((layer): GraphEntry => ({ kind: 'layer', layer })), ...entries]);
  }

  /**
   * Each Functional model's order, computed once (a backbone's is asked for by every model holding
   * it), and whether it was read off the graph's calls (each call its layer's only one, in order).
   */
  private readonly orders = new Map<ModelObject, { order: readonly Tracked[]; fromCalls: boolean }>();

  /** What a Functional model lists, in Keras' order (operations included), and whether it was read off the calls. */
  private orderOf(model: ModelObject): { order: readonly Tracked[]; fromCalls: boolean } {
    let known = this.orders.get(model);
    if (!known) {
      const entryOf = (call: LayerCall) => this.entryOf(call, model);
      const isContainer = (e: Tracked) => !isLayerInstance(e);
      const fromCalls = callsOrder<Tracked>(model.graph!, entryOf, isContainer);
      known = fromCalls ? { order: fromCalls, fromCalls: true } : { order: functionalOrderReusing<Tracked>(this.ctx.layers, model.graph!, entryOf, isContainer), fromCalls: false };
      this.orders.set(model, known);
    }
    return known;
  }

  /** The nested models / custom layers a call ran in, below `model`, outermost first. */
  private ownersWithin(call: LayerCall, model: ModelObject): readonly object[] {
    const owners = this.ctx.callOwners.get(call);
    // Most calls ran in no nested object: one shared empty list, not one per call and model.
    if (!owners?.length) return NO_OWNERS;
    // The calls of one application share their list of owners (context.ts ownersNow): asked once per run.
    const last = this.lastOwnersWithin;
    if (last.owners === owners && last.model === model) return last.within;
    const own = owners.findIndex((o) => o === model || o === model.instance);
    // Not inside `model` itself (the usual case for a model around a nested backbone): all of them, not a copy.
    const within = own < 0 ? owners : owners.slice(own + 1);
    this.lastOwnersWithin = { owners, model, within };
    return within;
  }

  private lastOwnersWithin: { owners: readonly object[] | null; model: ModelObject | null; within: readonly object[] } = { owners: null, model: null, within: NO_OWNERS };

  /** Keras' `model.layers` for a traced model, containers holding their own entries. */
  entriesFor(model: ModelObject): GraphEntry[] {
    const kept = modelsKept.get(model);
    if (kept?.entries && this.keptModels.has(model)) return kept.entries;
    const entries = this.entriesMade(model);
    // Entries of layers only are kept with the model's node (made or kept in this trace): a container's entry reads what later statements may set.
    if (kept && this.memo.get(model) === kept.node && entries.every((e) => e.kind === 'layer')) kept.entries = Object.freeze(entries) as GraphEntry[];
    return entries;
  }

  private entriesMade(model: ModelObject): GraphEntry[] {
    // Only a Functional model lists its InputLayers; only a Functional graph holds operations.
    const functional = model.kind === 'functional';
    // Order read off the calls: every call ran in no nested object and is its layer's only one, so
    // each is an entry of its own, in the calls' order, which is the order (what grouping gives).
    if (functional && model.graph && this.orderOf(model).fromCalls) return model.graph.calls.map((call): GraphEntry => ({ kind: 'layer', layer: call.layer }));
    const calls = (model.graph?.calls ?? []).filter((c) => functional || c.layer.kernel?.family !== 'input');
    const entries = this.group(calls.map((call) => ({ call, chain: this.ownersWithin(call, model) })), functional);
    if (!functional || !model.graph) return entries;
    return this.inFunctionalOrder(model, entries);
  }

  /** A Functional model's entries sorted as its `layers` lists them. */
  private inFunctionalOrder(model: ModelObject, entries: GraphEntry[]): GraphEntry[] {
    const { order } = this.orderOf(model);
    const rank = new Map<object, number>();
    for (let i = 0; i < order.length; i++) rank.set(order[i], i);
    const keyOf = (e: GraphEntry): object => (e.kind === 'layer' ? e.layer : this.containerKeys.get(e)!);
    const ranks = entries.map((e, i) => rank.get(keyOf(e)) ?? rank.size + i);
    // Usually already in order (the calls' order is Keras' too): the stable sort would change nothing.
    if (ranks.every((r, i) => i === 0 || ranks[i - 1] <= r)) return entries;
    return entries.map((e, i) => ({ e, r: ranks[i] })).sort((a, b) => a.r - b.r).map((x) => x.e);
  }

  /** Kept entries of containers given to an entry in this trace (or kept from one). */
  private readonly keptHandedOut = new Set<GraphEntry[]>();

  /** The object each container entry stands for. */
  private readonly containerKeys = new Map<GraphEntry, object>();

  private group(items: { call: LayerCall; chain: readonly object[] }[], functional: boolean): GraphEntry[] {
    const entries: GraphEntry[] = [];
    const byKey = new Map<object, GraphEntry>();
    /** Each container's items, grouped after its entries are known not to be the kept ones. */
    const inner = new Map<object, { call: LayerCall; chain: readonly object[] }[]>();
    let lastKey: object | null = null;
    let lastList: { call: LayerCall; chain: readonly object[] }[] = [];
    for (const item of items) {
      const { call, chain } = item;
      if (!chain.length && call.layer.isOperation && !functional) continue;
      const key = chain[0] ?? call.layer;
      let entry = byKey.get(key);
      if (!entry) {
        entry = chain.length ? this.container(chain[0] as ModelObject | InstanceValue) : { kind: 'layer', layer: call.layer };
        if (chain.length) this.containerKeys.set(entry, chain[0]);
        byKey.set(key, entry);
        entries.push(entry);
      }
      if (entry.kind === 'container') {
        entry.calls.push(call);
        // Runs of calls in one container (a backbone's hundreds): its list looked up once per run.
        if (lastKey !== key) {
          let list = inner.get(key);
          if (!list) inner.set(key, (list = []));
          lastKey = key;
          lastList = list;
        }
        lastList.push(item);
      }
    }
    for (const [key, items] of inner) {
      const entry = byKey.get(key)!;
      if (entry.kind !== 'container') continue;
      const kept = reuseEnabled() ? innerEntriesKept.get(key) : undefined;
      // Once per trace: two models listing the same container (a model and the model it is nested in) hold lists of their own.
      if (kept && kept.graph === graphOf(key) && !this.keptHandedOut.has(kept.entries) && sameCalls(kept.calls, entry.calls)) {
        this.keptHandedOut.add(kept.entries);
        entry.entries = kept.entries;
        keptInnerEntries.count++;
        continue;
      }
      entry.entries = this.group(items.map(({ call, chain }) => ({ call, chain: chain.slice(1) })), entry.className === 'Functional');
      if (isFunctionalModel(key)) entry.entries = this.withOwnInputs(key, entry.entries);
      if (reuseEnabled() && entry.calls.every((c) => Object.isFrozen(c)) && entry.entries.every((e) => e.kind === 'layer')) {
        innerEntriesKept.set(key, { graph: graphOf(key), calls: entry.calls.slice(), entries: Object.freeze(entry.entries) as GraphEntry[] });
        this.keptHandedOut.add(entry.entries);
      }
    }
    return entries;
  }

  private container(obj: ModelObject | InstanceValue): GraphEntry {
    const outputs = this.ctx.containerOutputs.get(obj) ?? [];
    const callSpans = this.ctx.containerSites.get(obj) ?? [];
    if ('cls' in obj) {
      return {
        kind: 'container', name: obj.layerName ?? obj.cls.name, className: obj.cls.name, span: obj.span ?? obj.cls.span,
        entries: [], calls: [], outputs, callSpans, ownWeights: obj.ownWeights ?? [], trainable: true,
      };
    }
    const className = obj.kind === 'sequential' ? 'Sequential' : obj.kind === 'functional' ? 'Functional' : (obj.instance?.cls.name ?? 'Model');
    return { kind: 'container', name: obj.name, className, span: obj.span, entries: [], calls: [], outputs, callSpans, ownWeights: [], trainable: obj.trainable };
  }

  /** Attributes holding Keras objects (or containers of them), in Keras' visiting order. */
  private attributes(inst: InstanceValue, modelLayers?: TrackedNode[]): TrackedChild[] {
    const values = new Map<string, TrackedNode | TrackedList>();
    for (const [attr, value] of inst.attrs) {
      if (attr.startsWith('__')) continue;
      const tracked = this.tracked(value);
      if (tracked) values.set(attr, tracked);
    }
    if (modelLayers && !values.has('layers')) values.set('layers', modelLayers);
    return [...values.keys()].sort(visitOrder).map((attr) => ({ attr, value: values.get(attr)! }));
  }

  /** A Keras object, or a list/tuple/dict holding some (nested ones kept as nested containers). */
  private tracked(value: Value): TrackedNode | TrackedList | null {
    const single = this.trackable(value);
    if (single) return this.node(single);
    if (value.t !== 'list' && value.t !== 'tuple' && value.t !== 'dict') return null;
    const items = (value.t === 'dict' ? value.vals : value.items).map((v) => this.tracked(v)).filter((v): v is TrackedNode | TrackedList => !!v);
    return items.length ? items : null;
  }

  /** Layers reachable from the attributes, in the order they were assigned (lists flattened). */
  private inAssignmentOrder(inst: InstanceValue): TrackedNode[] {
    const out: TrackedNode[] = [];
    const add = (v: Value) => {
      const single = this.trackable(v);
      if (single) out.push(this.node(single));
      else if (v.t === 'list' || v.t === 'tuple') v.items.forEach(add);
      else if (v.t === 'dict') v.vals.forEach(add);
    };
    for (const [attr, v] of inst.attrs) if (!attr.startsWith('__')) add(v);
    return [...new Set(out)];
  }

  private trackable(v: Value): Tracked | null {
    if (v.t === 'layer') return v.layer;
    if (v.t === 'model') return v.model;
    if (v.t === 'instance' && (v.model || isKerasClass(v.cls, 'Layer'))) return v;
    return null;
  }
}
