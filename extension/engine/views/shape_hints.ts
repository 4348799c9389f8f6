/**
 * End-of-call shape hints. A call that runs several times (in a loop, or in a helper function
 * called several times) shows the range over its runs: `(None, 8..128, 8..128, 32..512)` means
 * the height went from 8 to 128 and the channels from 32 to 512 (axis by axis, so the extremes
 * need not come from the same run). Outputs of different ranks are listed: `(None, 4) | (None, 2, 2)`.
 */
import type { Shape } from '../../../kernels/types';
import { MAX_SOURCE_CHARS, type Analysis } from '../analysis/analyze';
import type { LayerCall } from '../graph';
import { formatShapeText, isExactCount } from '../analysis/format';

export interface ShapeHint {
  /** Where the call ends (the editor puts the hint at the end of that line). */
  offset: number;
  label: string;
  tooltip: string;
  /** How many times the call ran. */
  runs: number;
}

/** Distinct ranks listed at most this many: beyond, the hint would crowd the line. */
const MAX_RANKS = 3;

function dim(d: number | null): string {
  return d === null ? 'None' : isExactCount(d) ? String(d) : '?';
}

/** One text for the output shapes of every run of a call. */
export function shapeRange(shapes: (Shape | null)[]): string {
  const known = shapes.filter((s): s is Shape => s !== null);
  if (!known.length) return '?';
  const ranks = [...new Set(known.map((s) => s.length))];
  if (ranks.length > 1) {
    const distinct = [...new Set(known.map((s) => formatShapeText(s)))];
    return distinct.length > MAX_RANKS ? `${distinct.slice(0, MAX_RANKS).join(' | ')} | …` : distinct.join(' | ');
  }
  const axes = known[0].map((_, i) => {
    const values = known.map((s) => s[i]);
    if (values.every((v) => v === values[0])) return dim(values[0]);
    // A run where the axis was unknown leaves the range unknown.
    if (values.some((v) => v === null || !isExactCount(v))) return '?';
    const nums = values as number[];
    return `${Math.min(...nums)}..${Math.max(...nums)}`;
  });
  return `(${axes.join(', ')}${axes.length === 1 ? ',' : ''})`;
}

/** A call site: where it ends and what each of its runs was. */
interface Site {
  offset: number;
  first: LayerCall;
  names: string[];
  type: string;
  shapes: (Shape | null)[];
}

/**
 * A site as the calls meet it. Most sites run once: their one run is their first call's, and is
 * listed (`runs`) only when a second run or a keras.applications model comes (a keystroke in a
 * 1000-layer file meets a thousand sites).
 */
interface MetSite {
  /** Where its first call ends (its span's end). */
  offset: number;
  first: LayerCall;
  /** Null while the site is the one run of `first`, not a keras.applications model. */
  runs: Site | null;
}

function listedRuns(met: MetSite): Site {
  return met.runs ?? { offset: met.offset, first: met.first, names: [met.first.layer.name], type: met.first.layer.type, shapes: [met.first.output.shape] };
}

function addRun(met: MetSite, call: LayerCall): void {
  const site = (met.runs ??= listedRuns(met));
  if (call.layer.application) {
    // A keras.applications model built on this line: its layers are not runs of the line; show what it outputs.
    Object.assign(site, { names: [call.layer.application], type: 'keras.applications', shapes: [call.output.shape] });
    return;
  }
  site.names.push(call.layer.name);
  site.shapes.push(call.output.shape);
}

/** One number per span: every offset of an analysed text is at most MAX_SOURCE_CHARS. */
function spanKey(from: number, to: number): number {
  return from * (MAX_SOURCE_CHARS + 1) + to;
}

/**
 * Hints of earlier analyses by the site's first call. An incremental trace keeps the calls before
 * the edited statement and the ones its cut-off takes over after it (the same objects), so a
 * keystroke formats only the sites it changed; a memo is used only when the site's runs are what
 * it was made from. A site the edit moved keeps its text at its new offset.
 */
const memo = new WeakMap<LayerCall, { site: Site; hint: ShapeHint }>();

/** Whether the site's runs are the ones a hint was made from (wherever they are). */
function sameRuns(a: Site, met: MetSite): boolean {
  const b = met.runs;
  if (!b) {
    const { layer, output } = met.first;
    return a.type === layer.type && a.names.length === 1 && a.names[0] === layer.name && sameShape(a.shapes[0], output.shape);
  }
  if (a.type !== b.type || a.names.length !== b.names.length) return false;
  for (let i = 0; i < a.names.length; i++) if (a.names[i] !== b.names[i] || !sameShape(a.shapes[i], b.shapes[i])) return false;
  return true;
}

function sameShape(a: Shape | null, b: Shape | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hintOf(s: Site): ShapeHint {
  const label = shapeRange(s.shapes);
  const runs = s.shapes.length;
  const tooltip = runs === 1
    ? `${s.names[0]} (${s.type}) output shape`
    : `${s.type} output shapes over ${runs} runs (${s.names[0]} … ${s.names[runs - 1]}): ${[...new Set(s.shapes.map(formatShapeText))].join(', ')}`;
  return { offset: s.offset, label, tooltip, runs };
}

/** One hint per call site (every model, every run), in source order. */
export function shapeHints(analysis: Analysis): ShapeHint[] {
  // Sites by where they start (a small integer key); a second site starting at the same place (an
  // operation on a call's result) by its whole span.
  const byStart = new Map<number, MetSite>();
  let bySpan: Map<number, MetSite> | null = null;
  const met: MetSite[] = [];
  // Sites met in source order need no sorting (one model's calls usually are).
  let inOrder = true;
  let lastOffset = -1;
  for (const model of analysis.models) {
    for (const call of model.graph.calls) {
      if (call.layer.kernel?.family === 'input') continue;
      const { from, to } = call.span;
      let site = byStart.get(from);
      if (site && site.offset !== to) site = bySpan?.get(spanKey(from, to));
      if (site) {
        addRun(site, call);
        continue;
      }
      site = { offset: to, first: call, runs: null };
      if (!byStart.has(from)) byStart.set(from, site);
      else (bySpan ??= new Map()).set(spanKey(from, to), site);
      if (call.layer.application) addRun(site, call);
      met.push(site);
      if (site.offset < lastOffset) inOrder = false;
      lastOffset = site.offset;
    }
  }
  if (!inOrder) met.sort((a, b) => a.offset - b.offset);
  return met.map((s) => {
    const known = memo.get(s.first);
    if (known && sameRuns(known.site, s)) {
      if (known.site.offset !== s.offset) {
        known.site.offset = s.offset;
        known.hint = { ...known.hint, offset: s.offset };
      }
      return known.hint;
    }
    const runs = listedRuns(s);
    const hint = hintOf(runs);
    // Shapes are copied: the memo must not see a later trace's changes to the same arrays.
    memo.set(s.first, { site: { ...runs, names: [...runs.names], shapes: runs.shapes.map((x) => x && [...x]) }, hint });
    return hint;
  });
}
