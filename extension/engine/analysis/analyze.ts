/** Analysis of traced models: per-layer shapes, params, MACs, receptive fields, warnings, savings. */
import type { Tree } from '@lezer/common';
import type { ParamCount } from '../../../kernels/types';
import { DiagnosticSink, type Diagnostic } from '../diagnostics';
import { mergeLineDiagnostics, worthSaving } from '../line_diagnostics';
import type { LayerCall, LayerInstance, ModelGraph, SymTensor } from '../graph';
import { parsePython } from '../parse';
import type { TraceLimits } from '../trace/budget';
import type { TensorName } from '../trace/context';
import { trace, type TraceRequest, type TraceResult } from '../trace/trace';
import { containersOwnParams, entryHolder, entryReports, layerEntryReport } from './entries';
import type { Analysis, EntryReport, LayerReport, ModelReport } from './reports';

export type { Analysis, EntryReport, LayerReport, ModelReport } from './reports';
import { isStackOverflow } from '../trace/units';
import { checkCheckerboard, checkFinalRf, griddingOf, NO_CHAIN, type DilationChain, type DilationChains } from './design_checks';
import { outcomeHolds, recordOutcome, reusedOutcomes, type CallOutcome } from './call_outcome';
import { formatCount, formatMacs, isExactCount, percent } from './format';
import { callMemo, isRemembered, type CallMemo } from './call_memo';
import { keepSummary, keptSummary, rememberModelCalls, reusedModelCalls, type ModelCalls, type ModelSummary } from './model_memo';
import type { ReportHolding } from './report_holding';
import { KeyedState, LayeredMap } from './layered_map';
import { keepPrefix, MIN_PREFIX_CALLS, resumablePrefix, type PrefixState } from './prefix_memo';
import { reuseEnabled } from '../reuse';
import { rfStep, type Rf } from './receptive_field';
import { convSavings, Savings } from './savings';
import { appendTail, MIN_TAIL_CALLS, noteEntries, tailEntries, tailField, tailLayers, TailMap, tailOutputs, tailReport, tailReports, TailRecorder, tailMismatch, takenTails, type CallLists, type TailRecord } from './tail_memo';

export interface AnalyzeOptions {
  tree?: Tree;
  limits?: Partial<TraceLimits>;
  defaultInputShape?: (number | null)[];
  /** Traces instead of a fresh `trace` (an editor session's incremental tracer). */
  tracer?: (req: TraceRequest) => TraceResult;
}

function effectiveParams(layer: LayerInstance, params: ParamCount | null): ParamCount | null {
  if (!params || layer.trainable) return params;
  return { trainable: 0, nonTrainable: params.trainable + params.nonTrainable };
}

/** Messages already written for a (shared, frozen) savings answer, by layer name. */
const savingsMessages = new WeakMap<Savings, { name: string; message: string }>();

function savingsMessage(layer: LayerInstance, s: Savings): string {
  const known = reuseEnabled() ? savingsMessages.get(s) : undefined;
  if (known?.name === layer.name) return known.message;
  const message = writeSavingsMessage(layer, s);
  savingsMessages.set(s, { name: layer.name, message });
  return message;
}

function writeSavingsMessage(layer: LayerInstance, s: Savings): string {
  const [sep, dw] = s.alternatives;
  const macsPart = (alt: { macs: number | null }) =>
    alt.macs === null || s.macs === null ? '' : `, ${formatMacs(alt.macs)} MACs (-${percent(s.macs - alt.macs, s.macs)})`;
  return `${layer.name}: ${formatCount(s.params)} params${s.macs === null ? '' : `, ${formatMacs(s.macs)} MACs`}. As SeparableConv2D: ${formatCount(sep.params)} params (-${percent(s.params - sep.params, s.params)})${macsPart(sep)}; as DepthwiseConv2D + 1x1 Conv2D: ${formatCount(dw.params)} params (-${percent(s.params - dw.params, s.params)})${macsPart(dw)}. Same receptive field.`;
}

/** Names of the layers whose outputs `call` reads, in order (a loop: one array per call, nothing else). */
function inboundNames(call: LayerCall): string[] {
  const names: string[] = [];
  for (const t of call.inputs) {
    const name = t.producer?.layer.name;
    if (name) names.push(name);
  }
  return names;
}

/**
 * Whether `call` still reads the tensors `inputs` (so the same layers' outputs: a tensor's producer
 * and a layer's name are set when they are made). Compared by identity, without reading the tensors.
 */
function sameInputs(inputs: readonly SymTensor[], call: LayerCall): boolean {
  if (inputs.length !== call.inputs.length) return false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i] !== call.inputs[i]) return false;
  return true;
}

/**
 * A report made for a call's layer, with what it was made from besides what it holds (the build
 * result, trainable, operation or not). A keystroke analyses every call the edit did not touch
 * again: when nothing it was made from changed, the same report (never changed once made) serves.
 */
interface ReportMemo {
  /** Never changed once made: its layer, output shape, field and savings are what it was made from. */
  report: LayerReport;
  result: LayerCall['result'];
  trainable: boolean;
  isOperation: boolean | undefined;
  /** The tensors the call read (its report's `inbound` names their producers). */
  inputs: SymTensor[];
  /** The analysis that holds it now (each model has reports of its own, as a fresh analysis gives). */
  heldBy: ReportsInUse | null;
}

/** Reports kept per call: the last few made (a backbone's calls are in its own model and in the one around it). */
const REPORTS_KEPT_PER_CALL = 4;

function reportValid(memo: ReportMemo, call: LayerCall, rf: Rf, savings: Savings | null): boolean {
  const { layer } = call;
  const { report } = memo;
  return report.layer === layer && memo.result === call.result && memo.trainable === layer.trainable && memo.isOperation === layer.isOperation
    && report.outputShape === call.output.shape && report.rf === rf && report.savings === savings && sameInputs(memo.inputs, call);
}

/**
 * The report of the first call of a layer in a model: one made before when still valid and not
 * already in this analysis (each model has reports of its own, as a fresh analysis gives).
 */
function layerReport(call: LayerCall, slots: CallMemo, rf: Rf, savings: Savings | null, inUse: ReportsInUse, held: ReportHolding[]): LayerReport {
  const memos = slots.reports as ReportMemo[] | undefined;
  if (memos) {
    for (let i = 0; i < memos.length; i++) {
      const memo = memos[i];
      if (memo.heldBy !== inUse && reportValid(memo, call, rf, savings)) {
        memo.heldBy = inUse;
        held.push(memo);
        return memo.report;
      }
    }
  }
  const report: LayerReport = {
    layer: call.layer,
    call,
    inbound: inboundNames(call),
    outputShape: call.output.shape,
    // An operation (keras.ops.relu(x), x * w) has no weights, even when its shape is unknown.
    params: call.layer.isOperation ? { trainable: 0, nonTrainable: 0 } : effectiveParams(call.layer, call.result?.params ?? null),
    macs: call.result ? call.result.macs : null,
    rf,
    savings,
  };
  const memo: ReportMemo = { report, result: call.result, trainable: call.layer.trainable, isOperation: call.layer.isOperation, inputs: [...call.inputs], heldBy: inUse };
  held.push(memo);
  if (!memos) slots.reports = [memo];
  else {
    // One made for other inputs never holds again: a call's inputs change only when the trace's
    // cut-off takes it over onto tensors made anew (trace/statement_graft.ts), and kept it would
    // hold those of keystrokes gone by.
    for (let i = memos.length - 1; i >= 0; i--) if (!sameInputs(memos[i].inputs, call)) memos.splice(i, 1);
    memos.unshift(memo);
    if (memos.length > REPORTS_KEPT_PER_CALL) memos.pop();
  }
  return report;
}

/** One analysis (over all its models), marking the reports it holds: a report belongs to one model only. */
export type ReportsInUse = object;

function analyzeModel(graph: ModelGraph, sink: ModelFindings, inUse: ReportsInUse = {}): ModelReport {
  // A model whose calls are all as the last analysis left them (one built before the edit): its
  // calls' analysis is that one's (model_memo.ts); else it is made and remembered.
  const reused = reusedModelCalls(graph, inUse);
  const calls = reused ?? analyzeCalls(graph, inUse);
  if (!reused) rememberModelCalls(graph, calls);
  const { rfs, byLayer, layers, findings } = calls;
  for (const d of findings) sink.take(d);
  const kept = reused && keptSummary(reused, graph.entries);
  const { totals, entries } = kept || summaryOf(graph, calls);
  if (reused && !kept) keepSummary(reused, graph.entries, { totals, entries });
  if (!Object.values(totals).every(isExactCount)) {
    sink.info('inexact-size', `The totals of model "${graph.name}" are past 2^53, more than ConvLens can count exactly, so they are shown as unknown.`, graph.span);
  }
  return { graph, key: graph.name, layers, rfs, entries, totals };
}

/** A model's totals (its layers' reports and containers' own variables) and entry reports. */
function summaryOf(graph: ModelGraph, calls: ModelCalls): ModelSummary {
  const { rfs, byLayer, layers, tail } = calls;
  const totals = totalsOf(graph, layers, tail) ?? totalsOf(graph, layers, null)!;
  const entriesInUse = {};
  const rfOf = (t: SymTensor) => rfs.get(t) ?? null;
  // A taken tail's entries are the ones the analysis that recorded it made, when they are its calls' layers.
  const tailPart = tail && graph.entries ? tailEntries(tail.record, tail.j, tail.at, graph.calls, graph.entries, entriesInUse) : null;
  const head = graph.entries && !tailPart && settledEntryReports(graph, calls, rfOf, entriesInUse);
  const entries = tailPart
    ? entryReports(graph.entries!.slice(0, tail!.at), byLayer, rfOf, entriesInUse).concat(tailPart)
    : head
      ? head.concat(entryReports(graph.entries!.slice(head.length), byLayer, rfOf, entriesInUse))
      : graph.entries ? entryReports(graph.entries, byLayer, rfOf, entriesInUse) : layers.map((l) => layerEntryReport(l, l.layer, entriesInUse));
  if (calls.recorded && graph.entries) noteEntries(calls.recorded, graph.calls, graph.entries, entries, entryHolder);
  return { totals, entries };
}

/**
 * A model's totals: its layers' params and MACs and its containers' own variables. A taken tail's
 * layers (the last ones) are summed by its record; null when that sum, or the total, is not a whole
 * number under 2^53 (then sums in another order could round otherwise).
 */
function totalsOf(graph: ModelGraph, layers: readonly LayerReport[], tail: ModelCalls['tail']): ModelSummary['totals'] | null {
  const sums = tail?.record.sumsFrom;
  if (tail && !sums) return null;
  const totals = { params: 0, trainableParams: 0, nonTrainableParams: 0, macs: 0 };
  const summed = tail ? layers.length - tail.layers : layers.length;
  for (let k = 0; k < summed; k++) {
    const l = layers[k];
    if (l.params) {
      totals.trainableParams += l.params.trainable;
      totals.nonTrainableParams += l.params.nonTrainable;
    }
    totals.macs += l.macs ?? 0;
  }
  if (tail) {
    const x = tail.j - tail.record.from;
    totals.trainableParams += sums!.trainable[x];
    totals.nonTrainableParams += sums!.nonTrainable[x];
    totals.macs += sums!.macs[x];
  }
  const own = containersOwnParams(graph.entries ?? []);
  totals.trainableParams += own.trainable;
  totals.nonTrainableParams += own.nonTrainable;
  totals.params = totals.trainableParams + totals.nonTrainableParams;
  if (tail && !(Number.isSafeInteger(totals.params) && Number.isSafeInteger(totals.macs))) return null;
  return totals;
}

/**
 * The entry reports of a model's first entries when they are the layers of the calls in the
 * kept state its analysis is layered over, in the same order (a head on `base.output`): made once
 * for that state, which never changes, and taken by each model resuming there.
 */
function settledEntryReports(graph: ModelGraph, { settledPart, byLayer }: ModelCalls, rfOf: (t: SymTensor) => Rf | null, inUse: object): EntryReport[] | null {
  const entries = graph.entries!;
  if (!settledPart || settledPart.count > entries.length || settledPart.count < MIN_PREFIX_CALLS) return null;
  for (let i = 0; i < settledPart.count; i++) {
    const e = entries[i];
    if (e.kind !== 'layer' || e.layer !== graph.calls[i].layer) return null;
  }
  settledPart.entryReports ??= entryReports(entries.slice(0, settledPart.count), byLayer, rfOf, inUse);
  return settledPart.entryReports;
}

/**
 * What a model's calls give, before its entries and totals: every call's field, each layer's
 * report, and the findings in the order of the checks (misaligned merges, gridding, the final
 * field, then per call checkerboard and savings). One pass over the calls: each call's objects
 * read once, not once per check.
 */
function analyzeCalls(graph: ModelGraph, inUse: ReportsInUse): ModelCalls {
  const { calls } = graph;
  // After a keystroke in the model's last lines, its first calls are the last analysis' and their
  // analysis is taken up where it stood (prefix_memo.ts).
  const prefix = resumablePrefix(graph, inUse);
  const from = prefix?.count ?? 0;
  // Where this model's unchanged calls end (the calls traced before the edited statement): the
  // state there is kept for the next keystroke, unless the resumed one ends there already.
  let keepAt = from;
  while (keepAt < calls.length && isRemembered(calls[keepAt])) keepAt++;
  if (keepAt === from || keepAt < MIN_PREFIX_CALLS || !reuseEnabled()) keepAt = -1;
  const sink = new ModelFindings();
  const held: ReportHolding[] = prefix ? prefix.held.slice(0, prefix.lengths.held) : [];
  let rfs: KeyedState<SymTensor, Rf> = prefix ? new LayeredMap(prefix.rfs) : new Map<SymTensor, Rf>();
  let chains: DilationChains = prefix ? new LayeredMap(prefix.chains) : new Map<SymTensor, DilationChain>();
  let byLayer: KeyedState<LayerInstance, LayerReport> & { values(): IterableIterator<LayerReport>; get(layer: LayerInstance): LayerReport | undefined } = prefix ? new LayeredMap(prefix.byLayer) : new Map<LayerInstance, LayerReport>();
  const misaligned: LayerCall[] = prefix ? prefix.misaligned.slice(0, prefix.lengths.misaligned) : [];
  const gridding: { call: LayerCall; message: string }[] = prefix ? prefix.gridding.slice(0, prefix.lengths.gridding) : [];
  const perCall = new ModelFindings();
  if (prefix) perCall.items.push(...prefix.perCall.slice(0, prefix.lengths.perCall));
  /** Reports of layers called more than once here: copies of their first call's, summed over the calls. */
  let summed: Set<LayerReport> | null = null;
  /** The kept state the maps are layered over (resumed from, or kept by this analysis). */
  let layeredOver: PrefixState | null = prefix;
  const lists: CallLists = { misaligned, gridding, perCall: perCall.items, held };
  // After an early keystroke the calls the trace took over are analysed as a tail an earlier analysis
  // went through (tail_memo.ts); one that goes through enough calls itself records them for the next.
  const recording = reuseEnabled() && calls.length - from >= MIN_TAIL_CALLS;
  /** Records the last run of remembered calls (a tail holds only those: the others are made anew at every keystroke). */
  let recorder: TailRecorder | null = null;
  /** A tail is tried at a call past this one only (a try up to where the last one failed would fail there too). */
  let tryTailAfter = from - 1;
  let taken: { record: TailRecord; j: number; at: number } | null = null;
  for (let i = from; i < calls.length; i++) {
    if (i === keepAt) {
      // The state after the unchanged calls, kept as it is now: later calls write maps layered over it,
      // and sum shared layers' reports into copies of their own.
      const flat = <K, V>(m: KeyedState<K, V>) => (m instanceof LayeredMap ? (m as LayeredMap<K, V>).flatten() : (m as Map<K, V>));
      const state = { count: i, rfs: flat(rfs), chains: flat(chains), byLayer: flat(byLayer), misaligned, gridding, perCall: perCall.items, held, lengths: { misaligned: misaligned.length, gridding: gridding.length, perCall: perCall.items.length, held: held.length } };
      keepPrefix(graph, state);
      layeredOver = state;
      rfs = new LayeredMap(state.rfs);
      chains = new LayeredMap(state.chains);
      byLayer = new LayeredMap(state.byLayer);
      summed = null;
    }
    const call = calls[i];
    const memos = callMemo(call);
    const record = memos.tail as TailRecord | undefined;
    if (record && i > tryTailAfter) {
      const j = memos.tailIndex;
      const mismatch = tailMismatch(record, j, calls, i, { rfs, chains, byLayer }, NO_CHAIN);
      if (mismatch < 0 && appendTail(record, j, calls, i, lists, inUse)) {
        taken = { record, j, at: i };
        takenTails.calls += calls.length - i;
        break;
      }
      tryTailAfter = mismatch < 0 ? calls.length : mismatch;
    }
    let existing = byLayer.get(call.layer);
    if (recording) {
      if (!memos.remembered) recorder = null;
      else if (!recorder && calls.length - i >= MIN_TAIL_CALLS) recorder = new TailRecorder(calls, i);
      recorder?.at(i, call, memos, lists, existing !== undefined, { rfs, chains, byLayer }, NO_CHAIN);
    }
    // A step that reads what it read last time gives what it gave (call_outcome.ts).
    const outcome = memos.outcome as CallOutcome | undefined;
    if (!existing && outcome && outcome.report.heldBy !== inUse && outcomeHolds(outcome, call, rfs, chains, NO_CHAIN)) {
      rfs.set(call.output, outcome.rf);
      if (outcome.chain !== NO_CHAIN) chains.set(call.output, outcome.chain);
      if (outcome.misaligned) misaligned.push(call);
      if (outcome.gridding !== null) gridding.push({ call, message: outcome.gridding });
      for (const f of outcome.findings) perCall.add(f.severity, f.code, f.message, call.span);
      outcome.report.heldBy = inUse;
      held.push(outcome.report);
      byLayer.set(call.layer, outcome.report.report);
      reusedOutcomes.count++;
      continue;
    }
    const findingsFrom = perCall.items.length;
    const field = rfStep(call, memos, rfs);
    const stepMisaligned = field.misaligned && !call.layer.application;
    if (stepMisaligned) misaligned.push(call);
    const griddingStep = griddingOf(call, memos, chains);
    if (griddingStep.warning !== null) gridding.push({ call, message: griddingStep.warning });
    if (!call.layer.application) checkCheckerboard(call, perCall);
    if (existing) {
      // The first call's report may be shared with later analyses: summed into a copy of it.
      summed ??= new Set();
      if (!summed.has(existing)) {
        existing = { ...existing, inbound: [...existing.inbound] };
        summed.add(existing);
        byLayer.set(call.layer, existing);
      }
      existing.macs = existing.macs === null || call.result?.macs == null ? null : existing.macs + call.result.macs;
      for (const n of inboundNames(call)) if (!existing.inbound.includes(n)) existing.inbound.push(n);
      continue;
    }
    // A keras.applications backbone is not the user's to redesign: no savings advice on it.
    const savings = call.layer.application ? null : convSavings(call);
    if (worthSaving(savings)) perCall.info('savings-separable', savingsMessage(call.layer, savings), call.span);
    byLayer.set(call.layer, layerReport(call, memos, field.rf, savings, inUse, held));
    if (isRemembered(call)) {
      const step = { rf: field.rf, chain: griddingStep.chain, misaligned: stepMisaligned, gridding: griddingStep.warning, report: held[held.length - 1] as ReportMemo };
      memos.outcome = recordOutcome(call, step, rfs, chains, NO_CHAIN, perCall.items, findingsFrom);
    }
  }
  for (const call of misaligned) {
    sink.warning('rf-misaligned', `The branches merged by ${call.layer.name} have receptive fields with different strides or centres, so they are spatially misaligned.`, call.span);
  }
  for (const { call, message } of gridding) sink.warning('gridding', message, call.span);
  const listed = byLayer instanceof LayeredMap ? byLayer.valueList() : [...byLayer.values()];
  const tailed = taken && withTail(taken, { rfs, byLayer }, listed);
  // The outputs' fields: a tail taken holds the last calls' (the outputs are most often among them).
  checkFinalRf(graph, tailed ? tailed.rfs : rfs, sink);
  for (const d of perCall.items) sink.take(d);
  if (tailed) return { ...tailed, findings: sink.items, held, settledPart: null };
  const made = recorder ? recorder.finish(lists, rfs, byLayer) : null;
  // Entry reports of the kept state's calls can be the ones made for it while none of its layers' reports was summed again since.
  const settledPart = layeredOver && byLayer instanceof LayeredMap && !byLayer.baseOverridden() ? layeredOver : null;
  return { rfs, byLayer, layers: listed, findings: sink.items, held, settledPart, recorded: made };
}

/** The maps and layers of an analysis that took `record`'s tail from `j` on (its calls from `at` on): its own before, the record's after. */
function withTail(taken: { record: TailRecord; j: number; at: number }, own: { rfs: KeyedState<SymTensor, Rf>; byLayer: KeyedState<LayerInstance, LayerReport> }, listed: LayerReport[]): Pick<ModelCalls, 'rfs' | 'byLayer' | 'layers' | 'tail'> {
  const { record, j } = taken;
  const reports = tailReports(record, j);
  return {
    rfs: new TailMap(own.rfs, (t) => tailField(record, j, t), () => tailOutputs(record, j)),
    byLayer: new TailMap(own.byLayer, (layer) => tailReport(record, j, layer), () => tailLayers(record, j)),
    layers: listed.concat(reports),
    tail: { ...taken, layers: reports.length },
  };
}

function uniqueKeys(models: ModelReport[]): void {
  const seen = new Map<string, number>();
  for (const m of models) {
    const n = (seen.get(m.graph.name) ?? 0) + 1;
    seen.set(m.graph.name, n);
    if (n > 1) m.key = `${m.graph.name}#${n}`;
  }
}

/** The model a view, a job or --model names: by key, else by Keras name, else by variable. */
export function findModel(analysis: Analysis, wanted: string): ModelReport | undefined {
  return analysis.models.find((m) => m.key === wanted) ?? analysis.models.find((m) => m.graph.name === wanted || m.graph.variable === wanted);
}

/**
 * Larger files are refused before parsing, which nothing else bounds (and the editor parses on
 * its extension host thread). Measured on a 2-core VM: the examples parse at ~0.6 ms per 1,000
 * characters and dense one-line statements at ~0.9, so a full parse stays near 100 ms (under
 * 150 ms). Model files are far smaller (Keras' largest application file is ~30,000 characters).
 */
export const MAX_SOURCE_CHARS = 150_000;

/** Why `text` is not analysed at all (too large, or not text), or null when it is. */
export function sourceRefusal(text: string): Diagnostic | null {
  const refuse = (code: string, message: string): Diagnostic => ({ severity: 'warning', code, message, from: 0, to: 0 });
  if (text.length > MAX_SOURCE_CHARS) {
    return refuse('file-too-large', `ConvLens does not analyse this file: it has ${formatCount(text.length)} characters, more than the ${formatCount(MAX_SOURCE_CHARS)} it reads (parsing more would stall the editor). Move the model into a smaller file.`);
  }
  if (text.includes('\0')) return refuse('not-python', 'ConvLens does not analyse this file: it contains NUL characters, so it is not Python source.');
  return null;
}

/**
 * Source text -> everything the views show. Never throws: a file the parser cannot hold, or an
 * internal fault, becomes a diagnostic, so half-typed code never blanks a view.
 */
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const refused = sourceRefusal(text);
  if (refused) return { models: [], tensorNames: [], diagnostics: [refused], steps: 0 };
  try {
    return analyzeUnguarded(text, options);
  } catch (e) {
    const tooDeep = isStackOverflow(e);
    const message = tooDeep
      ? 'ConvLens cannot analyse this file: it is nested too deeply to parse.'
      : `ConvLens hit an internal error and could not analyse this file: ${(e as Error).message}. Please report it.`;
    return { models: [], tensorNames: [], diagnostics: [{ severity: 'warning', code: tooDeep ? 'trace-limit' : 'internal-error', message, from: 0, to: 0 }], steps: 0 };
  }
}

/** Each model's analysis; an internal fault in one costs only that model (one warning on it), not the file. */
export function analyzeModels(graphs: readonly ModelGraph[], sink: DiagnosticSink): ModelReport[] {
  const inUse: ReportsInUse = {};
  return graphs.flatMap((g) => isolatedModel(g, sink, inUse));
}

/**
 * A model's findings, kept apart until it is analysed in full. Repeats are not dropped here: the
 * file's sink drops them as it takes these in order, which keeps the same ones (a 1,000-layer model
 * makes hundreds of findings per keystroke, each checked once instead of twice).
 */
class ModelFindings extends DiagnosticSink {
  override add(severity: Diagnostic['severity'], code: string, message: string, span: { from: number; to: number }): void {
    this.items.push({ severity, code, message, from: span.from, to: span.to });
  }

  /** A finding made already, passed on as it is (the file's sink drops it there if reported already). */
  override take(d: Diagnostic): void {
    this.items.push(d);
  }
}

function isolatedModel(graph: ModelGraph, sink: DiagnosticSink, inUse: ReportsInUse): ModelReport[] {
  const own = new ModelFindings();
  try {
    const report = analyzeModel(graph, own, inUse);
    for (const d of own.items) sink.take(d);
    return [report];
  } catch (e) {
    if (isStackOverflow(e)) throw e;
    sink.warning('internal-error', `ConvLens hit an internal error analysing the model ${graph.name}, so it is not shown: ${(e as Error).message}. Please report it.`, graph.span);
    return [];
  }
}

function analyzeUnguarded(text: string, options: AnalyzeOptions): Analysis {
  const tree = options.tree ?? parsePython(text);
  const traced = (options.tracer ?? trace)({ text, tree, limits: options.limits, defaultInputShape: options.defaultInputShape });
  const sink = new DiagnosticSink();
  for (const d of traced.diagnostics) sink.add(d.severity, d.code, d.message, d);
  const models = analyzeModels(traced.models, sink);
  uniqueKeys(models);
  const order = { error: 0, warning: 1, info: 2 };
  // A helper called 9 times reports its design and savings findings once per line, summed.
  const diagnostics = mergeLineDiagnostics(text, [...sink.items].sort((a, b) => a.from - b.from || order[a.severity] - order[b.severity]), models);
  return { models, tensorNames: traced.tensorNames, diagnostics, steps: traced.steps };
}

