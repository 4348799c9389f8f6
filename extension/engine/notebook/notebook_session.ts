/**
 * One open notebook: its code cells re-analysed as one program after each change. The parse is
 * incremental: the change, whatever it was (typing in a cell, a cell added, moved or deleted),
 * becomes one edit of the program text (common prefix and suffix of the old and new program), so
 * the parser reuses the tree of everything before and after it. The trace runs over the whole
 * program again (it is not incremental). No editor imports.
 */
import type { Analysis, AnalyzeOptions } from '../analysis/analyze';
import type { TextEdit } from '../parse';
import { DocumentSession } from '../session/document_session';
import { NotebookProgram, type ProgramCell } from './program';

/** The one edit turning `before` into `after` (null when they are equal). */
export function programEdit(before: string, after: string): TextEdit | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { from: prefix, to: before.length - suffix, insert: after.slice(prefix, after.length - suffix) };
}

export interface NotebookAnalysis {
  program: NotebookProgram;
  analysis: Analysis;
  /** What the caller says this state is (e.g. the cells' versions joined); views compare it. */
  version: string;
}

export class NotebookSession {
  private readonly session: DocumentSession;
  private current: NotebookAnalysis | null = null;
  /** The last edit handed to the parser (for tests and benchmarks). */
  lastEdit: TextEdit | null = null;

  constructor(options: Omit<AnalyzeOptions, 'tree'> = {}) {
    this.session = new DocumentSession(options);
  }

  update(cells: readonly ProgramCell[], version: string): NotebookAnalysis {
    const program = new NotebookProgram(cells);
    const before = this.current?.program.text;
    const edit = before === undefined ? null : programEdit(before, program.text);
    this.lastEdit = edit;
    if (before !== undefined && !edit && this.current) {
      this.current = { ...this.current, program, version };
      return this.current;
    }
    const analysis = this.session.update(program.text, 0, edit ? [edit] : undefined);
    this.current = { program, analysis, version };
    return this.current;
  }

  /** The analysis, only if it belongs to `version`. */
  analysisFor(version: string): NotebookAnalysis | null {
    return this.current?.version === version ? this.current : null;
  }
}
