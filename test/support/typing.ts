/**
 * Typing through an editor session and comparing each keystroke with a fresh analysis that reuses
 * nothing (the incremental trace's tests: statement_graft, helper_graft).
 */
import assert from 'node:assert/strict';
import { analyze, type Analysis } from '../../extension/engine/analysis/analyze';
import type { TextEdit } from '../../extension/engine/parse';
import { setReuseEnabled } from '../../extension/engine/reuse';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { lcg } from './random';
import { assertSameAnalysis } from './same_analysis';

export const LIMITS = { maxSteps: 200_000 };

export function fromScratch(text: string, limits = LIMITS): Analysis {
  setReuseEnabled(false);
  try {
    return analyze(text, { limits });
  } finally {
    setReuseEnabled(true);
  }
}

export const applyEdit = (text: string, e: TextEdit) => text.slice(0, e.from) + e.insert + text.slice(e.to);

/**
 * Types at each anchor in turn (a '1' after it, then taken back), through one session, comparing
 * every keystroke with a fresh analysis; returns the statements taken over in all (or, with
 * `count`, the helper calls among them, or those in function bodies).
 */
export function typeAt(text: string, anchors: string[], limits = LIMITS, count: TakenCount = 'grafted'): number {
  const session = new DocumentSession({ limits });
  let current = text;
  session.update(current, 0);
  let grafted = 0;
  let version = 0;
  for (const anchor of anchors) {
    for (let k = 0; k < 4; k++) {
      const at = current.indexOf(anchor) + anchor.length;
      assert.ok(at >= anchor.length, anchor);
      const edit = k % 2 === 0 ? { from: at, to: at, insert: '1' } : { from: at, to: at + 1, insert: '' };
      current = applyEdit(current, edit);
      const incremental = session.update(current, ++version, [edit]);
      grafted += session.tracer.stats[count];
      assertSameAnalysis(incremental, fromScratch(current, limits), current, `after \`${anchor}\`, keystroke ${k + 1} (${JSON.stringify(session.tracer.stats)})`);
    }
  }
  return grafted;
}

/** What a count of the tracer's stats can be: statements taken over, helper calls among them, or statements in bodies. */
export type TakenCount = 'grafted' | 'graftedHelpers' | 'graftedInBodies';

/**
 * Forty visits, each a few keystrokes at one spot (helper bodies included) and taken back: a digit
 * typed after a digit, changed, deleted; a character typed and deleted; a line duplicated and
 * deleted, or deleted and typed back. Every keystroke compared with a fresh analysis; returns the
 * statements taken over (`count` says which) and the keystrokes.
 */
export function visitRandomly(original: string, seed: number, count: TakenCount): { taken: number; keystrokes: number } {
  const next = lcg(seed);
  const session = new DocumentSession({ limits: LIMITS });
  let text = original;
  session.update(text, 0);
  let version = 0;
  let taken = 0;
  const keystroke = (edit: TextEdit) => {
    text = applyEdit(text, edit);
    const incremental = session.update(text, ++version, [edit]);
    taken += session.tracer.stats[count];
    assertSameAnalysis(incremental, fromScratch(text), text, `keystroke ${version} ${JSON.stringify(edit)} (${JSON.stringify(session.tracer.stats)})`);
  };
  for (let visit = 0; visit < 40; visit++) {
    const digits = [...text.matchAll(/\d/g)].map((m) => m.index! + 1);
    const lines = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)].filter((x) => x < text.length);
    const r = next();
    const at = digits[Math.floor(next() * digits.length)];
    const from = lines[Math.floor(next() * lines.length)];
    const line = text.slice(from, text.indexOf('\n', from) + 1);
    const digit = () => String(1 + Math.floor(next() * 9));
    if (r < 0.55) {
      keystroke({ from: at, to: at, insert: digit() });
      keystroke({ from: at, to: at + 1, insert: digit() });
      keystroke({ from: at, to: at + 1, insert: '' });
    } else if (r < 0.7) {
      keystroke({ from: at, to: at, insert: ['1', ' ', ')', ',', 'x'][Math.floor(next() * 5)] });
      keystroke({ from: at, to: at + 1, insert: '' });
    } else if (r < 0.85) {
      keystroke({ from: from + line.length, to: from + line.length, insert: line });
      keystroke({ from: from + line.length, to: from + 2 * line.length, insert: '' });
    } else {
      keystroke({ from, to: from + line.length, insert: '' });
      keystroke({ from, to: from, insert: line });
    }
    assert.equal(text, original);
  }
  return { taken, keystrokes: version };
}
