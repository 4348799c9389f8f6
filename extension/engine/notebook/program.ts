/**
 * A notebook's code cells as one program, in cell order (what Run All executes), with the map
 * between program offsets and (cell, offset in the cell) both ways.
 */
import type { Diagnostic } from '../diagnostics';
import { LineIndex } from '../source';
import { cellEndError, type CellEndError } from './cell_end';
import { blank, blankMagics } from './magics';

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

/** A cell Jupyter would refuse to compile because it runs past its end (an unclosed bracket...). */
export interface CellSyntaxError {
  key: number;
  /** Program offsets of what Python points at (inside the cell). */
  from: number;
  to: number;
  /** Python's SyntaxError message. */
  message: string;
}

export class NotebookProgram {
  /** The cells joined by newlines, magics blanked, cells that run past their end blanked. */
  readonly text: string;
  readonly cells: readonly CellSpan[];
  /**
   * Cells left out because they run past their end: Jupyter compiles each cell on its own, so such
   * a cell is a SyntaxError that does not run, and the cells after it run as if it were not there.
   */
  readonly syntaxErrors: readonly CellSyntaxError[];
  private readonly lines: Map<number, LineIndex> = new Map();

  constructor(cells: readonly ProgramCell[]) {
    const parts: string[] = [];
    const spans: CellSpan[] = [];
    const errors: CellSyntaxError[] = [];
    const texts = cells.map((c) => blankMagics(c.text));
    // From the last cell back: whether a cell runs on depends on the next cell that is kept.
    const open = new Array<CellEndError | null>(cells.length).fill(null);
    let next: string | null = null;
    for (let k = cells.length - 1; k >= 0; k--) {
      open[k] = cellEndError(texts[k], next);
      // A cell with nothing in it (say, only magics) is no statement to take in: look past it.
      if (!open[k] && texts[k].trim() !== '') next = texts[k];
    }
    let at = 0;
    cells.forEach((c, k) => {
      let text = texts[k];
      const error = open[k];
      if (error) {
        errors.push({ key: c.key, from: at + error.from, to: at + error.to, message: error.message });
        // Blanked like a magic: same length and line breaks, so offsets in the cell keep their place.
        text = blank(text);
      }
      spans.push({ key: c.key, start: at, length: text.length });
      this.lines.set(c.key, new LineIndex(text));
      // A newline after every cell: the next cell starts on a line of its own, as in Run All.
      parts.push(text, '\n');
      at += text.length + 1;
    });
    this.text = parts.join('');
    this.cells = spans;
    this.syntaxErrors = errors;
  }

  /** The left-out cells as error diagnostics on the place Python names (program offsets). */
  syntaxDiagnostics(): Diagnostic[] {
    return this.syntaxErrors.map((e) => ({
      severity: 'error',
      code: 'cell-syntax-error',
      message: `SyntaxError: ${e.message}. Jupyter does not run this cell; ConvLens analyses the other cells without it.`,
      from: e.from,
      to: e.to,
    }));
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
