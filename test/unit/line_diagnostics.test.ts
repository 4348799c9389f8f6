/**
 * Design findings of one code on one source line merge into one diagnostic; others pass as they
 * are. Random diagnostics on random lines, against a plain reference that finds each one's line by
 * counting the newlines before it (no line index, no shortcut for files where nothing merges).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic, Severity } from '../../extension/engine/diagnostics';
import { mergeLineDiagnostics, MERGED_CODES } from '../../extension/engine/line_diagnostics';

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** What the merge gives, by the rule alone: one per (line, code, severity) group of merged codes, at the group's first place. */
function reference(text: string, diagnostics: Diagnostic[]): { code: string; severity: Severity; from: number; to: number; count: number }[] {
  const out: { code: string; severity: Severity; from: number; to: number; count: number }[] = [];
  const groups = new Map<string, (typeof out)[number]>();
  for (const d of diagnostics) {
    if (!MERGED_CODES.has(d.code) || d.severity === 'error') {
      out.push({ code: d.code, severity: d.severity, from: d.from, to: d.to, count: 1 });
      continue;
    }
    const key = `${lineOf(text, d.from)} ${d.code} ${d.severity}`;
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.from = Math.min(group.from, d.from);
      group.to = Math.max(group.to, d.to);
    } else {
      const fresh = { code: d.code, severity: d.severity, from: d.from, to: d.to, count: 1 };
      groups.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}

describe('merging the findings of a line', () => {
  it('merges exactly the findings of one code and severity on one line, over random files', () => {
    const codes = ['gridding', 'checkerboard', 'rf-too-small', 'no-input-shape'];
    const severities: Severity[] = ['warning', 'info', 'error'];
    let merged = 0;
    let unmerged = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = random(seed);
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => 'x'.repeat(Math.floor(rnd() * 12)));
      const text = lines.join('\n');
      const diagnostics: Diagnostic[] = Array.from({ length: Math.floor(rnd() * 10) }, () => {
        // Anywhere, the newlines themselves included (a span may start at a line's end).
        const from = Math.floor(rnd() * (text.length + 1));
        return { code: codes[Math.floor(rnd() * codes.length)], severity: severities[Math.floor(rnd() * 3)], message: 'm', from, to: Math.min(text.length, from + 2) };
      }).sort((a, b) => a.from - b.from);
      const got = mergeLineDiagnostics(text, diagnostics, []);
      const want = reference(text, diagnostics);
      assert.deepEqual(got.map((d) => ({ code: d.code, severity: d.severity, from: d.from, to: d.to })), want.map(({ count: _, ...d }) => d), `seed ${seed}`);
      want.forEach((w, i) => {
        const said = /The same on (\d+) more call/.exec(got[i].message);
        assert.equal(said ? Number(said[1]) + 1 : 1, w.count, `seed ${seed}, diagnostic ${i}`);
      });
      if (want.length < diagnostics.length) merged++;
      else unmerged++;
    }
    // Both cases were met (the draw is fixed; this guards the test, not the code).
    assert.ok(merged > 30 && unmerged > 30, `${merged} files merged, ${unmerged} did not`);
  });
});
