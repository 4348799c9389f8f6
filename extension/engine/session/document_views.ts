/**
 * What the editor's providers show, computed from one analysis as plain JSON (the editor turns it
 * into its own types). The computations themselves stay in views/ and rewrites/.
 */
import type { Analysis, LayerReport } from '../analysis/analyze';
import { chooseModel } from '../analysis/model_choice';
import { formatCount, formatMacs, percent } from '../analysis/format';
import { fixCheckerboard, fixGridding, toDepthwisePointwise, toSeparable } from '../rewrites/code_actions';
import type { TextEdit } from '../parse';
import { hoverAt as hoverText } from '../views/hover_text';
import { layerAt, modelAt } from '../views/locate';
import { shapeHints } from '../views/shape_hints';
import { summarize } from '../views/summary';
import type { AnalysisRequest, AnalysisRequests, DocumentViews, ViewCodeAction, ViewDiagnostic, ViewHover, ViewModel } from './protocol';

export function documentViews(analysis: Analysis): DocumentViews {
  return {
    diagnostics: analysis.diagnostics.map((d) => ({ from: d.from, to: d.to, severity: d.severity, code: d.code, message: d.message })),
    inlayHints: shapeHints(analysis).map((h) => ({ offset: h.offset, label: h.label, tooltip: h.tooltip })),
    codeLenses: analysis.models.map((m) => ({
      offset: m.graph.span.from,
      model: m.key,
      totals: `${m.graph.name}: ${formatCount(m.totals.params)} params · ${formatMacs(m.totals.macs)} MACs`,
    })),
  };
}

/** Hover on a layer (every call of its line), a backbone or nested model, or a tensor variable. */
export function hoverAt(analysis: Analysis, offset: number): ViewHover | null {
  const found = hoverText(analysis, offset);
  return found && { markdown: found.markdown, from: found.span.from, to: found.span.to };
}

function modelView(analysis: Analysis, offset: number | null): ViewModel | null {
  const model = offset === null ? chooseModel(analysis) : modelAt(analysis, offset);
  if (!model) return null;
  return {
    key: model.key,
    name: model.graph.name,
    status: `${model.graph.name}: ${formatCount(model.totals.params)} params · ${formatMacs(model.totals.macs)} MACs`,
    tooltip: `ConvLens: ${formatCount(model.totals.trainableParams)} trainable, ${formatCount(model.totals.nonTrainableParams)} non-trainable parameters`,
  };
}

function layerOfDiagnostic(analysis: Analysis, d: ViewDiagnostic): LayerReport | undefined {
  for (const m of analysis.models) {
    for (const l of m.layers) if (l.call.span.from === d.from || l.layer.span.from === d.from) return l;
  }
  return undefined;
}

/** Cheaper convolutions, gridding-free dilation rates, checkerboard-free kernels. */
export function codeActions(text: string, analysis: Analysis, offset: number, diagnostics: ViewDiagnostic[]): ViewCodeAction[] {
  const out: ViewCodeAction[] = [];
  const push = (title: string, kind: ViewCodeAction['kind'], edits: TextEdit[] | null, fixes: number[], preferred = false) => {
    if (edits) out.push({ title, kind, edits, fixes, preferred });
  };
  const here = layerAt(analysis, offset);
  if (here?.layer.savings) {
    const s = here.layer.savings;
    const related = diagnostics.flatMap((d, i) => (d.code === 'savings-separable' ? [i] : []));
    const kind = related.length ? 'quickfix' : 'rewrite';
    const [sep, dw] = s.alternatives;
    push(`Replace with SeparableConv2D (-${percent(s.params - sep.params, s.params)} params, same receptive field)`, kind, toSeparable(text, here.layer), related, true);
    push(`Replace with DepthwiseConv2D + 1x1 Conv2D (-${percent(s.params - dw.params, s.params)} params)`, kind, toDepthwisePointwise(text, here.layer), related);
  }
  diagnostics.forEach((d, i) => {
    const l = layerOfDiagnostic(analysis, d);
    if (!l) return;
    if (d.code === 'gridding') {
      const factor = Number(/share the factor (\d+)/.exec(d.message)?.[1] ?? 0);
      if (factor > 1) push(`Use a dilation rate without the factor ${factor} (avoids gridding)`, 'quickfix', fixGridding(text, l, factor), [i], true);
    } else if (d.code === 'checkerboard') {
      push('Make the kernel size divisible by the stride (avoids checkerboard artifacts)', 'quickfix', fixCheckerboard(text, l), [i], true);
    }
  });
  return out;
}

/** Answers one provider request about an analysed version. */
export function answer(text: string, analysis: Analysis, request: AnalysisRequest): AnalysisRequests[typeof request.kind]['result'] {
  switch (request.kind) {
    case 'hover':
      return hoverAt(analysis, request.args.offset);
    case 'model':
      return modelView(analysis, request.args.offset);
    case 'layer': {
      const found = layerAt(analysis, request.args.offset);
      return found ? { model: found.model.key, layer: found.layer.layer.name } : null;
    }
    case 'summary':
      return summarize(text, analysis);
    case 'codeActions':
      return codeActions(text, analysis, request.args.offset, request.args.diagnostics);
  }
}
