/**
 * A model's analysis resumed after the calls the edit did not touch. A keystroke in the last lines
 * of a model re-builds it: the new model's calls are the last one's up to some call K (the calls
 * traced before the edited statement, the same objects), then new ones. Its calls' analysis (every
 * output's field and dilation chain, each layer's report, the findings in order) after the first K
 * calls is what the last analysis had there, when each of those calls is unchanged: so the first K
 * are checked (one pass of identity tests) instead of analysed, and the analysis goes on from K.
 *
 * The state at K is kept without copying: the analysis that records it writes the first K calls'
 * fields, chains and reports into maps it never writes again (later calls go into maps layered
 * over them), and its lists of findings are only appended to, so their first entries stay.
 */
import type { Diagnostic } from '../diagnostics';
import type { LayerCall, LayerInstance, ModelGraph, SymTensor } from '../graph';
import { reuseEnabled } from '../reuse';
import type { DilationChain } from './design_checks';
import { claimReports, type ReportHolding } from './report_holding';
import type { Rf } from './receptive_field';
import type { EntryReport, LayerReport } from './reports';
import { callsUnchanged, snapshotCalls, type CallsSnapshot } from './calls_snapshot';

/** The state of a model's calls' analysis after its first `count` calls. */
export interface PrefixState {
  count: number;
  rfs: ReadonlyMap<SymTensor, Rf>;
  chains: ReadonlyMap<SymTensor, DilationChain>;
  byLayer: ReadonlyMap<LayerInstance, LayerReport>;
  /** Lists appended to after the prefix too: the prefix's are their first `lengths`. */
  misaligned: readonly LayerCall[];
  gridding: readonly { call: LayerCall; message: string }[];
  perCall: readonly Diagnostic[];
  held: readonly ReportHolding[];
  lengths: { misaligned: number; gridding: number; perCall: number; held: number };
  /** The entry reports of the prefix's calls' layers, in order, once a model listing them so asked (analyze.ts). */
  entryReports?: EntryReport[];
}

/** A kept prefix's state and what it was made from. */
interface Kept {
  state: PrefixState;
  made: CallsSnapshot;
}

/** Prefixes kept lately, newest first (a backbone's calls start its own model and the one around it). */
const kept: Kept[] = [];
const PREFIXES_KEPT = 4;

/** How many analyses resumed after a kept prefix (for tests: the reuse is not vacuous). */
export const resumedPrefixes = { count: 0 };

/** Below this many calls a prefix is analysed again: checking it would cost about as much. */
export const MIN_PREFIX_CALLS = 32;

export function keepPrefix(graph: ModelGraph, state: PrefixState): void {
  if (!reuseEnabled()) return;
  kept.unshift({ state, made: snapshotCalls(graph.calls.slice(0, state.count)) });
  if (kept.length > PREFIXES_KEPT) kept.pop();
}

/**
 * The longest kept prefix of the graph's calls whose calls are all unchanged and whose reports no
 * other model of this analysis holds; its reports are then held by this analysis (`inUse`).
 */
export function resumablePrefix(graph: ModelGraph, inUse: object): PrefixState | null {
  if (!reuseEnabled()) return null;
  // The longest first: the first that holds is the one (each check is a pass over its calls).
  const best = [...kept].sort((a, b) => b.state.count - a.state.count).find((k) => k.state.count <= graph.calls.length && callsUnchanged(k.made, graph.calls));
  if (!best) return null;
  if (!claimReports(best.state.held, best.state.lengths.held, inUse)) return null;
  resumedPrefixes.count++;
  return best.state;
}
