/** The hover for a layer: shape, params, MACs, receptive field, cheaper alternatives, what it is. */
import type { Analysis, LayerReport, ModelReport } from '../analysis/analyze';
import type { Savings } from '../analysis/savings';
import type { Shape } from '../../../kernels/types';
import type { Span } from '../source';
import { containerAt, layerAt, tensorAt, type LocatedTensor } from './locate';
import type { EntryReport } from '../analysis/entries';
import { formatCount, formatMacs, formatRfNumber, formatShapeText, percent } from '../analysis/format';
import { callsOfLine, type LineCalls } from './line_calls';
import { mdCode, mdText } from './markdown';

function rfLine(l: { rf: LayerReport['rf'] }): string {
  if (l.rf === null) return 'unknown';
  if (l.rf === 'global') return 'the whole input (global)';
  const a = l.rf.axes;
  return `${a.map((x) => formatRfNumber(x.size)).join(' x ')} px, stride ${a.map((x) => formatRfNumber(x.stride)).join(' x ')}, padding ${a.map((x) => formatRfNumber(x.padding)).join(' x ')}`;
}

function savingsRows(s: Savings, tail: string): string[] {
  return s.alternatives.map((alt) => {
    const name = alt.kind === 'SeparableConv2D' ? 'As SeparableConv2D' : 'As DepthwiseConv2D + 1x1 Conv2D';
    const macs = alt.macs !== null && s.macs !== null ? `, ${formatMacs(alt.macs)} MACs (-${percent(s.macs - alt.macs, s.macs)})` : '';
    return `| ${name} | ${formatCount(alt.params)} params (-${percent(s.params - alt.params, s.params)})${macs}, ${tail} |`;
  });
}

/** Markdown (VS Code's MarkdownString syntax) for one layer. */
export function layerHover(l: LayerReport, model: ModelReport): string {
  const p = l.params;
  const lines = [
    `**${mdText(l.layer.name)}** ${mdCode(l.layer.type)} in model ${mdCode(model.graph.name)}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Output shape | \`${formatShapeText(l.outputShape)}\` |`,
    `| Params | ${p ? `${formatCount(p.trainable + p.nonTrainable)} (${formatCount(p.trainable)} trainable, ${formatCount(p.nonTrainable)} non-trainable)` : 'unknown'} |`,
    `| MACs | ${l.macs === null ? 'unknown' : `${formatMacs(l.macs)} (${formatMacs(l.macs * 2)} FLOPs)`} |`,
    `| Receptive field | ${rfLine(l)} |`,
  ];
  if (l.savings) lines.push(...savingsRows(l.savings, 'same receptive field'));
  const kernel = l.layer.kernel;
  if (kernel) lines.push('', `${kernel.description} [Keras docs](${kernel.docUrl})`);
  else lines.push('', `ConvLens does not model ${mdCode(l.layer.type)} yet.`);
  return lines.join('\n');
}

/** Markdown for a nested model or custom layer (a keras.applications backbone, say) as one entry. */
export function containerHover(e: EntryReport, model: ModelReport): string {
  const p = e.params;
  return [
    `**${mdText(e.name)}** ${mdCode(e.type)} in model ${mdCode(model.graph.name)} (${formatCount(e.layerCount)} layer${e.layerCount === 1 ? '' : 's'})`,
    '',
    `| | |`,
    `|---|---|`,
    `| Output shape | \`${formatShapeText(e.outputShape)}\` |`,
    `| Params | ${p ? `${formatCount(p.trainable + p.nonTrainable)} (${formatCount(p.trainable)} trainable, ${formatCount(p.nonTrainable)} non-trainable)` : 'unknown'} |`,
    `| MACs | ${e.macs === null ? 'unknown' : `${formatMacs(e.macs)} (${formatMacs(e.macs * 2)} FLOPs)`} |`,
    `| Receptive field | ${rfLine(e)} |`,
    '',
    'One entry of the model, as Keras lists it; one node in the diagram, which expands into its layers on click.',
  ].join('\n');
}

/** Markdown for a variable that holds a Keras tensor. */
export function tensorHover(t: LocatedTensor): string {
  const lines = [`**${mdText(t.name.name)}**: KerasTensor \`${formatShapeText(t.name.tensor.shape)}\``];
  const p = t.producer;
  if (p) {
    lines.push('', `Output of **${mdText(p.layer.layer.name)}** ${mdCode(p.layer.layer.type)} in model ${mdCode(p.model.graph.name)}`);
    // The layer's receptive field is its first call's; shared layers called elsewhere may differ.
    if (p.layer.call.output === t.name.tensor) lines.push('', `Receptive field: ${rfLine(p.layer)}`);
  }
  if (t.name.times > 1) lines.push('', `_This line ran ${t.name.times} times (a loop or a helper called several times); the last tensor is shown._`);
  return lines.join('\n');
}

/** Rows listed in a per-call table; the rest are named in one line (a hover must stay readable). */
export const MAX_CALL_ROWS = 12;

/** A shape without its batch axis, compact: `128×128×32` (the card says so under the table). */
function unbatched(shape: Shape | null): string {
  if (!shape) return '?';
  const dims = shape.length > 1 ? shape.slice(1) : shape;
  return dims.map((d) => (d === null ? 'None' : formatCount(d))).join('×');
}

function rfCell(rf: LayerReport['rf']): string {
  return rf === null ? '?' : rf === 'global' ? 'global' : rf.axes.map((a) => formatRfNumber(a.size)).join('x');
}

/** Markdown for a source line that made several layers or calls: one table row per call, with totals. */
export function lineCallsHover(calls: LineCalls): string {
  const { rows, totals, model } = calls;
  const distinct = calls.layers.length;
  const what = distinct === rows.length ? `${rows.length} layers` : `${distinct} layer${distinct === 1 ? '' : 's'}, ${rows.length} calls`;
  const lines = [
    `**${mdText(calls.type)}** on this line: ${what} in model ${mdCode(model.graph.name)} (a helper function called several times, or a loop)`,
    '',
    '| Layer | Input | Output | Params | RF |',
    '|---|---|---|--:|---|',
  ];
  for (const r of rows.slice(0, MAX_CALL_ROWS)) {
    lines.push(`| ${mdText(r.name)} | ${unbatched(r.input)} | ${unbatched(r.output)} | ${r.repeatCall ? 'shared' : r.params === null ? '?' : formatCount(r.params)} | ${rfCell(r.rf)} |`);
  }
  const rest = rows.slice(MAX_CALL_ROWS);
  if (rest.length) lines.push(`| _and ${rest.length} more_ | | | | |`);
  lines.push(`| **Total** | | | **${totals.params === null ? '?' : formatCount(totals.params)}** | |`);
  // The rest named below the table: a long first cell would widen the whole table.
  if (rest.length) lines.push('', `The other ${rest.length}: ${rest.map((r) => mdText(r.name)).join(', ')}.`);
  lines.push('', `Shapes without the batch axis. MACs of all ${rows.length} calls: ${totals.macs === null ? 'unknown' : `${formatMacs(totals.macs)} (${formatMacs(totals.macs * 2)} FLOPs)`}.`);
  if (calls.savings) {
    lines.push('', '| Cheaper, for all of them | |', '|---|---|', ...savingsRows(calls.savings, 'same receptive fields'));
  }
  const kernel = calls.layers[0]?.layer.kernel;
  if (kernel) lines.push('', `${kernel.description} [Keras docs](${kernel.docUrl})`);
  return lines.join('\n');
}

/** The hover at an offset: a tensor variable, a backbone entry, or a layer (every call of its line). */
export function hoverAt(analysis: Analysis, offset: number): { markdown: string; span: Span } | null {
  // A variable holding a tensor is more specific than the layer call around it.
  const tensor = tensorAt(analysis, offset);
  if (tensor) return { markdown: tensorHover(tensor), span: tensor.name };
  const found = layerAt(analysis, offset);
  // A backbone or nested model: its call or construction shows the whole entry.
  const container = containerAt(analysis, offset);
  const foundWidth = found ? found.layer.call.span.to - found.layer.call.span.from : Infinity;
  if (container && container.span.to - container.span.from <= foundWidth) return { markdown: containerHover(container.entry, container.model), span: container.span };
  if (!found) return null;
  const calls = callsOfLine(found.model, found.layer);
  const markdown = calls.rows.length > 1 ? lineCallsHover(calls) : layerHover(found.layer, found.model);
  return { markdown, span: found.layer.call.span };
}
