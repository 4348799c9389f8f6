/**
 * Whole models analysed again unchanged. A keystroke re-traces only the statements from the edited
 * one on: a model built before them (a backbone under a head being typed, the encoder of a U-Net
 * whose decoder is edited, the earlier models of a notebook) comes back with the same calls array
 * and the same calls. Its calls' analysis (fields, reports, findings) is then the last one's, after
 * a check of everything it was made from that can change without new calls: each call's build
 * result, output shape, config, inputs and its layer's trainability (`base.trainable = False`
 * after the edit), and the model's inputs and outputs. The check is one pass of identity tests,
 * where analysing the calls again took a memo lookup and several checks per call.
 */
import type { Diagnostic } from '../diagnostics';
import type { GraphEntry, LayerCall, LayerInstance, ModelGraph, SymTensor } from '../graph';
import { reuseEnabled } from '../reuse';
import type { Rf } from './receptive_field';
import type { EntryReport, LayerReport } from './reports';
import { callsUnchanged, snapshotCalls, type CallsSnapshot } from './calls_snapshot';
import { claimReports, type ReportHolding } from './report_holding';
import type { PrefixState } from './prefix_memo';
import type { TailRecord } from './tail_memo';

/** What a model's calls give, before its entries and totals (analyze.ts, analyzeCalls). */
export interface ModelCalls {
  rfs: { get(tensor: SymTensor): Rf | undefined };
  byLayer: { get(layer: LayerInstance): LayerReport | undefined };
  layers: LayerReport[];
  /** In the order the checks made them. */
  findings: Diagnostic[];
  /** The records of the reports it holds (marked as held again when reused). */
  held: ReportHolding[];
  /** The kept state its maps are layered over, while none of that state's reports was re-set (prefix_memo.ts). */
  settledPart?: PrefixState | null;
  /** The tail it took (tail_memo.ts): the record's calls from `j` on are its calls from `at` on, whose layers are its last `layers` reports. */
  tail?: { record: TailRecord; j: number; at: number; layers: number } | null;
  /** The tail record it made, going through its calls one by one. */
  recorded?: TailRecord | null;
}

/** What a model's calls' analysis was made from: its calls (calls_snapshot.ts), inputs and outputs. */
interface Remembered {
  made: CallsSnapshot;
  modelInputs: SymTensor[];
  modelInputShapes: SymTensor['shape'][];
  modelOutputs: SymTensor[];
  analysed: ModelCalls;
}

/** How many models' calls were reused whole (for tests: the reuse is not vacuous). */
export const reusedModels = { count: 0 };

/** By the graph's calls array: the same array is the same model, re-traced or not. */
const remembered = new WeakMap<readonly LayerCall[], Remembered>();

/** Calls arrays analysed once: a model re-built on every keystroke (the one being typed) is never seen twice. */
const seenOnce = new WeakSet<readonly LayerCall[]>();

/** Remembers a model's calls' analysis from the second analysis that sees its calls array on (as call_memo.ts does for calls). */
export function rememberModelCalls(graph: ModelGraph, analysed: ModelCalls): void {
  if (!reuseEnabled()) return;
  const { calls } = graph;
  if (!seenOnce.has(calls)) {
    seenOnce.add(calls);
    return;
  }
  remembered.set(calls, {
    made: snapshotCalls(calls),
    modelInputs: [...graph.inputs],
    modelInputShapes: graph.inputs.map((t) => t.shape),
    modelOutputs: [...graph.outputs],
    analysed,
  });
}

/**
 * The last analysis of the graph's calls when nothing it was made from changed and no other model
 * of this analysis holds its reports; its reports are then held by this analysis (`inUse`).
 */
export function reusedModelCalls(graph: ModelGraph, inUse: object): ModelCalls | null {
  if (!reuseEnabled()) return null;
  const r = remembered.get(graph.calls);
  if (!r || !unchanged(r, graph)) return null;
  if (!claimReports(r.analysed.held, r.analysed.held.length, inUse)) return null;
  reusedModels.count++;
  return r.analysed;
}

function unchanged(r: Remembered, graph: ModelGraph): boolean {
  if (graph.calls.length !== r.made.calls.length || !same(graph.inputs, r.modelInputs) || !same(graph.outputs, r.modelOutputs)) return false;
  for (let i = 0; i < graph.inputs.length; i++) if (graph.inputs[i].shape !== r.modelInputShapes[i]) return false;
  return callsUnchanged(r.made, graph.calls);
}

function same(a: readonly SymTensor[], b: readonly SymTensor[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A model's totals and entry reports, as analyzeModel makes them from its calls' analysis and entries. */
export interface ModelSummary {
  totals: { params: number; trainableParams: number; nonTrainableParams: number; macs: number };
  entries: EntryReport[];
}

/**
 * The last summary of a model whose calls' analysis was reused whole and whose entries are the
 * same list (the tracking keeps a settled model's entries: keras_tracking.ts). Entries of layers
 * only: each shows its layer's report and name, class and span, which the tracer never changes
 * once the layer is made (a renaming after it is not traced: the differential test has one).
 */
const summaries = new WeakMap<ModelCalls, { entries: readonly GraphEntry[]; summary: ModelSummary }>();

export function keptSummary(analysed: ModelCalls, entries: readonly GraphEntry[] | undefined): ModelSummary | null {
  const kept = reuseEnabled() && entries ? summaries.get(analysed) : undefined;
  if (!kept || kept.entries !== entries) return null;
  reusedSummaries.count++;
  return kept.summary;
}

/** Keeps a reused model's summary when its entries are a kept list of layers (frozen by the tracking). */
export function keepSummary(analysed: ModelCalls, entries: readonly GraphEntry[] | undefined, summary: ModelSummary): void {
  if (!reuseEnabled() || !entries || !Object.isFrozen(entries) || entries.some((e) => e.kind !== 'layer')) return;
  summaries.set(analysed, { entries, summary });
}

/** How many models' totals and entries were the kept ones (tests: the reuse happened). */
export const reusedSummaries = { count: 0 };
