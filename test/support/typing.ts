/**
 * Typing through an editor session and comparing each keystroke with a fresh analysis that reuses
 * nothing (the incremental trace's tests: statement_graft, helper_graft).
 */
import assert from 'node:assert/strict';
import { analyze, type Analysis } from '../../extension/engine/analysis/analyze';
import type { TextEdit } from '../../extension/engine/parse';
import { setReuseEnabled } from '../../extension/engine/reuse';
import { DocumentSession } from '../../extension/engine/session/document_session';
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
 * `count`, the helper calls among them).
 */
export function typeAt(text: string, anchors: string[], limits = LIMITS, count: 'grafted' | 'graftedHelpers' = 'grafted'): number {
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
