/**
 * Every call a source line made: a layer built in a helper function called 9 times, or in a loop,
 * is one line of source but many layers. Hovers list them, diagnostics sum their savings.
 */
import type { Shape } from '../../../kernels/types';
import type { LayerReport, ModelReport } from '../analysis/analyze';
import type { Rf } from '../analysis/receptive_field';
import type { Savings } from '../analysis/savings';
import { sumSavings, worthSaving } from '../line_diagnostics';
import type { LayerCall } from '../graph';

export interface LineCallRow {
  /** The layer's Keras name. */
  name: string;
  input: Shape | null;
  output: Shape | null;
  /** The layer's weights; null for a later call of a shared layer (its weights are counted once) or when unknown. */
  params: number | null;
  /** A later call of a layer listed before (a shared layer): it adds MACs, not weights. */
  repeatCall: boolean;
  macs: number | null;
  rf: Rf;
}

export interface LineCalls {
  model: ModelReport;
  /** The layer class the line builds (`Conv2D`). */
  type: string;
  rows: LineCallRow[];
  /** Weights of the distinct layers (null when any is unknown) and MACs of every call. */
  totals: { params: number | null; macs: number | null };
  /** Cheaper alternatives summed over the line's layers, or null when none has any. */
  savings: Savings | null;
  /** The layers behind the rows, first call's report each. */
  layers: LayerReport[];
}

function sameSpan(a: { from: number; to: number }, b: { from: number; to: number }): boolean {
  return a.from === b.from && a.to === b.to;
}

function totalParams(l: LayerReport): number | null {
  return l.params ? l.params.trainable + l.params.nonTrainable : null;
}

/**
 * The calls made by the source that built `found`: every layer of the model constructed at the
 * same place, and every call of each, in execution order.
 */
export function callsOfLine(model: ModelReport, found: LayerReport): LineCalls {
  // Layers of the same class made by the same source (a keras.applications call makes a whole model: not repeats).
  const layers = found.layer.application ? [found] : model.layers.filter((l) => sameSpan(l.layer.span, found.layer.span) && l.layer.type === found.layer.type && !l.layer.application);
  const members = new Set(layers.map((l) => l.layer));
  const reports = new Map(layers.map((l) => [l.layer, l]));
  const rows: LineCallRow[] = [];
  const seen = new Set<LayerReport>();
  let params: number | null = 0;
  let macs: number | null = 0;
  for (const call of model.graph.calls) {
    if (!members.has(call.layer)) continue;
    const report = reports.get(call.layer)!;
    const repeatCall = seen.has(report);
    seen.add(report);
    const weights = repeatCall ? null : totalParams(report);
    if (!repeatCall) params = params === null || weights === null ? null : params + weights;
    const callMacs = call.result ? call.result.macs : null;
    macs = macs === null || callMacs === null ? null : macs + callMacs;
    rows.push({ name: call.layer.name, input: call.inputs[0]?.shape ?? null, output: call.output.shape, params: weights, repeatCall, macs: callMacs, rf: model.rfs.get(call.output) ?? null });
  }
  return {
    model,
    type: found.layer.type,
    rows,
    totals: { params, macs },
    savings: sumSavings(layers.map((l) => l.savings).filter(worthSaving)),
    layers,
  };
}
