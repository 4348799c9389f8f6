/** A Keras-like summary table per model, plus diagnostics as file:line:col lines. */
import type { Analysis, ModelReport } from '../analysis/analyze';
import type { EntryReport } from '../analysis/entries';
import type { Rf } from '../analysis/receptive_field';
import { formatCount, formatMacs, formatRfNumber, formatShapeText } from '../analysis/format';
import { LineIndex } from '../source';

function rfText(l: { rf: Rf }): string {
  if (l.rf === null) return '-';
  if (l.rf === 'global') return 'global';
  const axes = l.rf.axes;
  return `${axes.map((a) => formatRfNumber(a.size)).join('x')} /${formatRfNumber(axes[0].stride)}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length);
}

/** One row per entry; a nested model's or custom layer's own entries follow it, indented. */
function entryRows(entries: EntryReport[], indent: string): string[][] {
  return entries.flatMap((e) => [
    [
      `${indent}${e.name} (${e.type})`,
      formatShapeText(e.outputShape),
      e.params ? formatCount(e.params.trainable + e.params.nonTrainable) : '?',
      formatMacs(e.macs),
      rfText(e),
    ],
    ...(e.entries ? entryRows(e.entries, `${indent}  `) : []),
  ]);
}

export function modelTable(m: ModelReport): string {
  const rows = entryRows(m.entries, '');
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'MACs', 'RF /stride'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const line = '─'.repeat(widths.reduce((a, b) => a + b, 0));
  const fmt = (r: string[]) => r.map((c, i) => pad(c, widths[i])).join('').trimEnd();
  const t = m.totals;
  return [
    `Model: "${m.graph.name}"${m.graph.variable ? ` (${m.graph.variable})` : ''} [${m.graph.kind}]`,
    line,
    fmt(header),
    line.replace(/─/g, '━'),
    ...rows.map(fmt),
    line,
    ` Total params: ${formatCount(t.params)}`,
    ` Trainable params: ${formatCount(t.trainableParams)}`,
    ` Non-trainable params: ${formatCount(t.nonTrainableParams)}`,
    ` Total MACs: ${formatMacs(t.macs)} (${formatMacs(t.macs * 2)} FLOPs)`,
  ].join('\n');
}

export function diagnosticLines(file: string, text: string, analysis: Analysis, minSeverity: 'info' | 'warning' | 'error' = 'info', where?: (offset: number) => string): string[] {
  const lines = new LineIndex(text);
  const rank = { error: 0, warning: 1, info: 2 };
  return analysis.diagnostics
    .filter((d) => rank[d.severity] <= rank[minSeverity])
    .map((d) => {
      const p = lines.position(d.from);
      return `${where ? where(d.from) : `${file}:${p.line}:${p.column}`}: ${d.severity}: ${d.message} [${d.code}]`;
    });
}
