/**
 * Differential checks: an analysis with the trace cache against one without it. Two analyses are
 * the same when their whole object graphs are (every field, ids, names, spans, and which objects
 * are shared), not just the report.
 */
import assert from 'node:assert/strict';
import { analyze, type Analysis, type AnalyzeOptions } from '../../extension/engine/analysis/analyze';
import { LayeredMap } from '../../extension/engine/analysis/layered_map';
import { TailMap } from '../../extension/engine/analysis/tail_memo';
import { analysisToJson } from '../../extension/engine/report/json';
import { setTraceCacheEnabled } from '../../extension/engine/trace/trace_cache';
import { containerHover, layerHover } from '../../extension/engine/views/hover_text';
import { summarize } from '../../extension/engine/views/summary';

/**
 * The object graph as text: objects numbered in the order a depth-first walk first meets them
 * (so sharing shows), keys sorted, functions by name, plain data by value.
 */
export function canonical(root: unknown): string {
  const ids = new Map<object, number>();
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'function') return void out.push(`fn:${v.name}`);
    if (v === null || typeof v !== 'object') return void out.push(typeof v === 'number' && Object.is(v, -0) ? '-0' : JSON.stringify(v) ?? 'undefined');
    // Plain data (shapes, configs, counts) by value: whether two layers share one default array is not a difference.
    if (isPlainData(v, 0)) return void out.push(dataText(v));
    const seen = ids.get(v);
    if (seen !== undefined) return void out.push(`@${seen}`);
    ids.set(v, ids.size);
    if (Array.isArray(v)) {
      out.push('[');
      v.forEach(walk);
      return void out.push(']');
    }
    // A map layered over a kept prefix's (analysis/layered_map.ts) or a taken tail's (tail_memo.ts) is compared as the one map it reads as.
    if (v instanceof LayeredMap || v instanceof TailMap) {
      out.push('Map{');
      for (const x of v.flatten().entries()) walk(x);
      return void out.push('}');
    }
    if (v instanceof Map || v instanceof Set) {
      out.push(v instanceof Map ? 'Map{' : 'Set{');
      for (const x of v instanceof Map ? v.entries() : v.values()) walk(x);
      return void out.push('}');
    }
    out.push('{');
    for (const k of Object.keys(v).sort()) {
      out.push(k);
      walk((v as Record<string, unknown>)[k]);
    }
    out.push('}');
  };
  walk(root);
  return out.join(' ');
}

function isPlainData(v: unknown, depth: number): boolean {
  if (v === null || typeof v !== 'object') return typeof v !== 'function';
  if (depth > 8 || (Object.getPrototypeOf(v) !== Object.prototype && !Array.isArray(v))) return false;
  return Object.values(v).every((x) => isPlainData(x, depth + 1));
}

function dataText(v: unknown): string {
  if (v === null || typeof v !== 'object') return typeof v === 'number' && Object.is(v, -0) ? '-0' : JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(dataText).join(' ')}]`;
  return `{${Object.keys(v).sort().map((k) => `${k} ${dataText((v as Record<string, unknown>)[k])}`).join(' ')}}`;
}

/** The first place two canonical texts differ, with some context. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}:\n  cached:   ...${a.slice(Math.max(0, i - 300), i + 200)}\n  uncached: ...${b.slice(Math.max(0, i - 300), i + 200)}`;
}

export function assertSameAnalysis(cached: Analysis, uncached: Analysis, text: string, what: string): void {
  const a = canonical(cached);
  const b = canonical(uncached);
  if (a !== b) assert.fail(`${what}: the analysis differs with the trace cache ${firstDifference(a, b)}`);
  assert.deepEqual(analysisToJson('f.py', text, cached), analysisToJson('f.py', text, uncached), what);
  // What the views make of it (they only read it: a frozen shape written to would throw here).
  const views = (a: Analysis) => ({
    summary: summarize(text, a),
    hovers: a.models.flatMap((m) => [...m.layers.map((l) => layerHover(l, m)), ...m.entries.filter((e) => e.entries).map((e) => containerHover(e, m))]),
  });
  assert.deepEqual(views(cached), views(uncached), what);
}

export function analyzeUncached(text: string, options?: AnalyzeOptions): Analysis {
  setTraceCacheEnabled(false);
  try {
    return analyze(text, options);
  } finally {
    setTraceCacheEnabled(true);
  }
}
