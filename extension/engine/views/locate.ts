/** Finding what the cursor is on: the innermost layer call or construction covering an offset. */
import type { Analysis, LayerReport, ModelReport } from '../analysis/analyze';
import type { EntryReport } from '../analysis/entries';
import type { Span } from '../source';
import type { TensorName } from '../trace/context';

export interface Located {
  model: ModelReport;
  layer: LayerReport;
}

export function layerAt(analysis: Analysis, offset: number): Located | null {
  let best: (Located & { width: number }) | null = null;
  const consider = (model: ModelReport, layer: LayerReport, span: Span) => {
    if (offset < span.from || offset > span.to) return;
    const width = span.to - span.from;
    if (!best || width < best.width) best = { model, layer, width };
  };
  // Asked at every keystroke (status bar, sidebar, code actions): the two spans read in place.
  for (const model of analysis.models) {
    for (const layer of model.layers) {
      consider(model, layer, layer.call.span);
      consider(model, layer, layer.layer.span);
    }
  }
  const found = best as (Located & { width: number }) | null;
  return found && { model: found.model, layer: found.layer };
}

export interface LocatedEntry {
  model: ModelReport;
  entry: EntryReport;
  /** The span of the construction or application under the offset. */
  span: Span;
}

/** A nested model or custom layer (a backbone) whose construction or application covers the offset. */
export function containerAt(analysis: Analysis, offset: number): LocatedEntry | null {
  let best: LocatedEntry | null = null;
  const visit = (model: ModelReport, entries: EntryReport[]) => {
    for (const entry of entries) {
      if (!entry.entries) continue;
      for (const span of [entry.span, ...entry.callSpans]) {
        if (offset < span.from || offset > span.to) continue;
        if (!best || span.to - span.from < best.span.to - best.span.from) best = { model, entry, span };
      }
      visit(model, entry.entries);
    }
  };
  for (const model of analysis.models) visit(model, model.entries);
  return best;
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

export interface LocatedTensor {
  name: TensorName;
  /** The layer that produced the tensor, and its model, when the tensor belongs to a model. */
  producer: Located | null;
}

/** A variable holding a Keras tensor under the cursor (`x` in `x = conv(x)`). */
export function tensorAt(analysis: Analysis, offset: number): LocatedTensor | null {
  const name = analysis.tensorNames.find((t) => offset >= t.from && offset <= t.to);
  if (!name) return null;
  const call = name.tensor.producer;
  for (const model of analysis.models) {
    const layer = call && model.layers.find((l) => l.layer === call.layer);
    if (layer) return { name, producer: { model, layer } };
  }
  return { name, producer: null };
}
