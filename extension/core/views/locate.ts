/** Finding what the cursor is on: the innermost layer call or construction covering an offset. */
import type { Analysis, LayerReport, ModelReport } from '../analysis/analyze';

export interface Located {
  model: ModelReport;
  layer: LayerReport;
}

export function layerAt(analysis: Analysis, offset: number): Located | null {
  let best: (Located & { width: number }) | null = null;
  for (const model of analysis.models) {
    for (const layer of model.layers) {
      for (const span of [layer.call.span, layer.layer.span]) {
        if (offset < span.from || offset > span.to) continue;
        const width = span.to - span.from;
        if (!best || width < best.width) best = { model, layer, width };
      }
    }
  }
  return best && { model: best.model, layer: best.layer };
}

/** The model whose layers are nearest the offset (for the status bar and the sidebar). */
export function modelAt(analysis: Analysis, offset: number): ModelReport | null {
  const here = layerAt(analysis, offset);
  if (here) return here.model;
  let best: { model: ModelReport; distance: number } | null = null;
  for (const model of analysis.models) {
    const spans = [model.graph.span, ...model.layers.map((l) => l.layer.span)];
    const distance = Math.min(...spans.map((s) => (offset < s.from ? s.from - offset : offset > s.to ? offset - s.to : 0)));
    if (!best || distance < best.distance) best = { model, distance };
  }
  return best?.model ?? null;
}
