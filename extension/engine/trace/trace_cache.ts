/**
 * A cache of traces of code ConvLens ships (keras.applications definitions), so typing in the head
 * of a ResNet152 model does not trace the backbone again on every keystroke.
 *
 * The first call with some arguments is traced as usual and recorded: a private copy of what it
 * made (layers, calls, tensors, models; their configs, build results and shapes frozen), the diagnostics it offered, the automatic names, helper
 * frames and tensor ids it took, and the budget it used. A later call with the same arguments, in
 * this trace or a later one, re-instantiates that copy instead: fresh layer and tensor ids, Keras'
 * automatic names from the counters as they are now, the caller's frames and owners, the same
 * diagnostics at the new call site and the same budget charged, so the result is exactly what
 * tracing again would give. Nothing is shared between two instances (a frozen or re-applied
 * backbone never changes the recording). A call whose effects cannot be replayed exactly (it
 * reads something else of the trace, runs out of budget, refers to objects made before it) is
 * traced every time and never recorded.
 */
import { beforeMapSet, beforeWrite } from './checkpoint';
import type { Diagnostic } from '../diagnostics';
import type { LayerCall, LayerInstance } from '../graph';
import type { Span } from '../source';
import type { BudgetUse } from './budget';
import type { TraceContext } from './context';
import type { ModelObject } from './models';
import { TraceSignal } from './units';
import type { Value } from './values';

/** What one traced call made and did, as a private template (see `instantiate`). */
interface Recording {
  /** The call site, which every span made inside stands for. */
  site: Span;
  outcome: { value: Value } | { thrown: TraceSignal };
  layers: LayerInstance[];
  models: ModelObject[];
  /** Every call made on those layers, in the order they were made (outputs' ids). */
  calls: LayerCall[];
  /** The nested models a call ran inside, below the caller's own owners. */
  innerOwners: Map<LayerCall, object[]>;
  /** Outputs and application sites of nested models applied inside. */
  containers: { owner: object; outputs: unknown[]; sites?: Span[] }[];
  diagnostics: Diagnostic[];
  /** Automatic names taken: per prefix, the count it started from and how many. */
  names: { prefix: string; first: number; count: number }[];
  firstLayer: number;
  firstTensor: number;
  tensors: number;
  firstFrame: number;
  frames: number;
  /** How many helper frames the caller had open (a layer's scope is those, then its own). */
  outerFrames: number;
  budget: BudgetUse;
  /** Where the budget's last step was (reported by the next bulk-work stop). */
  lastSite: Span;
}

const MAX_RECORDINGS = 16;
const recordings = new Map<string, Recording>();
let enabled = true;

/** Turns the cache off (a differential test, or to measure what it saves); clears it either way. */
export function setTraceCacheEnabled(on: boolean): void {
  enabled = on;
  recordings.clear();
}

export function clearTraceCache(): void {
  recordings.clear();
}

/** How calls fared since the cache was last cleared (for tests and the bench). */
export const traceCacheStats = { hits: 0, recorded: 0, declined: 0 };

/** A Python value as a cache key part, or null when it is not fully known or may be mutable state. */
function valueKey(v: Value): string | null {
  switch (v.t) {
    case 'int': return `i${v.v}`;
    case 'float': return `f${Object.is(v.v, -0) ? '-0' : v.v}`;
    case 'str': return `s${JSON.stringify(v.v)}`;
    case 'bool': return v.v ? 'T' : 'F';
    case 'none': return 'N';
    case 'module': return `m${v.path}`;
    case 'tuple': case 'list': {
      const items = v.items.map(valueKey);
      return items.includes(null) ? null : `${v.t === 'list' ? '[' : '('}${items.join(',')})`;
    }
    case 'dict': {
      const parts = v.keys.map((k, i) => [valueKey(k), valueKey(v.vals[i])]);
      return parts.some(([k, x]) => k === null || x === null) ? null : `{${parts.map(([k, x]) => `${k}:${x}`).join(',')}}`;
    }
    case 'object': {
      const parts = [...(v.args ?? new Map<string, Value>())].map(([k, x]) => [k, valueKey(x)]);
      return parts.some(([, x]) => x === null) ? null : `o${v.name}(${parts.map(([k, x]) => `${k}=${x}`).join(',')})`;
    }
    default: return null;
  }
}

/** The key of a call `name(*args, **kwargs)` of a definition, or null when an argument is not fully known. */
export function callKey(ctx: TraceContext, name: string, args: Value[], kwargs: Map<string, Value>): string | null {
  const parts = [...args.map(valueKey), ...[...kwargs].map(([k, v]) => {
    const x = valueKey(v);
    return x === null ? null : `${k}=${x}`;
  })];
  if (parts.includes(null)) return null;
  // The global image data format decides the layers' data_format=None and the applications' axes.
  return `${name}(${parts.join(',')})|${JSON.stringify(ctx.options.defaultInputShape ?? null)}|${ctx.imageDataFormat}`;
}

/**
 * Runs `run` (a call of shipped code at `site`, all of whose spans are `site`), or replays its
 * recording for `key`. `key` null: not cacheable, just run.
 */
export function tracedOnce(ctx: TraceContext, key: string | null, site: Span, run: () => Value): Value {
  if (key === null || !enabled) return run();
  const recording = recordings.get(key);
  if (recording) {
    if (ctx.budget.fits(recording.budget)) {
      recordings.delete(key);
      recordings.set(key, recording);
      traceCacheStats.hits++;
      return instantiate(ctx, recording, site);
    }
    // Tracing it again would stop somewhere inside: do that, for the same partial result.
    traceCacheStats.declined++;
    return run();
  }
  return record(ctx, key, site, run);
}

/** Not replayable: the recorder gives up and the call stays traced every time. */
class NotReplayable extends Error {}

interface Before {
  layers: number;
  models: number;
  tensors: number;
  frameId: number;
  frames: string[];
  owners: object[];
  names: Map<string, number>;
  callOwners: number;
  containerOutputs: Map<object, number>;
  containerSites: Map<object, number>;
  outerCalls: number;
  items: number;
  other: Map<string, unknown>;
}

/**
 * Parts of the context a recording replays; any other table that changes makes it not replayable.
 * Side tables (the definitions' module scopes, functions called) are the tracer's own
 * bookkeeping, which a replay does not need.
 */
const REPLAYED = new Set(['layers', 'models', 'nextTensorId', 'nextFrameId', 'frames', 'owners', 'ownersShared', 'callOwners', 'containerOutputs', 'containerSites', 'text', 'foreignSite', 'sideTables']);

/** Sizes of the context's tables and its plain fields but `replayed`, to see that a call left them alone. */
export function otherState(ctx: TraceContext, replayed: ReadonlySet<string> = REPLAYED): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(ctx)) {
    if (replayed.has(k)) continue;
    if (v instanceof Map || v instanceof Set) out.set(k, v.size);
    else if (Array.isArray(v)) out.set(k, v.length);
    else if (v === null || typeof v !== 'object') out.set(k, v);
  }
  return out;
}

/** Whether two `otherState`s are the same. */
export function sameOtherState(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of b) if (a.get(k) !== v) return false;
  return true;
}

function lengths(map: Map<object, unknown[]>): Map<object, number> {
  return new Map([...map].map(([k, l]) => [k, l.length]));
}

function callsOf(layers: LayerInstance[]): number {
  let n = 0;
  for (const l of layers) n += l.calls.length;
  return n;
}

function record(ctx: TraceContext, key: string, site: Span, run: () => Value): Value {
  const before: Before = {
    layers: ctx.layers.length, models: ctx.models.length, tensors: ctx.tensorIdsUsed, frameId: ctx.nextFrameId,
    frames: [...ctx.frames], owners: [...ctx.owners], names: ctx.names.snapshot(), callOwners: ctx.callOwners.size,
    containerOutputs: lengths(ctx.containerOutputs), containerSites: lengths(ctx.containerSites),
    outerCalls: callsOf(ctx.layers), items: ctx.diagnostics.items.length, other: otherState(ctx),
  };
  const offered: Diagnostic[] = [];
  const outer = ctx.diagnostics.observer;
  ctx.diagnostics.observer = (d) => {
    offered.push(d);
    outer?.(d);
  };
  const mark = ctx.budget.mark();
  let outcome: Recording['outcome'];
  let budget: BudgetUse | null;
  try {
    try {
      outcome = { value: run() };
    } catch (e) {
      if (!(e instanceof TraceSignal)) throw e;
      outcome = { thrown: e };
    }
  } finally {
    ctx.diagnostics.observer = outer;
    budget = ctx.budget.usedSince(mark);
  }
  try {
    if (!budget) throw new NotReplayable('an allocation was refused');
    const recording = makeRecording(ctx, before, site, outcome, offered, budget);
    recordings.set(key, recording);
    if (recordings.size > MAX_RECORDINGS) recordings.delete(recordings.keys().next().value!);
    traceCacheStats.recorded++;
  } catch (e) {
    if (!(e instanceof NotReplayable)) throw e;
  }
  if ('thrown' in outcome) throw outcome.thrown;
  return outcome.value;
}

const nameOf = (prefix: string, n: number) => (n === 0 ? prefix : `${prefix}_${n}`);
const sameSpan = (a: Span, b: Span) => a.from === b.from && a.to === b.to;

function makeRecording(ctx: TraceContext, before: Before, site: Span, outcome: Recording['outcome'], offered: Diagnostic[], budget: BudgetUse): Recording {
  const fail = (why: string): never => {
    throw new NotReplayable(why);
  };
  const layers = ctx.layers.slice(before.layers);
  const models = ctx.models.slice(before.models);
  layers.forEach((l, i) => l.id !== before.layers + i && fail('layer ids out of order'));
  if (ctx.frames.length !== before.frames.length || ctx.owners.length !== before.owners.length) fail('frames left open');
  if (callsOf(ctx.layers.slice(0, before.layers)) !== before.outerCalls) fail('a layer made before was called');
  if (!sameOtherState(otherState(ctx), before.other)) fail('another table changed');
  for (const l of layers) if (l.scope.length < before.frames.length || before.frames.some((f, i) => l.scope[i] !== f)) fail('scope');
  // Diagnostics: those kept must be among those offered, in order (nothing removed or pushed directly).
  const kept = ctx.diagnostics.items.slice(before.items);
  if (ctx.diagnostics.items.length < before.items) fail('diagnostics removed');
  let at = 0;
  for (const d of kept) {
    while (at < offered.length && !(offered[at].code === d.code && offered[at].message === d.message && sameSpan(offered[at], d))) at++;
    if (at++ >= offered.length) fail('a diagnostic not offered');
  }
  // Automatic names: each one taken is the name of exactly one object made, and read nowhere else.
  const names: Recording['names'] = [];
  const issued = new Set<string>();
  let taken = 0;
  for (const [prefix, count] of ctx.names.snapshot()) {
    const first = before.names.get(prefix) ?? 0;
    if (count < first) fail('names reset');
    if (count === first) continue;
    names.push({ prefix, first, count: count - first });
    for (let n = first; n < count; n++) issued.add(nameOf(prefix, n));
    taken += count - first;
  }
  if (before.names.size > 0 && [...before.names.keys()].some((p) => !ctx.names.snapshot().has(p))) fail('names reset');
  if (issued.size !== taken) fail('ambiguous automatic names');
  // A name may be taken by no object: each built Sequential uses up a hidden `functional` name
  // (Keras 3); replaying advances the counter the same way, and nothing carries the name.
  const named = [...layers, ...models].filter((o) => issued.has(o.name));
  if (named.length > taken || new Set(named.map((o) => o.name)).size !== named.length) fail('automatic names used elsewhere');
  if (taken && offered.some((d) => [...issued].some((n) => d.message.includes(n)))) fail('a diagnostic names an automatic name');

  const layerSet = new Set<object>(layers);
  const modelSet = new Set<object>(models);
  const tensorEnd = ctx.tensorIdsUsed;
  const identity = (n: number) => n;
  const cloner = new Cloner({
    layerId: identity, tensorId: identity, name: (n) => n, scope: (s) => [...s], span: (s) => ({ from: s.from, to: s.to }),
    check: (o, kind) => {
      if (kind === 'layer' && !layerSet.has(o)) fail('refers to a layer made before');
      if (kind === 'model' && !modelSet.has(o)) fail('refers to a model made before');
      if (kind === 'tensor') {
        const id = (o as { id: number }).id;
        if (id < before.tensors || id >= tensorEnd) fail('refers to a tensor made before');
      }
    },
  });
  const tLayers = layers.map((l) => cloner.any(l) as LayerInstance);
  const tModels = models.map((m) => cloner.any(m) as ModelObject);
  const tOutcome: Recording['outcome'] = 'value' in outcome ? { value: cloner.any(outcome.value) as Value } : outcome;
  // callOwners: entries of calls made here, each beginning with the caller's owners.
  const innerOwners = new Map<LayerCall, object[]>();
  const newCalls = new Set(layers.flatMap((l) => l.calls));
  const ownerEntries = [...ctx.callOwners].slice(before.callOwners);
  for (const [call, owners] of ownerEntries) {
    if (!newCalls.has(call)) fail('owners of an older call');
    if (before.owners.some((o, i) => owners[i] !== o)) fail('owners');
    const inner = owners.slice(before.owners.length);
    if (inner.length) innerOwners.set(cloner.any(call) as LayerCall, inner.map((o) => cloner.any(o) as object));
  }
  if (before.owners.length && ownerEntries.length !== newCalls.size) fail('calls without owners');
  for (const [table, was] of [[ctx.containerOutputs, before.containerOutputs], [ctx.containerSites, before.containerSites]] as const) {
    for (const [owner, n] of was) if (table.get(owner)?.length !== n) fail('an older container was applied');
    for (const owner of table.keys()) if (!was.has(owner) && !modelSet.has(owner)) fail('an older container was applied');
  }
  const containers: Recording['containers'] = [];
  for (const [owner, outputs] of ctx.containerOutputs) {
    if (!modelSet.has(owner)) continue;
    const sites = ctx.containerSites.get(owner);
    containers.push({ owner: cloner.any(owner) as object, outputs: outputs.map((t) => cloner.any(t)), sites: sites?.map((s) => ({ from: s.from, to: s.to })) });
  }
  for (const owner of ctx.containerSites.keys()) if (!ctx.containerOutputs.has(owner) && modelSet.has(owner)) fail('container sites');
  const calls = [...newCalls].sort((a, b) => a.output.id - b.output.id).map((c) => cloner.any(c) as LayerCall);
  const lastSite = ctx.budget.site;
  return {
    site: { from: site.from, to: site.to }, outcome: tOutcome, layers: tLayers, models: tModels, calls, innerOwners, containers,
    diagnostics: offered.map((d) => ({ ...d })), names, firstLayer: before.layers, firstTensor: before.tensors, tensors: tensorEnd - before.tensors,
    firstFrame: before.frameId, frames: ctx.nextFrameId - before.frameId, outerFrames: before.frames.length, budget,
    lastSite: { from: lastSite.from, to: lastSite.to },
  };
}

/** Makes `recording` happen again at `site`, with fresh objects, ids and names. */
function instantiate(ctx: TraceContext, rec: Recording, site: Span): Value {
  const here: Span = { from: site.from, to: site.to };
  const span = (s: Span): Span => (sameSpan(s, rec.site) ? here : { from: s.from, to: s.to });
  const firstLayer = ctx.layers.length;
  const firstTensor = ctx.reserveTensorIds(rec.tensors);
  const firstFrame = ctx.nextFrameId;
  ctx.nextFrameId += rec.frames;
  const renamed = new Map<string, string>();
  for (const { prefix, first, count } of rec.names) for (let n = first; n < first + count; n++) renamed.set(nameOf(prefix, n), ctx.names.auto(prefix));
  const frames = [...ctx.frames];
  const frame = (label: string): string => {
    const at = label.lastIndexOf('#');
    return `${label.slice(0, at)}#${Number(label.slice(at + 1)) - rec.firstFrame + firstFrame}`;
  };
  const cloner = new Cloner({
    layerId: (id) => id - rec.firstLayer + firstLayer,
    tensorId: (id) => id - rec.firstTensor + firstTensor,
    name: (n) => renamed.get(n) ?? n,
    scope: (s) => [...frames, ...s.slice(rec.outerFrames).map(frame)],
    span,
  });
  beforeWrite(ctx.layers, 'length');
  for (const l of rec.layers) ctx.layers.push(cloner.any(l) as LayerInstance);
  for (const m of rec.models) ctx.models.push(cloner.any(m) as ModelObject);
  const owners = [...ctx.owners];
  for (const call of rec.calls) {
    const all = [...owners, ...(rec.innerOwners.get(call) ?? []).map((o) => cloner.any(o) as object)];
    if (all.length) {
      const made = cloner.any(call) as LayerCall;
      beforeMapSet(ctx.callOwners, made);
      ctx.callOwners.set(made, ctx.sharedOwners(all));
    }
  }
  for (const c of rec.containers) {
    const owner = cloner.any(c.owner) as object;
    ctx.containerOutputs.set(owner, c.outputs.map((t) => cloner.any(t)) as never);
    if (c.sites) ctx.containerSites.set(owner, c.sites.map(span));
  }
  for (const d of rec.diagnostics) ctx.diagnostics.add(d.severity, d.code, d.message, span(d));
  ctx.budget.replay(rec.budget, span(rec.lastSite));
  if ('thrown' in rec.outcome) throw rec.outcome.thrown;
  return cloner.any(rec.outcome.value) as Value;
}

interface Remap {
  layerId(id: number): number;
  tensorId(id: number): number;
  name(name: string): string;
  scope(scope: string[]): string[];
  span(span: Span): Span;
  /** When recording: refuses objects that were not made by the recorded call. */
  check?(o: object, kind: 'layer' | 'model' | 'tensor'): void;
}

/** Fields shared, never copied: the layer kind (a module of kernels/). */
const SHARED = new Set(['kernel']);
/** Python values a recording may hold (those that only carry graph objects or plain data). */
const VALUE_KINDS = new Set(['int', 'float', 'str', 'bool', 'none', 'tuple', 'list', 'tensor', 'layer', 'model']);

const frozen = (x: unknown) => x === null || typeof x !== 'object' || Object.isFrozen(x);

/**
 * Deep copy of the graph objects a call made, structure for structure (so fields added to them
 * later are copied too), with ids, names, frames and spans remapped. Recording, plain data
 * (configs, build results, shapes) is copied once and frozen; instances share it, so nothing can
 * change it unseen (a write throws, and the statement reports an internal error).
 */
class Cloner {
  private readonly memo = new Map<object, unknown>();

  constructor(private readonly remap: Remap) {}

  any(v: unknown): unknown {
    if (v === null || typeof v !== 'object') return v;
    const recording = this.remap.check !== undefined;
    if (!recording && Object.isFrozen(v)) return v;
    const seen = this.memo.get(v);
    if (seen !== undefined) return seen;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      this.memo.set(v, out);
      for (const x of v) out.push(this.any(x));
      if (recording && out.every(frozen)) Object.freeze(out);
      return out;
    }
    if (v instanceof Set) {
      const out = new Set<unknown>();
      this.memo.set(v, out);
      for (const x of v) out.add(this.any(x));
      return out;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) throw new NotReplayable('not plain data');
    const o = v as Record<string, unknown>;
    if ('from' in o && typeof o.from === 'number' && typeof o.to === 'number' && Object.keys(o).length === 2) {
      const s = this.remap.span(o as unknown as Span);
      this.memo.set(v, s);
      return s;
    }
    if (typeof o.t === 'string' && !VALUE_KINDS.has(o.t)) throw new NotReplayable(`a ${o.t} value`);
    const kind = 'kernel' in o && 'calls' in o ? 'layer' : 'variableAtModuleLevel' in o ? 'model' : 'producer' in o && 'shape' in o && typeof o.id === 'number' ? 'tensor' : null;
    if (kind) this.remap.check?.(o, kind);
    const out: Record<string, unknown> = {};
    this.memo.set(v, out);
    let data = recording && kind === null;
    for (const k in o) {
      const x = o[k];
      let y: unknown;
      if (SHARED.has(k)) {
        y = x;
        data = false;
      } else if (k === 'id' && kind === 'layer') y = this.remap.layerId(x as number);
      else if (k === 'id' && kind === 'tensor') y = this.remap.tensorId(x as number);
      else if (k === 'name' && typeof x === 'string') {
        y = this.remap.name(x);
        data = false;
      } else if (k === 'scope' && kind === 'layer') y = this.remap.scope(x as string[]);
      else y = this.any(x);
      if (data && !frozen(y)) data = false;
      out[k] = y;
    }
    if (data) Object.freeze(out);
    return out;
  }
}
