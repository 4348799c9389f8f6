/**
 * A call's whole step of a model's analysis, kept with everything it was made from. After an early
 * keystroke the incremental trace hands the analysis the same call objects for the statements it
 * took over (trace/statement_graft.ts), hundreds of them; each step's parts have memos of their own
 * (field, dilation chain, savings, report), each checked in turn. When none of what the step reads
 * changed, one check here gives all it gave: its output's field and chain, its findings and its
 * layer's report, with the findings placed where the call is now (a call taken over moves).
 *
 * A step reads: the layer's kind, config, name, origin, trainability and whether it is an
 * operation; the call's build result and output shape; the tensors it reads, their shapes, fields
 * and chains. Each is replaced, never changed in place, when it changes, so they are compared by
 * identity, except fields and chains, which a re-made tensor before the call has anew with the same
 * values (compared by value, then adopted, so the calls after compare by identity again).
 */
import type { Diagnostic, Severity } from '../diagnostics';
import type { LayerCall, SymTensor } from '../graph';
import type { DilationChain, DilationChains } from './design_checks';
import type { KeyedState } from './layered_map';
import { sameRf, type Rf } from './receptive_field';
import type { ReportHolding } from './report_holding';
import type { LayerReport } from './reports';

/** A report record as analyze.ts keeps it: the report and the analysis holding it. */
export interface HeldReport extends ReportHolding {
  report: LayerReport;
}

export interface CallOutcome {
  kernel: LayerCall['layer']['kernel'];
  config: unknown;
  name: string;
  application: string | undefined;
  trainable: boolean;
  isOperation: boolean | undefined;
  result: LayerCall['result'];
  shape: SymTensor['shape'];
  /**
   * Per tensor read, in order: the tensor, its shape, its field and its chain, in one flat list
   * (one object to read per call, where four lists were four).
   */
  reads: unknown[];
  /** What the step gave. */
  rf: Rf;
  chain: DilationChain;
  misaligned: boolean;
  gridding: string | null;
  /** Its per-call findings (checkerboard, savings), all at the call's span. */
  findings: { severity: Severity; code: string; message: string }[];
  report: HeldReport;
}

/** How many steps were taken from their outcome (for tests: the reuse is not vacuous). */
export const reusedOutcomes = { count: 0 };

/** Whether the step `outcome` records is what `call` would make now (fields and chains of its inputs read from the maps). */
export function outcomeHolds(outcome: CallOutcome, call: LayerCall, rfs: KeyedState<SymTensor, Rf>, chains: DilationChains, noChain: DilationChain): boolean {
  const { layer, inputs } = call;
  const { reads } = outcome;
  if (outcome.kernel !== layer.kernel || outcome.config !== layer.config || outcome.name !== layer.name || outcome.application !== layer.application
    || outcome.trainable !== layer.trainable || outcome.isOperation !== layer.isOperation || outcome.result !== call.result || outcome.shape !== call.output.shape
    || reads.length !== READ * inputs.length) return false;
  for (let i = 0, at = 0; i < inputs.length; i++, at += READ) {
    const t = inputs[i];
    if (t !== reads[at] || t.shape !== reads[at + 1]) return false;
    const rf = rfs.get(t) ?? null;
    if (rf !== reads[at + 2]) {
      if (!sameRf(rf, reads[at + 2] as Rf)) return false;
      reads[at + 2] = rf;
    }
    const chain = chains.get(t) ?? noChain;
    if (chain !== reads[at + 3]) {
      if (!sameChain(chain, reads[at + 3] as DilationChain)) return false;
      reads[at + 3] = chain;
    }
  }
  return true;
}

/** Entries per tensor read in `CallOutcome.reads`. */
const READ = 4;

/** Whether two dilation chains hold the same rates (compared by value: a re-made tensor's is new). */
export function sameChain(a: DilationChain, b: DilationChain): boolean {
  if (a === b) return true;
  if (a.gcd !== b.gcd || a.rates.length !== b.rates.length) return false;
  for (let i = 0; i < a.rates.length; i++) if (a.rates[i] !== b.rates[i]) return false;
  return true;
}

/** The step `call` just made, from the maps it read and the findings it added (`findings` from `from` on). */
export function recordOutcome(
  call: LayerCall,
  step: { rf: Rf; chain: DilationChain; misaligned: boolean; gridding: string | null; report: HeldReport },
  rfs: KeyedState<SymTensor, Rf>,
  chains: DilationChains,
  noChain: DilationChain,
  findings: readonly Diagnostic[],
  from: number,
): CallOutcome {
  const { layer } = call;
  const reads: unknown[] = [];
  for (const t of call.inputs) reads.push(t, t.shape, rfs.get(t) ?? null, chains.get(t) ?? noChain);
  const own: CallOutcome['findings'] = [];
  for (let i = from; i < findings.length; i++) own.push({ severity: findings[i].severity, code: findings[i].code, message: findings[i].message });
  return {
    kernel: layer.kernel,
    config: layer.config,
    name: layer.name,
    application: layer.application,
    trainable: layer.trainable,
    isOperation: layer.isOperation,
    result: call.result,
    shape: call.output.shape,
    reads,
    findings: own,
    ...step,
  };
}
