/**
 * Receptive fields per tensor (Araujo, Norris & Sim, Distill 2019), forward form:
 * r' = r + (k_eff - 1) * S,  P' = P + pad * S,  S' = S * s.
 * Transposed convs and upsampling make the effective stride fractional (S / s); their effective
 * padding comes from the centre of unit 0 (see applyStep).
 */
import type { KeyedState } from './layered_map';
import { dilatedKernel } from '../../../kernels/conv_math';
import type { RfEffect, RfStep } from '../../../kernels/types';
import type { LayerCall, SymTensor } from '../graph';
import type { CallMemo } from './call_memo';

/** Per spatial axis: size and effective stride/padding, in input pixels. */
export interface AxisRf {
  size: number;
  stride: number;
  padding: number;
}

export type Rf = { axes: AxisRf[] } | 'global' | null;

export function rfOfInput(shape: (number | null)[] | null): Rf {
  if (!shape || shape.length < 3) return null;
  return { axes: Array.from({ length: shape.length - 2 }, () => ({ size: 1, stride: 1, padding: 0 })) };
}

/** Centre of output unit 0's field, in input coordinates: used to check alignment at merges. */
function centre(a: AxisRf): number {
  return (a.size - 1) / 2 - a.padding;
}

/** The axis whose unit 0 is centred at `c` (padding is defined from the centre). */
function withCentre(size: number, stride: number, c: number): AxisRf {
  return { size, stride, padding: (size - 1) / 2 - c };
}

/**
 * One step along one axis. Windows follow Distill exactly. Transposed convs and resizes are not
 * linear in the output index, so their effective padding is taken from the mean centre of the
 * taps: output o of a transposed conv reads inputs around (o + pad - (k-1)/2) / s.
 */
function applyStep(a: AxisRf, step: RfStep): AxisRf {
  switch (step.op) {
    case 'window':
      return { size: a.size + (dilatedKernel(step.kernel, step.dilation) - 1) * a.stride, stride: a.stride * step.stride, padding: a.padding + step.pad * a.stride };
    case 'transposed': {
      const stride = a.stride / step.stride;
      const size = a.size + Math.floor((step.kernel - 1) / step.stride) * a.stride;
      return withCentre(size, stride, centre(a) + (step.pad - (step.kernel - 1) / 2) * stride);
    }
    case 'resize': {
      const f = step.factor;
      if (f === 1) return a;
      const stride = a.stride / f;
      // Nearest: output o copies input floor(o / f). Bilinear (half-pixel): reads around (o + 0.5) / f - 0.5.
      if (step.interpolation === 'nearest') return withCentre(a.size, stride, centre(a) - ((f - 1) / (2 * f)) * a.stride);
      return withCentre(a.size + a.stride, stride, centre(a) + (0.5 / f - 0.5) * a.stride);
    }
  }
}

export interface MergeOutcome {
  rf: Rf;
  misaligned: boolean;
}

export function mergeRfs(inputs: Rf[]): MergeOutcome {
  if (inputs.some((r) => r === null)) return { rf: null, misaligned: false };
  if (inputs.some((r) => r === 'global')) return { rf: 'global', misaligned: false };
  const spatial = inputs as { axes: AxisRf[] }[];
  const rank = spatial[0].axes.length;
  if (spatial.some((r) => r.axes.length !== rank)) return { rf: null, misaligned: false };
  let misaligned = false;
  const axes = spatial[0].axes.map((_, i) => {
    const all = spatial.map((r) => r.axes[i]);
    const widest = all.reduce((best, a) => (a.size > best.size ? a : best));
    // Sub-pixel offsets (e.g. from 'same' padding on even sizes) are normal; a whole output step is a bug.
    if (all.some((a) => Math.abs(a.stride - widest.stride) > 1e-9 || Math.abs(centre(a) - centre(widest)) >= widest.stride)) misaligned = true;
    return widest;
  });
  return { rf: { axes }, misaligned };
}

export function applyEffect(effect: RfEffect, inputs: Rf[]): MergeOutcome {
  if (effect === 'merge') return mergeRfs(inputs);
  const input = inputs[0] ?? null;
  // Once a unit sees the whole input, nothing downstream can see less (Reshape included).
  if (effect === 'global' || input === 'global') return { rf: 'global', misaligned: false };
  if (effect === 'unknown' || input === null) return { rf: null, misaligned: false };
  if (effect === 'identity') return { rf: input, misaligned: false };
  if (effect.steps.length !== input.axes.length) return { rf: null, misaligned: false };
  return { rf: { axes: input.axes.map((a, i) => applyStep(a, effect.steps[i])) }, misaligned: false };
}

/**
 * A call's field as last computed, with everything it was computed from: the layer's kind, the
 * build result and output shape (both replaced, never changed in place, when they change) and the
 * fields of its inputs. Each keystroke analyses the calls an edit did not touch again, with the
 * same objects: their fields are these same (shared, never changed) objects, so the calls after
 * them find theirs unchanged too.
 */
interface RfMemo {
  kernel: LayerCall['layer']['kernel'];
  result: LayerCall['result'];
  shape: SymTensor['shape'];
  inputs: Rf[];
  outcome: MergeOutcome;
}

/**
 * Whether `memo` still holds for `call`, the fields of its inputs read from `rfs` (nothing
 * allocated). An input's field made anew with the same values (the calls before it were re-made:
 * the trace's cut-off takes over the calls after an edit, not the edited ones) gives the same
 * field: the memo then takes the new one, and its own field, which the calls after it compare,
 * stays the same object.
 */
function memoValid(memo: RfMemo, call: LayerCall, rfs: KeyedState<SymTensor, Rf>): boolean {
  const { inputs } = call;
  if (memo.kernel !== call.layer.kernel || memo.result !== call.result || memo.shape !== call.output.shape || memo.inputs.length !== inputs.length) return false;
  for (let i = 0; i < inputs.length; i++) {
    const now = rfs.get(inputs[i]) ?? null;
    if (memo.inputs[i] === now) continue;
    if (!sameRf(memo.inputs[i], now)) return false;
    memo.inputs[i] = now;
  }
  return true;
}

export function sameRf(a: Rf, b: Rf): boolean {
  if (a === null || b === null || typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.axes.length !== b.axes.length) return false;
  for (let i = 0; i < a.axes.length; i++) {
    const x = a.axes[i];
    const y = b.axes[i];
    if (x.size !== y.size || x.stride !== y.stride || x.padding !== y.padding) return false;
  }
  return true;
}

/**
 * One call's step, calls taken in execution order: its output's field into `rfs` (which holds the
 * fields of the calls before it), and whether the branches it merges are misaligned. `memos` is the call's record.
 */
export function rfStep(call: LayerCall, memos: CallMemo, rfs: KeyedState<SymTensor, Rf>): MergeOutcome {
  let memo = memos.rf as RfMemo | undefined;
  if (!memo || !memoValid(memo, call, rfs)) {
    const inputs = call.inputs.map((t) => rfs.get(t) ?? null);
    memo = { kernel: call.layer.kernel, result: call.result, shape: call.output.shape, inputs, outcome: callRf(call, inputs) };
    memos.rf = memo;
  }
  rfs.set(call.output, memo.outcome.rf);
  return memo.outcome;
}

const UNKNOWN: MergeOutcome = Object.freeze({ rf: null, misaligned: false });

function callRf(call: LayerCall, inputs: Rf[]): MergeOutcome {
  if (call.layer.kernel?.family === 'input') return { rf: rfOfInput(call.output.shape), misaligned: false };
  if (!call.result) return UNKNOWN;
  return applyEffect(call.result.rf, inputs);
}

/** An inclusive range of positions along one axis. */
export interface Interval {
  lo: number;
  hi: number;
}

/** The positions of a step's input that one output range [lo, hi] reads. */
function backStep(o: Interval, step: RfStep): Interval {
  switch (step.op) {
    case 'window': {
      const kEff = dilatedKernel(step.kernel, step.dilation);
      return { lo: o.lo * step.stride - step.pad, hi: o.hi * step.stride - step.pad + kEff - 1 };
    }
    case 'transposed':
      // Output o (after cropping `pad`) receives input i when i*s <= o + pad <= i*s + k - 1.
      return { lo: Math.ceil((o.lo + step.pad - step.kernel + 1) / step.stride), hi: Math.floor((o.hi + step.pad) / step.stride) };
    case 'resize':
      if (step.interpolation === 'nearest') return { lo: Math.floor(o.lo / step.factor), hi: Math.floor(o.hi / step.factor) };
      // Half-pixel bilinear reads floor(c) and ceil(c) of c = (o + 0.5) / f - 0.5 (one tap when c is whole).
      return { lo: Math.floor((o.lo + 0.5) / step.factor - 0.5), hi: Math.ceil((o.hi + 0.5) / step.factor - 0.5) };
  }
}

/**
 * The exact field of one output unit, per spatial axis, in input pixels (it may extend past the
 * border into padding). Unlike size/stride/padding, this is exact after transposed convs and
 * resizes too, whose fields depend on the unit's parity. Null when the path is not spatial.
 */
export function unitField(calls: LayerCall[], target: LayerCall, unit: number[]): Interval[] | null {
  const need = new Map<SymTensor, Interval[]>([[target.output, unit.map((u) => ({ lo: u, hi: u }))]]);
  const upTo = calls.indexOf(target);
  let result: Interval[] | null = null;
  for (let i = upTo; i >= 0; i--) {
    const call = calls[i];
    const out = need.get(call.output);
    if (!out) continue;
    if (call.layer.kernel?.family === 'input') {
      result = result ? result.map((r, a) => ({ lo: Math.min(r.lo, out[a].lo), hi: Math.max(r.hi, out[a].hi) })) : out;
      continue;
    }
    const effect = call.result?.rf;
    if (!effect || effect === 'global' || effect === 'unknown') return null;
    const back = effect === 'identity' || effect === 'merge' ? out : effect.steps.length === out.length ? out.map((iv, a) => backStep(iv, effect.steps[a])) : null;
    if (!back) return null;
    for (const t of call.inputs) {
      const prev = need.get(t);
      need.set(t, prev ? prev.map((p, a) => ({ lo: Math.min(p.lo, back[a].lo), hi: Math.max(p.hi, back[a].hi) })) : back);
    }
  }
  return result;
}
