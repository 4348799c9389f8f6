/** The hover for a layer: shape, params, MACs, receptive field, cheaper alternatives, what it is. */
import type { LayerReport, ModelReport } from '../analysis/analyze';
import type { LocatedTensor } from './locate';
import type { EntryReport } from '../analysis/entries';
import { formatCount, formatMacs, formatRfNumber, formatShapeText, percent } from '../analysis/format';

function rfLine(l: { rf: LayerReport['rf'] }): string {
  if (l.rf === null) return 'unknown';
  if (l.rf === 'global') return 'the whole input (global)';
  const a = l.rf.axes;
  return `${a.map((x) => formatRfNumber(x.size)).join(' x ')} px, stride ${a.map((x) => formatRfNumber(x.stride)).join(' x ')}, padding ${a.map((x) => formatRfNumber(x.padding)).join(' x ')}`;
}

/** Markdown (VS Code's MarkdownString syntax) for one layer. */
export function layerHover(l: LayerReport, model: ModelReport): string {
  const p = l.params;
  const lines = [
    `**${l.layer.name}** \`${l.layer.type}\` in model \`${model.graph.name}\``,
    '',
    `| | |`,
    `|---|---|`,
    `| Output shape | \`${formatShapeText(l.outputShape)}\` |`,
    `| Params | ${p ? `${formatCount(p.trainable + p.nonTrainable)} (${formatCount(p.trainable)} trainable, ${formatCount(p.nonTrainable)} non-trainable)` : 'unknown'} |`,
    `| MACs | ${l.macs === null ? 'unknown' : `${formatMacs(l.macs)} (${formatMacs(l.macs * 2)} FLOPs)`} |`,
    `| Receptive field | ${rfLine(l)} |`,
  ];
  if (l.savings) {
    const s = l.savings;
    for (const alt of s.alternatives) {
      const name = alt.kind === 'SeparableConv2D' ? 'As SeparableConv2D' : 'As DepthwiseConv2D + 1x1 Conv2D';
      const macs = alt.macs !== null && s.macs !== null ? `, ${formatMacs(alt.macs)} MACs (-${percent(s.macs - alt.macs, s.macs)})` : '';
      lines.push(`| ${name} | ${formatCount(alt.params)} params (-${percent(s.params - alt.params, s.params)})${macs}, same receptive field |`);
    }
  }
  const kernel = l.layer.kernel;
  if (kernel) lines.push('', `${kernel.description} [Keras docs](${kernel.docUrl})`);
  else lines.push('', `ConvLens does not model \`${l.layer.type}\` yet.`);
  return lines.join('\n');
}

/** Markdown for a nested model or custom layer (a keras.applications backbone, say) as one entry. */
export function containerHover(e: EntryReport, model: ModelReport): string {
  const p = e.params;
  return [
    `**${e.name}** \`${e.type}\` in model \`${model.graph.name}\` (${formatCount(e.layerCount)} layers)`,
    '',
    `| | |`,
    `|---|---|`,
    `| Output shape | \`${formatShapeText(e.outputShape)}\` |`,
    `| Params | ${p ? `${formatCount(p.trainable + p.nonTrainable)} (${formatCount(p.trainable)} trainable, ${formatCount(p.nonTrainable)} non-trainable)` : 'unknown'} |`,
    `| MACs | ${e.macs === null ? 'unknown' : `${formatMacs(e.macs)} (${formatMacs(e.macs * 2)} FLOPs)`} |`,
    `| Receptive field | ${rfLine(e)} |`,
    '',
    'One entry of the model, as Keras lists it; its layers are in the diagram (Group collapses them).',
  ].join('\n');
}

/** Markdown for a variable that holds a Keras tensor. */
export function tensorHover(t: LocatedTensor): string {
  const lines = [`**${t.name.name}**: KerasTensor \`${formatShapeText(t.name.tensor.shape)}\``];
  const p = t.producer;
  if (p) {
    lines.push('', `Output of **${p.layer.layer.name}** \`${p.layer.layer.type}\` in model \`${p.model.graph.name}\``);
    // The layer's receptive field is its first call's; shared layers called elsewhere may differ.
    if (p.layer.call.output === t.name.tensor) lines.push('', `Receptive field: ${rfLine(p.layer)}`);
  }
  if (t.name.times > 1) lines.push('', `_This line ran ${t.name.times} times (a loop or a helper called several times); the last tensor is shown._`);
  return lines.join('\n');
}
