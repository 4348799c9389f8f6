/** Plain-JSON view models for the sidebar (the webview never computes Keras math). */
import type { Analysis } from '../analysis/analyze';
import type { LayerInstance } from '../graph';
import { formatCount, formatMacs, formatRfNumber, formatShapeText } from '../analysis/format';
import { LineIndex } from '../source';
import type { SummaryModel, SummaryRow } from '../../../webview/messages';

export type { SummaryModel, SummaryRow } from '../../../webview/messages';

export function summarize(text: string, analysis: Analysis): SummaryModel[] {
  const lines = new LineIndex(text);
  return analysis.models.map((m) => {
    // Helper calls that enclose other helper calls are builders, not blocks.
    const enclosing = new Set(m.layers.flatMap((l) => l.layer.scope.slice(0, -1)));
    // A nested model or custom layer (a backbone, say) is one group: its layers collapse into it.
    const container = new Map<LayerInstance, { name: string; className: string }>();
    for (const e of m.graph.entries ?? []) if (e.kind === 'container') for (const c of e.calls) container.set(c.layer, { name: e.name, className: e.className });
    const input = m.graph.inputs[0]?.shape;
    const extent = input && input.length >= 3 ? Math.max(...(input.slice(1, -1).filter((d) => d !== null) as number[]), 1) : null;
    return {
      key: m.key,
      name: m.graph.name,
      variable: m.graph.variable,
      line: lines.position(m.graph.span.from).line - 1,
      rows: m.layers.map((l) => {
        const pos = lines.position(l.layer.span.from);
        const rf = l.rf;
        const size = rf && rf !== 'global' ? Math.max(...rf.axes.map((a) => a.size)) : null;
        const best = l.savings?.alternatives[0];
        return {
          name: l.layer.name,
          type: l.layer.type,
          family: l.layer.kernel?.family ?? 'unknown',
          line: pos.line - 1,
          column: pos.column - 1,
          outputShape: formatShapeText(l.outputShape),
          params: l.params ? formatCount(l.params.trainable + l.params.nonTrainable) : '?',
          macs: formatMacs(l.macs),
          rf: rf === null ? '-' : rf === 'global' ? 'global' : rf.axes.map((a) => formatRfNumber(a.size)).join('x'),
          rfFraction: rf === 'global' ? 1 : size !== null && extent ? Math.min(1, size / extent) : null,
          savings: best && l.savings ? `-${Math.round((1 - best.params / l.savings.params) * 100)}% as SeparableConv2D` : null,
          inbound: l.inbound,
          group: container.get(l.layer)?.name ?? (l.layer.scope.length && !enclosing.has(l.layer.scope[l.layer.scope.length - 1]) ? l.layer.scope[l.layer.scope.length - 1] : null),
          ...(container.has(l.layer) ? { groupType: container.get(l.layer)!.className } : {}),
          paramsValue: l.params ? l.params.trainable + l.params.nonTrainable : 0,
        };
      }),
      totals: {
        params: formatCount(m.totals.params),
        trainable: formatCount(m.totals.trainableParams),
        nonTrainable: formatCount(m.totals.nonTrainableParams),
        macs: formatMacs(m.totals.macs),
      },
    };
  });
}
