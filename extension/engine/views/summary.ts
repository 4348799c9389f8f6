/** Plain-JSON view models for the sidebar (the webview never computes Keras math). */
import type { Analysis, EntryReport, LayerReport, ModelReport } from '../analysis/analyze';
import type { Shape } from '../../../kernels/types';
import type { GraphEntry, LayerInstance } from '../graph';
import { formatCount, formatMacs, formatRfNumber, formatShapeText } from '../analysis/format';
import { inputDataFormat } from '../analysis/data_format';
import { LineIndex } from '../source';
import type { NodeFigures, SummaryGroup, SummaryModel, SummaryRow } from '../../../webview/messages';

export type { SummaryGroup, SummaryModel, SummaryRow } from '../../../webview/messages';

type ContainerEntry = Extract<GraphEntry, { kind: 'container' }>;

/** A receptive field as the sidebar shows it: its size text and its share of the input (for a bar). */
function rfCells(rf: LayerReport['rf'], extent: number | null): { rf: string; rfFraction: number | null } {
  const size = rf && rf !== 'global' ? Math.max(...rf.axes.map((a) => a.size)) : null;
  return {
    rf: rf === null ? '-' : rf === 'global' ? 'global' : rf.axes.map((a) => formatRfNumber(a.size)).join('x'),
    rfFraction: rf === 'global' ? 1 : size !== null && extent ? Math.min(1, size / extent) : null,
  };
}

/** The model input's shape with its channels last, so that its spatial axes are `slice(1, -1)`. */
function inputChannelsLast(m: ModelReport): Shape | null {
  const input = m.graph.inputs[0]?.shape ?? null;
  if (!input || input.length < 3) return input;
  return inputDataFormat(m.graph) === 'channels_first' ? [input[0], ...input.slice(2), input[1]] : input;
}

/**
 * Rows made for earlier summaries, by report. A report is reused by the next analysis only for a
 * call the edit did not re-trace: one before the edit, or one after it that the trace's cut-off
 * took over, which moved with the text after the edit. The row is that report's unless the
 * model's input extent (the RF bar) or its group changed; one that moved is the same row at its
 * new line and column.
 */
const rowMemo = new WeakMap<LayerReport, { extent: number | null; group: string | null; from: number; row: SummaryRow }>();

export function summarize(text: string, analysis: Analysis): SummaryModel[] {
  const lines = new LineIndex(text);
  const at = (offset: number) => {
    const pos = lines.position(offset);
    return { line: pos.line - 1, column: pos.column - 1 };
  };
  return analysis.models.map((m) => {
    const input = inputChannelsLast(m);
    const extent = input && input.length >= 3 ? Math.max(...(input.slice(1, -1).filter((d) => d !== null) as number[]), 1) : null;
    // A diagram node's figures, the same for a layer row and a group. Built field by field: a
    // spread in the middle of an object literal copies through V8's slow path, which made the
    // summary of a 1000-layer model ~5x slower (it is rebuilt on every keystroke).
    const figures = (from: number, shape: LayerReport['outputShape'], params: number | null, macs: number | null, rf: LayerReport['rf']): NodeFigures => {
      const { line, column } = at(from);
      const { rf: rfText, rfFraction } = rfCells(rf, extent);
      return { line, column, outputShape: formatShapeText(shape), params: params === null ? '?' : formatCount(params), macs: formatMacs(macs), rf: rfText, rfFraction };
    };
    const groups: SummaryGroup[] = [];
    // Nested models and custom layers (a backbone, say): one group each, with Keras' totals from the
    // entry report; a layer belongs to the innermost one holding it.
    const containerOf = new Map<LayerInstance, string>();
    const walk = (graphEntries: GraphEntry[], reports: EntryReport[], parent: string | null) => {
      graphEntries.forEach((e, i) => {
        if (e.kind !== 'container') return;
        const r = reports[i];
        const p = r.params;
        groups.push({
          name: e.name,
          type: `${e.className} · ${formatCount(r.layerCount)} layer${r.layerCount === 1 ? '' : 's'}`,
          container: true,
          parent,
          ...figures(e.span.from, r.outputShape, p ? p.trainable + p.nonTrainable : null, r.macs, r.rf),
        });
        for (const c of (e as ContainerEntry).calls) containerOf.set(c.layer, e.name);
        walk(e.entries, r.entries ?? [], e.name);
      });
    };
    walk(m.graph.entries ?? [], m.entries, null);
    // Helper calls that enclose other helper calls are builders, not blocks.
    const enclosing = new Set<string>();
    for (const l of m.layers) for (let k = 0; k < l.layer.scope.length - 1; k++) enclosing.add(l.layer.scope[k]);
    const blockOf = (l: LayerInstance) => (l.scope.length && !enclosing.has(l.scope[l.scope.length - 1]) ? l.scope[l.scope.length - 1] : null);
    const rows = m.layers.map((l): SummaryRow => {
      const group = containerOf.get(l.layer) ?? blockOf(l.layer);
      const known = rowMemo.get(l);
      if (known && known.extent === extent && known.group === group) {
        const from = l.layer.span.from;
        if (known.from !== from) {
          const { line, column } = at(from);
          known.from = from;
          if (known.row.line !== line || known.row.column !== column) known.row = { ...known.row, line, column };
        }
        return known.row;
      }
      const row = summaryRow(l, group);
      rowMemo.set(l, { extent, group, from: l.layer.span.from, row });
      return row;
    });
    function summaryRow(l: LayerReport, group: string | null): SummaryRow {
      const best = l.savings?.alternatives[0];
      const f = figures(l.layer.span.from, l.outputShape, l.params ? l.params.trainable + l.params.nonTrainable : null, l.macs, l.rf);
      return {
        name: l.layer.name,
        type: l.layer.type,
        family: l.layer.kernel?.family ?? 'unknown',
        line: f.line,
        column: f.column,
        outputShape: f.outputShape,
        params: f.params,
        macs: f.macs,
        rf: f.rf,
        rfFraction: f.rfFraction,
        savings: best && l.savings ? `-${Math.round((1 - best.params / l.savings.params) * 100)}% as SeparableConv2D` : null,
        inbound: l.inbound,
        group,
      };
    }
    // Helper blocks: their totals summed here (the webview sums nothing), shape and RF of their last layer.
    const blocks = new Map<string, LayerReport[]>();
    for (const l of m.layers) {
      if (containerOf.has(l.layer)) continue;
      const block = blockOf(l.layer);
      if (!block) continue;
      const members = blocks.get(block);
      if (members) members.push(l);
      else blocks.set(block, [l]);
    }
    for (const [name, members] of blocks) {
      const last = members[members.length - 1];
      const sum = (f: (l: LayerReport) => number | null) => members.reduce<number | null>((s, l) => (s === null || f(l) === null ? null : s + f(l)!), 0);
      const params = sum((l) => (l.params ? l.params.trainable + l.params.nonTrainable : null));
      groups.push({
        name,
        type: `${name.split('#')[0]}() · ${members.length} layers`,
        container: false,
        parent: null,
        ...figures(members[0].layer.span.from, last.outputShape, params, sum((l) => l.macs), last.rf),
      });
    }
    return {
      key: m.key,
      name: m.graph.name,
      variable: m.graph.variable,
      line: lines.position(m.graph.span.from).line - 1,
      rows,
      groups,
      totals: {
        params: formatCount(m.totals.params),
        trainable: formatCount(m.totals.trainableParams),
        nonTrainable: formatCount(m.totals.nonTrainableParams),
        macs: formatMacs(m.totals.macs),
      },
    };
  });
}
