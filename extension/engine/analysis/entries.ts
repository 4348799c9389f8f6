/**
 * A model's entries as Keras lists them (`model.layers`): built-in layers, and each nested model or
 * custom layer as ONE entry whose params sum everything inside it, with its own entries beneath.
 */
import type { ParamCount, Shape } from '../../../kernels/types';
import type { GraphEntry, LayerCall, LayerInstance, SymTensor } from '../graph';
import type { EntryReport, LayerReport } from './reports';
import { reuseEnabled } from '../reuse';
import { isRemembered } from './call_memo';
import { rfOfInput, type Rf } from './receptive_field';

export type { EntryReport } from './reports';


function product(shape: (number | null)[] | null): number | null {
  if (!shape || shape.some((d) => d === null)) return null;
  return (shape as number[]).reduce((a, b) => a * b, 1);
}

/** A container's own variables (add_weight), as params; null when a shape is unknown. */
export function ownParams(entry: Extract<GraphEntry, { kind: 'container' }>): ParamCount | null {
  const count = { trainable: 0, nonTrainable: 0 };
  for (const w of entry.ownWeights) {
    const n = product(w.shape);
    if (n === null) return null;
    if (w.trainable && entry.trainable) count.trainable += n;
    else count.nonTrainable += n;
  }
  return count;
}

/**
 * A nested Functional model's own InputLayer, which its parent never calls: as Keras lists it
 * (`base.layers[0]`), with the shape it was made with and no weights.
 */
function ownInputReport(layer: LayerInstance): LayerReport {
  const call = layer.calls[0];
  return { layer, call, inbound: [], outputShape: call.output.shape, params: { trainable: 0, nonTrainable: 0 }, macs: 0, rf: rfOfInput(call.output.shape), savings: null };
}

/**
 * The entry last made for a layer's report (reports are never changed once made, nor are entries),
 * and the model's entries that hold it now.
 */
const entryOfReport = new WeakMap<LayerReport, EntryHolder>();

/** The entry last made for a layer's report, and the model's entries that hold it now. */
export interface EntryHolder {
  entry: EntryReport;
  name: string;
  type: string;
  heldBy: object;
}

/** The holder of the entry last made for `r`, if any (a taken tail keeps its entries' holders: tail_memo.ts). */
export function entryHolder(r: LayerReport): EntryHolder | undefined {
  return entryOfReport.get(r);
}

/**
 * A built-in layer's entry. Its span is its layer's, read where the layer is now, as a report's
 * `layer.span` is: the trace's cut-off moves the layers it takes over after an edit, and a kept
 * entry follows its layer instead of being made again at every keystroke.
 */
function layerEntry(r: LayerReport, layer: LayerInstance): EntryReport {
  return {
    name: layer.name, type: layer.type, layer: r, entries: null, outputShape: r.outputShape, params: r.params, macs: r.macs, rf: r.rf,
    get span() {
      return layer.span;
    },
    callSpans: [], layerCount: 1,
  };
}

/**
 * A built-in layer's entry: the one made before for the same report when its layer's name and
 * class are still the same, unless this model's entries (`inUse`) already hold it.
 */
export function layerEntryReport(r: LayerReport, layer: LayerInstance, inUse: object): EntryReport {
  const known = reuseEnabled() ? entryOfReport.get(r) : undefined;
  if (known && known.heldBy !== inUse && known.name === layer.name && known.type === layer.type) {
    known.heldBy = inUse;
    return known.entry;
  }
  const entry = layerEntry(r, layer);
  if (known && known.heldBy !== inUse) {
    known.entry = entry;
    known.name = layer.name;
    known.type = layer.type;
    known.heldBy = inUse;
  } else if (!known && isRemembered(r.call)) entryOfReport.set(r, { entry, name: layer.name, type: layer.type, heldBy: inUse });
  return entry;
}

/**
 * `nested`: the entries of a nested model or custom layer. Keras records no calls of their layers
 * when the model is applied, so each shows the shape of its first call (its own model's build),
 * as `model.summary()` does.
 */
export function entryReports(entries: GraphEntry[], byLayer: { get(layer: LayerInstance): LayerReport | undefined }, rfOf: (t: SymTensor) => Rf, inUse: object = {}, nested = false): EntryReport[] {
  return entries.map((e): EntryReport => {
    if (e.kind === 'layer') {
      const called = byLayer.get(e.layer);
      const r = called ?? ownInputReport(e.layer);
      const outputShape = nested && e.layer.calls[0] ? e.layer.calls[0].output.shape : r.outputShape;
      // The report's own shape: its entry may be the one kept from the last keystroke.
      if (called && outputShape === r.outputShape) return layerEntryReport(r, e.layer, inUse);
      return { name: e.layer.name, type: e.layer.type, layer: r, entries: null, outputShape, params: r.params, macs: r.macs, rf: r.rf, span: e.layer.span, callSpans: [], layerCount: 1 };
    }
    const inside = keptInside(e, byLayer, inUse) ?? insideOf(e, byLayer, rfOf, inUse);
    const own = ownParams(e);
    const params = own && inside.params ? { trainable: own.trainable + inside.params.trainable, nonTrainable: own.nonTrainable + inside.params.nonTrainable } : null;
    const out = e.outputs[0] ?? e.calls[e.calls.length - 1]?.output;
    return {
      name: e.name, type: e.className, layer: null, entries: inside.entries,
      outputShape: out?.shape ?? null, params, macs: inside.macs, rf: out ? rfOf(out) : null, span: e.span,
      callSpans: e.callSpans, layerCount: inside.layerCount,
    };
  });
}

type Container = Extract<GraphEntry, { kind: 'container' }>;

/** What a container's entry shows of what is inside it: its entries' reports, their params and MACs, its layer count. */
interface Inside {
  entries: EntryReport[];
  params: ParamCount | null;
  macs: number | null;
  layerCount: number;
}

function insideOf(e: Container, byLayer: { get(layer: LayerInstance): LayerReport | undefined }, rfOf: (t: SymTensor) => Rf, inUse: object): Inside {
  let params: ParamCount | null = { trainable: 0, nonTrainable: 0 };
  for (const layer of new Set(e.calls.map((c) => c.layer))) {
    const p = byLayer.get(layer)?.params ?? null;
    params = params && p ? { trainable: params.trainable + p.trainable, nonTrainable: params.nonTrainable + p.nonTrainable } : null;
  }
  let macs: number | null = 0;
  for (const c of e.calls) macs = macs === null || c.result?.macs == null ? null : macs + c.result.macs;
  const inside = {
    entries: entryReports(e.entries, byLayer, rfOf, inUse, true), params, macs,
    // Keras' len(model.layers): its own entries (its InputLayer too), not the layers inside them.
    layerCount: e.entries.filter((x) => x.kind === 'container' || !x.layer.isOperation).length,
  };
  keepInside(e, byLayer, inside);
  return inside;
}

/**
 * The inside of a container whose own entries are the ones the tracking kept (a backbone applied
 * as `base(inputs)`, its calls settled before the edit: keras_tracking.ts), kept while its calls
 * and the reports of its layers are the same objects: entries of layers only, each showing its
 * report and its first call's shape, which a settled call never changes.
 */
const insideKept = new WeakMap<GraphEntry[], { calls: readonly LayerCall[]; reports: (LayerReport | undefined)[]; inside: Inside }>();

function keepInside(e: Container, byLayer: { get(layer: LayerInstance): LayerReport | undefined }, inside: Inside): void {
  if (!reuseEnabled() || !Object.isFrozen(e.entries) || e.entries.some((x) => x.kind !== 'layer')) return;
  const reports = e.entries.map((x) => byLayer.get((x as { layer: LayerInstance }).layer));
  insideKept.set(e.entries, { calls: e.calls.slice(), reports, inside });
}

function keptInside(e: Container, byLayer: { get(layer: LayerInstance): LayerReport | undefined }, inUse: object): Inside | null {
  const kept = reuseEnabled() ? insideKept.get(e.entries) : undefined;
  if (!kept || kept.calls.length !== e.calls.length) return null;
  for (let i = 0; i < e.calls.length; i++) if (kept.calls[i] !== e.calls[i]) return null;
  for (let i = 0; i < e.entries.length; i++) if (byLayer.get((e.entries[i] as { layer: LayerInstance }).layer) !== kept.reports[i]) return null;
  // Entries kept for their reports are held by this model's entries now (layerEntryReport), unless they are already.
  for (let i = 0; i < e.entries.length; i++) {
    const r = kept.reports[i];
    const known = r && entryOfReport.get(r);
    if (known && known.entry === kept.inside.entries[i]) {
      if (known.heldBy === inUse) return null;
      known.heldBy = inUse;
    }
  }
  reusedInsides.count++;
  return kept.inside;
}

/** How many times a container's inside was the kept one (tests: the reuse happened). */
export const reusedInsides = { count: 0 };

/** Own variables of every container in the model (they are no layer's params). */
export function containersOwnParams(entries: GraphEntry[]): ParamCount {
  const total = { trainable: 0, nonTrainable: 0 };
  const seen = new Set<GraphEntry>();
  const walk = (list: GraphEntry[]) => {
    for (const e of list) {
      if (e.kind !== 'container' || seen.has(e)) continue;
      seen.add(e);
      const own = ownParams(e);
      if (own) {
        total.trainable += own.trainable;
        total.nonTrainable += own.nonTrainable;
      }
      walk(e.entries);
    }
  };
  walk(entries);
  return total;
}
