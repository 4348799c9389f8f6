/**
 * A notebook's code cells as one program, in cell order (what Run All executes), with the map
 * between program offsets and (cell, offset in the cell) both ways.
 */
import { LineIndex } from '../source';
import { blankMagics } from './magics';

export interface ProgramCell {
  /** Whatever identifies the cell to the caller (its notebook index, an editor document). */
  key: number;
  text: string;
}

export interface CellSpan {
  key: number;
  /** Offset of the cell's first character in the program. */
  start: number;
  length: number;
}

export interface CellPosition {
  key: number;
  /** Offset in the cell's own text. */
  offset: number;
  /** 1-based, within the cell. */
  line: number;
  column: number;
}

export class NotebookProgram {
  /** The cells joined by newlines, magics blanked. */
  readonly text: string;
  readonly cells: readonly CellSpan[];
  private readonly lines: Map<number, LineIndex> = new Map();

  constructor(cells: readonly ProgramCell[]) {
    const parts: string[] = [];
    const spans: CellSpan[] = [];
    let at = 0;
    for (const c of cells) {
      const text = blankMagics(c.text);
      spans.push({ key: c.key, start: at, length: text.length });
      this.lines.set(c.key, new LineIndex(text));
      // A newline after every cell: the next cell starts on a line of its own, as in Run All.
      parts.push(text, '\n');
      at += text.length + 1;
    }
    this.text = parts.join('');
    this.cells = spans;
  }

  /** The cell holding a program offset (a separator belongs to the cell before it). */
  cellAt(offset: number): CellSpan | null {
    let lo = 0;
    let hi = this.cells.length - 1;
    if (hi < 0) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cells[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.cells[lo];
  }

  /** Where a program offset is: its cell, the offset in it, and the cell's line and column. */
  locate(offset: number): CellPosition | null {
    const cell = this.cellAt(offset);
    if (!cell) return null;
    const local = Math.min(Math.max(offset - cell.start, 0), cell.length);
    const p = this.lines.get(cell.key)!.position(local);
    return { key: cell.key, offset: local, line: p.line, column: p.column };
  }

  span(key: number): CellSpan | undefined {
    return this.cells.find((c) => c.key === key);
  }

  /** The program offset of an offset in a cell. */
  programOffset(key: number, local: number): number | null {
    const cell = this.span(key);
    return cell ? cell.start + Math.min(Math.max(local, 0), cell.length) : null;
  }

  /** A program span as the same span in one cell, or null when it starts in another cell. */
  inCell(key: number, span: { from: number; to: number }): { from: number; to: number } | null {
    const cell = this.span(key);
    if (!cell || span.from < cell.start || span.from > cell.start + cell.length) return null;
    return { from: span.from - cell.start, to: Math.min(span.to, cell.start + cell.length) - cell.start };
  }
}
