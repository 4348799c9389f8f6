/**
 * Where one edit lies between the last trace's text and this one's, and so where the last trace's
 * statements and spans are now (the incremental trace's cut-off: statement_graft.ts,
 * body_graft.ts): before the edit they stay, after it they move with it, the others changed.
 */
import type { Span } from '../source';

/** A statement as a trace saw it: its syntax node's name and span. */
export interface StatementSpan {
  name: string;
  from: number;
  to: number;
}

export class EditPlace {
  /** How much longer the text got. */
  readonly delta: number;
  /** Where the unchanged text after the edit starts, in this text and in the last one. */
  readonly tailFrom: number;
  private readonly lastTailFrom: number;

  /** `same`: how many characters both texts start with; `tail`: how many they end with, not overlapping those. */
  constructor(lastLength: number, length: number, readonly same: number, tail: number) {
    this.delta = length - lastLength;
    this.tailFrom = length - tail;
    this.lastTailFrom = lastLength - tail;
  }

  /** Where a span of the last trace is now: null when the edit touched it. */
  readonly move = (s: Span): Span | null =>
    s.to <= this.same || (this.delta === 0 && s.from >= this.lastTailFrom) ? s : s.from >= this.lastTailFrom ? { from: s.from + this.delta, to: s.to + this.delta } : null;

  /** How far statement `was` moved to be `now` (0 before the edit, `delta` after it), or null when it is another text. */
  shift(now: StatementSpan, was: StatementSpan): number | null {
    if (now.name !== was.name) return null;
    if (now.to <= this.same && now.from === was.from && now.to === was.to) return 0;
    if (now.from >= this.tailFrom && now.from - this.delta === was.from && now.to - this.delta === was.to) return this.delta;
    return null;
  }

  /** Where a position of the last text is now, or null when the edit replaced it. */
  position(at: number): number | null {
    return at <= this.same ? at : at >= this.lastTailFrom ? at + this.delta : null;
  }

  /** Whether the edit lies within `span` of this text. */
  within(span: Span): boolean {
    return this.same >= span.from && this.tailFrom <= span.to;
  }
}
