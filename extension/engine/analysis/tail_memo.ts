/**
 * A model's analysis taken over from a call on to its last. After an early keystroke in a long
 * model the incremental trace re-makes a few calls and takes the rest over from the last trace
 * (trace/statement_graft.ts): the same call objects, in the same order, to the end. Their analysis
 * (every output's field and dilation chain, each layer's report, the findings in order) is then
 * what an analysis that went through them call by call had there, when each call reads what it
 * read then. So one pass of identity tests over the calls stands for a step per call, and the
 * findings are placed where the calls are now (a call taken over moves with the edit).
 *
 * An analysis that goes through its calls one by one records, for every call, what the lists held
 * before it and what it read, then what each call gave (its output's field, its layer's report and
 * entry, the sums of the reports from it on); a later analysis meeting one of those calls tries to
 * take the record's calls from there on. A record is never written once finished: a tail's fields,
 * reports and entries are read from it, and its share of the model's totals is one sum.
 */
import type { Diagnostic } from '../diagnostics';
import type { GraphEntry, LayerCall, LayerInstance, SymTensor } from '../graph';
import type { DilationChain } from './design_checks';
import type { KeyedState } from './layered_map';
import { sameRf, type Rf } from './receptive_field';
import type { ReportHolding } from './report_holding';
import { isRemembered, type CallMemo } from './call_memo';
import { sameChain } from './call_outcome';
import type { EntryHolder } from './entries';
import type { EntryReport, LayerReport } from './reports';

/** Below this many calls a tail is analysed call by call: recording it would cost about as much. */
export const MIN_TAIL_CALLS = 32;

/** The lists an analysis of a model's calls appends to, in the order of the checks. */
export interface CallLists {
  misaligned: LayerCall[];
  gridding: { call: LayerCall; message: string }[];
  perCall: Diagnostic[];
  held: ReportHolding[];
}

/**
 * What an analysis that went through calls `from` to the end one by one recorded (indices are the
 * graph's). It holds nothing of a call not remembered (call_memo.ts): made anew at every keystroke,
 * such a call is never met again, and held here it would keep that keystroke's trace alive.
 */
export interface TailRecord {
  /** Undefined for the calls no later tail can hold (before `from`, or reading a tensor made anew: `finish`). */
  calls: (LayerCall | undefined)[];
  from: number;
  /**
   * Per call from `from` on (index: the call's less `from`), and once more after the last: what the
   * lists held before it.
   */
  misalignedAt: number[];
  griddingAt: number[];
  perCallAt: number[];
  heldAt: number[];
  /** Per call (index: the call's less `from`): what its step read of its layer and itself (as call_outcome.ts compares them). */
  kernels: unknown[];
  configs: unknown[];
  names: string[];
  applications: (string | undefined)[];
  trainable: boolean[];
  operations: (boolean | undefined)[];
  results: LayerCall['result'][];
  shapes: SymTensor['shape'][];
  /** Per call, where its inputs start in the flat lists below. */
  inputsAt: number[];
  /** Undefined for the calls no later tail can hold. */
  inputs: (SymTensor | undefined)[];
  inputShapes: SymTensor['shape'][];
  /** The field and chain each input held when read. */
  inputRfs: Rf[];
  inputChains: DilationChain[];
  /** The index of the call that made each input (-1: made before `from`, or by no call of the model). */
  producers: number[];
  /** Per call: the index of the first call of its layer (-1: before `from`). */
  layerFirst: number[];
  /** By tensor and by layer (of remembered calls): the index of the call that made it / that first called it. */
  producerOf: Map<SymTensor, number>;
  firstCallOf: Map<LayerInstance, number>;
  /** Per call, once finished: its output's field, and its layer's report when it called it first (null and undefined for the calls no tail can hold). */
  rfAt: Rf[];
  reportAt: (LayerReport | undefined)[];
  /** Once done: the reports of `reportAt`, in order, and per call where those of the layers first called from it on start. */
  firstReports: LayerReport[];
  firstReportsFrom: number[];
  /**
   * Per call, set by the summary of the analysis that recorded it when its model's entries are its
   * calls' layers in order (analyze.ts): the entry made for the layer it called first, and its holder.
   */
  entryAt: (EntryReport | undefined)[];
  holderAt: (EntryHolder | undefined)[];
  /**
   * Per call, once finished: the sums of the params and MACs of the layers first called from it on
   * (a tail's share of its model's totals); null when not every one is a whole number.
   */
  sumsFrom: { trainable: number[]; nonTrainable: number[]; macs: number[] } | null;
  /** The lists once finished, null where a call no tail can hold (or one before `from`) put an entry. */
  lists: { misaligned: (LayerCall | null)[]; gridding: ({ call: LayerCall; message: string } | null)[]; perCall: (Diagnostic | null)[]; held: (ReportHolding | null)[] };
}

/**
 * Records the calls an analysis goes through one by one (analyze.ts), from a remembered call on,
 * each remembered too: `at` before each, `finish` after the last.
 */
export class TailRecorder {
  readonly record: TailRecord;
  /** Per call: whether a later tail can hold it (it reads no tensor a call not remembered made). */
  private readonly kept: boolean[] = [];
  /** Per call: its memo, handed the record once finished (so only finished records are met). */
  private readonly memos: CallMemo[] = [];

  constructor(calls: readonly LayerCall[], from: number) {
    this.record = {
      calls: calls.slice(), from, misalignedAt: [], griddingAt: [], perCallAt: [], heldAt: [],
      kernels: [], configs: [], names: [], applications: [], trainable: [], operations: [], results: [], shapes: [],
      inputsAt: [], inputs: [], inputShapes: [], inputRfs: [], inputChains: [], producers: [], layerFirst: [],
      producerOf: new Map(), firstCallOf: new Map(), rfAt: [], reportAt: [], firstReports: [], firstReportsFrom: [], entryAt: [], holderAt: [], sumsFrom: null, lists: { misaligned: [], gridding: [], perCall: [], held: [] },
    };
  }

  /**
   * Before call `i` (a remembered one, `memo` its record): what the lists hold, whether its layer
   * was called before (`calledBefore`); the fields and chains it reads.
   */
  at(i: number, call: LayerCall, memo: CallMemo, lists: CallLists, calledBefore: boolean, state: StateBefore, noChain: DilationChain): void {
    const r = this.record;
    this.memos.push(memo);
    this.mark(lists);
    const { layer } = call;
    r.kernels.push(layer.kernel);
    r.configs.push(layer.config);
    r.names.push(layer.name);
    r.applications.push(layer.application);
    r.trainable.push(layer.trainable);
    r.operations.push(layer.isOperation);
    r.results.push(call.result);
    r.shapes.push(call.output.shape);
    let kept = true;
    for (const t of call.inputs) {
      const producer = r.producerOf.get(t) ?? -1;
      // Made before the recorded calls by a call made anew at every keystroke: read at the next one, it is another.
      if (producer < 0 && t.producer && !isRemembered(t.producer)) kept = false;
      r.inputs.push(t);
      r.inputShapes.push(t.shape);
      r.inputRfs.push(state.rfs.get(t) ?? null);
      r.inputChains.push(state.chains.get(t) ?? noChain);
      r.producers.push(producer);
    }
    this.kept.push(kept);
    r.producerOf.set(call.output, i);
    if (!calledBefore) r.firstCallOf.set(layer, i);
    r.layerFirst.push(calledBefore ? (r.firstCallOf.get(layer) ?? -1) : i);
  }

  private mark(lists: CallLists): void {
    const r = this.record;
    r.misalignedAt.push(lists.misaligned.length);
    r.griddingAt.push(lists.gridding.length);
    r.perCallAt.push(lists.perCall.length);
    r.heldAt.push(lists.held.length);
    r.inputsAt.push(r.inputs.length);
  }

  /**
   * After the last call: the fields and reports it gave, and the lists, kept only for the calls a
   * later tail can hold: none before the last that read a tensor made anew at every keystroke (at
   * the next one it reads another, and its report's record holds the old one).
   */
  finish(lists: CallLists, rfs: { get(t: SymTensor): Rf | undefined }, byLayer: { get(layer: LayerInstance): LayerReport | undefined }): TailRecord {
    const r = this.record;
    this.mark(lists);
    const firstKept = this.kept.lastIndexOf(false) + 1;
    const copy = <T>(list: readonly T[], at: number[]): (T | null)[] => {
      const out = new Array<T | null>(at[firstKept]).fill(null);
      for (let k = at[firstKept]; k < list.length; k++) out.push(list[k]);
      return out;
    };
    r.lists = { misaligned: copy(lists.misaligned, r.misalignedAt), gridding: copy(lists.gridding, r.griddingAt), perCall: copy(lists.perCall, r.perCallAt), held: copy(lists.held, r.heldAt) };
    for (let x = 0; x < this.kept.length; x++) {
      const k = r.from + x;
      const call = r.calls[k]!;
      r.firstReportsFrom.push(r.firstReports.length);
      if (x >= firstKept) {
        r.rfAt.push(rfs.get(call.output) ?? null);
        const report = r.layerFirst[x] === k ? byLayer.get(call.layer) : undefined;
        r.reportAt.push(report);
        if (report) r.firstReports.push(report);
        continue;
      }
      r.rfAt.push(null);
      r.reportAt.push(undefined);
      r.calls[k] = undefined;
      for (let q = r.inputsAt[x]; q < r.inputsAt[x + 1]; q++) r.inputs[q] = undefined;
    }
    for (let k = 0; k < r.from; k++) r.calls[k] = undefined;
    r.sumsFrom = sumsFrom(r.reportAt);
    for (let x = firstKept; x < this.memos.length; x++) {
      this.memos[x].tail = r;
      this.memos[x].tailIndex = r.from + x;
    }
    return r;
  }
}

/** Per index, the sums of the reports' params and MACs from it on; null when one is not a whole number (sums in another order could round otherwise). */
function sumsFrom(reports: readonly (LayerReport | undefined)[]): TailRecord['sumsFrom'] {
  const n = reports.length;
  const sums = { trainable: new Array<number>(n + 1).fill(0), nonTrainable: new Array<number>(n + 1).fill(0), macs: new Array<number>(n + 1).fill(0) };
  for (let x = n - 1; x >= 0; x--) {
    const r = reports[x];
    const trainable = r?.params?.trainable ?? 0;
    const nonTrainable = r?.params?.nonTrainable ?? 0;
    const macs = r?.macs ?? 0;
    if (!Number.isInteger(trainable) || !Number.isInteger(nonTrainable) || !Number.isInteger(macs)) return null;
    sums.trainable[x] = sums.trainable[x + 1] + trainable;
    sums.nonTrainable[x] = sums.nonTrainable[x + 1] + nonTrainable;
    sums.macs[x] = sums.macs[x + 1] + macs;
  }
  return sums;
}

/**
 * Notes the entries the recording analysis' summary made (`reports`, one per entry of `entries`)
 * for the calls it recorded, when each entry is its call's layer's (its model lists its layers in
 * the order of their calls, each called once).
 */
export function noteEntries(record: TailRecord, calls: readonly LayerCall[], entries: readonly GraphEntry[], reports: readonly EntryReport[], holderOf: (r: LayerReport) => EntryHolder | undefined): void {
  if (entries.length !== calls.length || record.entryAt.length) return;
  for (let x = 0; x < record.reportAt.length; x++) {
    const k = record.from + x;
    const e = entries[k];
    const report = record.reportAt[x];
    const holder = report && e.kind === 'layer' && e.layer === calls[k].layer && reports[k].layer === report ? holderOf(report) : undefined;
    const made = holder?.entry === reports[k];
    record.entryAt.push(made ? reports[k] : undefined);
    record.holderAt.push(made ? holder : undefined);
  }
}

/**
 * The entries of a taken tail (calls `at` on, the record's from `j`), held now by `inUse`, when the
 * model's entries from `at` on are the tail's calls' layers, each with the entry the recording
 * analysis made and nobody of `inUse` holds; else null.
 */
export function tailEntries(record: TailRecord, j: number, at: number, calls: readonly LayerCall[], entries: readonly GraphEntry[], inUse: object): EntryReport[] | null {
  if (entries.length !== calls.length || !record.entryAt.length) return null;
  const shift = j - at - record.from;
  for (let k = at; k < entries.length; k++) {
    const e = entries[k];
    const holder = record.holderAt[k + shift];
    if (e.kind !== 'layer' || e.layer !== calls[k].layer || !holder || holder.entry !== record.entryAt[k + shift] || holder.heldBy === inUse) return null;
  }
  for (let k = at; k < entries.length; k++) record.holderAt[k + shift]!.heldBy = inUse;
  takenTails.entries += entries.length - at;
  return record.entryAt.slice(at + shift, entries.length + shift) as EntryReport[];
}

/** The current analysis' state before the tail: its maps, as analyze.ts reads them. */
export interface StateBefore {
  rfs: KeyedState<SymTensor, Rf>;
  chains: KeyedState<SymTensor, DilationChain>;
  byLayer: { get(layer: LayerInstance): LayerReport | undefined };
}

/**
 * Whether the record's calls from its index `j` on are `calls` from `i` on, each as its step read
 * it then, with the tensors read from before the tail holding the same fields and chains, and no
 * layer of the tail called before it. Returns -1 when they are; else the index of the call that
 * differs (a try from any call up to it, on the same record, would meet it too).
 */
export function tailMismatch(record: TailRecord, j: number, calls: readonly LayerCall[], i: number, before: StateBefore, noChain: DilationChain): number {
  const r = record;
  if (j < r.from || r.calls.length - j !== calls.length - i) return i;
  const o = r.from;
  for (let k = j, at = i; k < r.calls.length; k++, at++) {
    const call = calls[at];
    if (call !== r.calls[k]) return at;
    const x = k - o;
    const { layer } = call;
    if (layer.config !== r.configs[x] || layer.kernel !== r.kernels[x] || layer.name !== r.names[x] || layer.trainable !== r.trainable[x]
      || layer.application !== r.applications[x] || layer.isOperation !== r.operations[x] || call.result !== r.results[x] || call.output.shape !== r.shapes[x]) return at;
    // A layer called before the tail: its report there would be summed with this call's. (A tail's
    // layers are made by its own statements, so no call before it can reach them today; checked all the same.)
    if (r.layerFirst[x] < j || (r.layerFirst[x] === k && before.byLayer.get(layer) !== undefined)) return at;
    const { inputs } = call;
    const from = r.inputsAt[x];
    if (inputs.length !== r.inputsAt[x + 1] - from) return at;
    for (let q = 0; q < inputs.length; q++) {
      const t = inputs[q];
      if (t !== r.inputs[from + q] || t.shape !== r.inputShapes[from + q]) return at;
      if (r.producers[from + q] >= j) continue;
      // Read from before the tail: made anew or analysed again here, it must hold what it held then.
      if (!sameRf(before.rfs.get(t) ?? null, r.inputRfs[from + q]) || !sameChain(before.chains.get(t) ?? noChain, r.inputChains[from + q])) return at;
    }
  }
  return -1;
}

/**
 * Appends the record's tail from `j` (the current calls from `i`) to the current lists: its
 * findings placed at the calls' spans now, its reports held by the analysis `inUse`. False, with
 * nothing appended, when another model of that analysis holds one of its reports.
 */
export function appendTail(record: TailRecord, j: number, calls: readonly LayerCall[], i: number, lists: CallLists, inUse: object): boolean {
  const r = record;
  const then = r.lists;
  const held = then.held;
  const last = r.calls.length - r.from;
  const heldEnd = r.heldAt[last];
  const heldFrom = r.heldAt[j - r.from];
  for (let k = heldFrom; k < heldEnd; k++) if (held[k]!.heldBy === inUse) return false;
  for (let k = heldFrom; k < heldEnd; k++) {
    held[k]!.heldBy = inUse;
    lists.held.push(held[k]!);
  }
  for (let k = r.misalignedAt[j - r.from]; k < r.misalignedAt[last]; k++) lists.misaligned.push(then.misaligned[k]!);
  for (let k = r.griddingAt[j - r.from]; k < r.griddingAt[last]; k++) lists.gridding.push(then.gridding[k]!);
  for (let k = j; k < r.calls.length; k++) {
    const to = r.perCallAt[k + 1 - r.from];
    let f = r.perCallAt[k - r.from];
    if (f === to) continue;
    const span = calls[i + k - j].span;
    for (; f < to; f++) {
      const d = then.perCall[f]!;
      lists.perCall.push({ severity: d.severity, code: d.code, message: d.message, from: span.from, to: span.to });
    }
  }
  return true;
}

/**
 * A map of the analysis that took a tail: its own entries (the calls before the tail), then the
 * record's for what the tail's calls made (`inTail`); never the record's for anything else (the
 * calls the edit re-made were other objects there).
 */
export class TailMap<K, V> implements KeyedState<K, V> {
  constructor(
    private readonly own: KeyedState<K, V>,
    /** The record's value for a key its tail set, else undefined. */
    private readonly tailGet: (key: K) => V | undefined,
    /** The tail's keys, in the order its calls set them. */
    private readonly tailKeys: () => Iterable<K>,
  ) {}

  get(key: K): V | undefined {
    const v = this.own.get(key);
    return v !== undefined ? v : this.tailGet(key);
  }

  set(key: K, value: V): void {
    this.own.set(key, value);
  }

  /** One plain map with the same entries in the order an analysis going call by call sets them. */
  flatten(): Map<K, V> {
    const out = new Map(this.own.entries());
    for (const key of this.tailKeys()) if (!out.has(key)) out.set(key, this.tailGet(key)!);
    return out;
  }

  entries(): IterableIterator<[K, V]> {
    return this.flatten().entries();
  }
}

/** The field the record's tail from `j` gave tensor `t`, if a call of that tail made it. */
export function tailField(record: TailRecord, j: number, t: SymTensor): Rf | undefined {
  const k = record.producerOf.get(t);
  return k !== undefined && k >= j ? record.rfAt[k - record.from] : undefined;
}

/** The report the record's tail from `j` gave `layer`, if it was first called in that tail. */
export function tailReport(record: TailRecord, j: number, layer: LayerInstance): LayerReport | undefined {
  const k = record.firstCallOf.get(layer);
  return k !== undefined && k >= j ? record.reportAt[k - record.from] : undefined;
}

/** The outputs of the record's calls from `j` on: the keys its fields were set under. */
export function* tailOutputs(record: TailRecord, j: number): Iterable<SymTensor> {
  for (let k = j; k < record.calls.length; k++) yield record.calls[k]!.output;
}

/** The layers first called from `j` on, in order: the keys its reports were set under. */
export function* tailLayers(record: TailRecord, j: number): Iterable<LayerInstance> {
  for (let k = j; k < record.calls.length; k++) if (record.layerFirst[k - record.from] === k) yield record.calls[k]!.layer;
}

/** The reports of the layers first called from `j` on, in order (as a map of layers to reports lists them). */
export function tailReports(record: TailRecord, j: number): LayerReport[] {
  return record.firstReports.slice(record.firstReportsFrom[j - record.from]);
}

/** How many calls, and entries of their layers, were taken with a tail (for tests: the reuse is not vacuous). */
export const takenTails = { calls: 0, entries: 0 };
