/** The `convlens analyze --json` document (version 1): 1-based lines and columns. */
import type { Analysis, LayerReport } from '../analysis/analyze';
import type { EntryReport } from '../analysis/entries';
import { isExactCount } from '../analysis/format';
import type { Rf } from '../analysis/receptive_field';
import { LineIndex } from '../source';

/**
 * Where an offset is shown: 1-based line and column, and for a notebook the cell (counted from 1).
 * `startOffset` keeps an end position in the cell its span starts in.
 */
export type Locate = (offset: number, startOffset?: number) => { cell?: number; line: number; column: number };

export type RfJson = { size: number[]; stride: number[]; padding: number[] } | { global: true } | null;

export function rfToJson(rf: Rf): RfJson {
  if (rf === null) return null;
  if (rf === 'global') return { global: true };
  return { size: rf.axes.map((a) => a.size), stride: rf.axes.map((a) => a.stride), padding: rf.axes.map((a) => a.padding) };
}

function layerJson(l: LayerReport, lines: Locate) {
  return {
    name: l.layer.name,
    type: l.layer.type,
    ...lines(l.layer.span.from),
    inbound: l.inbound,
    ...(l.layer.isOperation ? { operation: true } : {}),
    outputShape: l.outputShape,
    params: l.params ? l.params.trainable + l.params.nonTrainable : null,
    trainableParams: l.params?.trainable ?? null,
    nonTrainableParams: l.params?.nonTrainable ?? null,
    macs: l.macs,
    receptiveField: rfToJson(l.rf),
  };
}

/** Keras' `layers`: a nested model or custom layer is one entry with its own `layers`. */
function entryJson(e: EntryReport, lines: Locate): Record<string, unknown> {
  // The entry's shape: inside a nested model, the one Keras records for the layer (see entryReports).
  if (e.layer) return { ...layerJson(e.layer, lines), outputShape: e.outputShape };
  return {
    name: e.name,
    type: e.type,
    ...lines(e.span.from),
    outputShape: e.outputShape,
    params: e.params ? e.params.trainable + e.params.nonTrainable : null,
    trainableParams: e.params?.trainable ?? null,
    nonTrainableParams: e.params?.nonTrainable ?? null,
    macs: e.macs,
    receptiveField: rfToJson(e.rf),
    layers: (e.entries ?? []).map((x) => entryJson(x, lines)),
  };
}

export function analysisToJson(file: string, text: string, analysis: Analysis, locate?: Locate) {
  const index = new LineIndex(text);
  const lines: Locate = locate ?? ((offset) => index.position(offset));
  return {
    version: 1,
    file,
    models: analysis.models.map((m) => {
      return {
        name: m.graph.name,
        variable: m.graph.variable,
        ...lines(m.graph.span.from),
        inputs: m.graph.inputs.map((t) => t.shape),
        outputs: m.graph.outputs.map((t) => t.shape),
        layers: m.entries.map((e) => entryJson(e, lines)),
        // A total past 2^53 is not exact: null, like any unknown count.
        totals: Object.fromEntries(Object.entries(m.totals).map(([k, v]) => [k, isExactCount(v) ? v : null])),
      };
    }),
    diagnostics: analysis.diagnostics.map((d) => {
      const end = lines(d.to, d.from);
      return { severity: d.severity, code: d.code, message: d.message, ...lines(d.from), endLine: end.line, endColumn: end.column };
    }),
  };
}
