/** The `convlens analyze --json` document (version 1): 1-based lines and columns. */
import type { Analysis, LayerReport } from '../analysis/analyze';
import type { EntryReport } from '../analysis/entries';
import { isExactCount } from '../analysis/format';
import type { Rf } from '../analysis/receptive_field';
import { LineIndex } from '../source';

export type RfJson = { size: number[]; stride: number[]; padding: number[] } | { global: true } | null;

export function rfToJson(rf: Rf): RfJson {
  if (rf === null) return null;
  if (rf === 'global') return { global: true };
  return { size: rf.axes.map((a) => a.size), stride: rf.axes.map((a) => a.stride), padding: rf.axes.map((a) => a.padding) };
}

function layerJson(l: LayerReport, lines: LineIndex) {
  const pos = lines.position(l.layer.span.from);
  return {
    name: l.layer.name,
    type: l.layer.type,
    line: pos.line,
    column: pos.column,
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
function entryJson(e: EntryReport, lines: LineIndex): Record<string, unknown> {
  if (e.layer) return layerJson(e.layer, lines);
  const pos = lines.position(e.span.from);
  return {
    name: e.name,
    type: e.type,
    line: pos.line,
    column: pos.column,
    outputShape: e.outputShape,
    params: e.params ? e.params.trainable + e.params.nonTrainable : null,
    trainableParams: e.params?.trainable ?? null,
    nonTrainableParams: e.params?.nonTrainable ?? null,
    macs: e.macs,
    receptiveField: rfToJson(e.rf),
    layers: (e.entries ?? []).map((x) => entryJson(x, lines)),
  };
}

export function analysisToJson(file: string, text: string, analysis: Analysis) {
  const lines = new LineIndex(text);
  return {
    version: 1,
    file,
    models: analysis.models.map((m) => {
      const pos = lines.position(m.graph.span.from);
      return {
        name: m.graph.name,
        variable: m.graph.variable,
        line: pos.line,
        column: pos.column,
        inputs: m.graph.inputs.map((t) => t.shape),
        outputs: m.graph.outputs.map((t) => t.shape),
        layers: m.entries.map((e) => entryJson(e, lines)),
        // A total past 2^53 is not exact: null, like any unknown count.
        totals: Object.fromEntries(Object.entries(m.totals).map(([k, v]) => [k, isExactCount(v) ? v : null])),
      };
    }),
    diagnostics: analysis.diagnostics.map((d) => {
      const start = lines.position(d.from);
      const end = lines.position(d.to);
      return { severity: d.severity, code: d.code, message: d.message, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
    }),
  };
}
