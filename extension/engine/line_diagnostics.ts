/**
 * One diagnostic per source line and finding: a layer built in a helper function called 9 times
 * (or in a loop) is reported once, not once per call, with the savings summed over its layers.
 */
import type { LayerReport, ModelReport } from './analysis/reports';
import { formatCount, formatMacs, percent } from './analysis/format';
import type { Savings } from './analysis/savings';
import type { Diagnostic } from './diagnostics';
import { LineIndex } from './source';

/** Design advice and savings: the same finding repeats on every call of a line. Errors stay per call. */
export const MERGED_CODES = new Set(['savings-separable', 'gridding', 'checkerboard', 'rf-misaligned', 'rf-too-small']);

/** Sums the alternatives of several layers (same kinds, same order: one rule made them all). */
export function sumSavings(list: Savings[]): Savings | null {
  if (!list.length) return null;
  const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  // One accumulator (a line in a helper's body may hold a thousand layers).
  const sum: Savings = { ...list[0], alternatives: list[0].alternatives.map((a) => ({ ...a })) };
  for (let k = 1; k < list.length; k++) {
    const s = list[k];
    sum.params += s.params;
    sum.macs = add(sum.macs, s.macs);
    sum.alternatives.forEach((alt, i) => {
      alt.params += s.alternatives[i]?.params ?? 0;
      alt.macs = add(alt.macs, s.alternatives[i]?.macs ?? null);
    });
  }
  return sum;
}

/** Whether a layer's savings are worth telling (the rule of the savings diagnostic). */
export function worthSaving(s: Savings | null): s is Savings {
  return !!s && s.alternatives.length > 0 && s.alternatives[0].params < s.params;
}

function savingsMessage(layers: LayerReport[], s: Savings): string {
  const names = layers.length > 3 ? `${layers[0].layer.name}, ${layers[1].layer.name} … ${layers[layers.length - 1].layer.name}` : layers.map((l) => l.layer.name).join(', ');
  const macsPart = (alt: { macs: number | null }) => (alt.macs === null || s.macs === null ? '' : `, ${formatMacs(alt.macs)} MACs (-${percent(s.macs - alt.macs, s.macs)})`);
  const alternatives = s.alternatives.map((alt) => `${alt.kind === 'SeparableConv2D' ? 'as SeparableConv2D' : 'as DepthwiseConv2D + 1x1 Conv2D'}: ${formatCount(alt.params)} params (-${percent(s.params - alt.params, s.params)})${macsPart(alt)}`);
  const first = alternatives.shift()!;
  return `${layers.length} ${layers[0].layer.type} layers from this line (${names}): ${formatCount(s.params)} params${s.macs === null ? '' : `, ${formatMacs(s.macs)} MACs`} in all. ${first[0].toUpperCase()}${first.slice(1)}${alternatives.length ? `; ${alternatives.join('; ')}` : ''}. Same receptive fields. Hover the line for each call.`;
}

/**
 * Whether two diagnostics that would merge share a line (`diagnostics` sorted by start). Most files
 * have none, and this looks at each diagnostic's own line only, not at the whole text.
 */
function sharesLine(text: string, diagnostics: Diagnostic[]): boolean {
  let lineEnd = -1;
  // The findings on the current line: a list reused, and counted (emptying it would free its storage).
  const onLine: Diagnostic[] = [];
  let count = 0;
  for (const d of diagnostics) {
    if (!MERGED_CODES.has(d.code) || d.severity === 'error') continue;
    if (d.from > lineEnd) {
      const end = text.indexOf('\n', d.from);
      lineEnd = end < 0 ? text.length : end;
      count = 0;
    } else {
      for (let i = 0; i < count; i++) if (onLine[i].code === d.code && onLine[i].severity === d.severity) return true;
    }
    onLine[count++] = d;
  }
  return false;
}

/** The layers whose savings are worth telling. */
function layersAdvised(models: ModelReport[]): LayerReport[] {
  const worth = (l: LayerReport) => !l.layer.application && worthSaving(l.savings);
  if (models.length === 1) return models[0].layers.filter(worth);
  // A layer in two models (a sub-model and the whole) is one layer: its diagnostic was made once.
  return [...new Map(models.flatMap((m) => m.layers).filter(worth).map((l) => [l.layer, l])).values()];
}

/**
 * Merges design and savings diagnostics of the same code on the same line into one. Savings are
 * summed over the line's layers; other findings keep the first message and count the rest.
 */
export function mergeLineDiagnostics(text: string, diagnostics: Diagnostic[], models: ModelReport[]): Diagnostic[] {
  if (!sharesLine(text, diagnostics)) return diagnostics;
  const lines = new LineIndex(text);
  const groups = new Map<string, Diagnostic[]>();
  const out: (Diagnostic | Diagnostic[])[] = [];
  for (const d of diagnostics) {
    if (!MERGED_CODES.has(d.code) || d.severity === 'error') {
      out.push(d);
      continue;
    }
    const key = `${lines.position(d.from).line}:${d.code}:${d.severity}`;
    const group = groups.get(key);
    if (group) group.push(d);
    else {
      const fresh = [d];
      groups.set(key, fresh);
      out.push(fresh);
    }
  }
  // The layers told of savings, listed once (only when a line has several) for all such lines.
  let advised: LayerReport[] | null = null;
  const layersOnLine = (line: number) => {
    advised ??= layersAdvised(models);
    const from = lines.lineStart(line);
    const to = line < lines.lineCount() ? lines.lineStart(line + 1) : Infinity;
    return advised.filter((l) => l.call.span.from >= from && l.call.span.from < to);
  };
  return out.map((item) => {
    if (!Array.isArray(item)) return item;
    if (item.length === 1) return item[0];
    const first = item[0];
    const span = { from: Math.min(...item.map((d) => d.from)), to: Math.max(...item.map((d) => d.to)) };
    if (first.code === 'savings-separable') {
      const layers = layersOnLine(lines.position(first.from).line);
      const sum = sumSavings(layers.map((l) => l.savings!));
      if (sum && layers.length === item.length) return { ...first, ...span, message: savingsMessage(layers, sum) };
    }
    return { ...first, ...span, message: `${first.message} (The same on ${item.length - 1} more call${item.length > 2 ? 's' : ''} of this line; hover it for each.)` };
  });
}
