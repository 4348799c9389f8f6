/**
 * Cells that do not end where they end. Jupyter compiles each cell on its own, so an unclosed
 * bracket, an unterminated triple-quoted string or a trailing backslash at the end of a cell is
 * that cell's SyntaxError and nothing more. Joined into one program, the same cell would run on
 * into the next cell and swallow it. A small Python tokenizer finds what is open at a cell's end,
 * in Python's words at the place Python names; the parser, reading the cell with what follows it,
 * catches the rest (a trailing decorator, a half-typed `for` header) that would take the next cell in.
 */
import { parsePython } from '../parse';

export interface CellEndError {
  /** Offsets in the cell's text (after magics are blanked) of what Python points at. */
  from: number;
  to: number;
  /** Python 3.11's SyntaxError message. */
  message: string;
}

/**
 * What follows the last cell, for the parser: statements it reads as new ones only if the cell
 * before them ended. An expression statement (an unclosed bracket takes it in, where a keyword
 * such as `def` would end the bracket) and a definition (a trailing decorator takes it).
 */
const AFTER_LAST_CELL = ['_ = 0\n', 'def _():\n    pass\n'];

/** True when the parser reads a statement of the cell as going on into the code of `next`. */
function runsInto(cell: string, next: string): boolean {
  const end = cell.length;
  const text = `${cell}\n${next}\n`;
  const tree = parsePython(text);
  for (let node = tree.topNode.firstChild; node && node.from < end; node = node.nextSibling) {
    // Blank lines after the cell (a left-out cell is blank) are nothing taken in.
    if (node.to > end && text.slice(end, node.to).trim() !== '') return true;
  }
  return false;
}

const OPEN = '([{';
const CLOSE = ')]}';

interface CellScan {
  /**
   * What Python's tokenizer finds open at the end of the cell (or a mismatched bracket, which the
   * parser may read as open), in Python's words; null when it finds nothing. `certain`: the cell
   * cannot end there whatever the parser makes of it.
   */
  open: (CellEndError & { certain: boolean }) | null;
  /** Where the cell's top-level statements start (lines with code at column 0, outside brackets and strings). */
  statements: number[];
}

/** A cell read the way Python's tokenizer reads it: strings, comments, brackets, continuations. */
function scanCell(cell: string): CellScan {
  const statements: number[] = [];
  const done = (open: CellScan['open']): CellScan => ({ open, statements });
  const stack: number[] = [];
  const n = cell.length;
  let i = 0;
  let continued = false;
  while (i < n) {
    const c = cell[i];
    if ((i === 0 || cell[i - 1] === '\n') && !continued && !stack.length && !/[\s#]/.test(c)) statements.push(i);
    continued = false;
    if (c === '#') {
      while (i < n && cell[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const triple = cell.startsWith(c.repeat(3), i);
      const start = stringStart(cell, i);
      let j = i + (triple ? 3 : 1);
      let closed = false;
      while (j < n) {
        if (cell[j] === '\\') j += 2;
        else if (triple ? cell.startsWith(c.repeat(3), j) : cell[j] === c) {
          j += triple ? 3 : 1;
          closed = true;
          break;
        } else if (!triple && cell[j] === '\n') break;
        else j++;
      }
      // A one-line string left open at a line break ends there (a line-local error); only one open at the end may run on.
      if (!closed && j >= n) {
        const detected = cell.split('\n').length;
        // Open for sure when triple-quoted, continued by a backslash or inside a bracket; a plain one is the parser's call.
        return done({ from: start, to: start + 1, message: `unterminated ${triple ? 'triple-quoted ' : ''}string literal (detected at line ${detected})`, certain: triple || j > n || stack.length > 0 });
      }
      i = Math.min(j, n);
      continue;
    } else if (OPEN.includes(c)) {
      stack.push(i);
    } else if (CLOSE.includes(c) && stack.length) {
      const open = cell[stack[stack.length - 1]];
      if (OPEN.indexOf(open) !== CLOSE.indexOf(c)) {
        return done({ from: i, to: i + 1, message: `closing parenthesis '${c}' does not match opening parenthesis '${open}'`, certain: true });
      }
      stack.pop();
    } else if (c === '\\' && i === n - 1) {
      // Python points just past the backslash, where the line it continues onto would start.
      return done({ from: n, to: n, message: 'unexpected EOF while parsing', certain: true });
    } else if (c === '\\' && cell[i + 1] === '\n') {
      i += 2;
      continued = true;
      continue;
    }
    i++;
  }
  if (stack.length) {
    const at = stack[stack.length - 1];
    return done({ from: at, to: at + 1, message: `'${cell[at]}' was never closed`, certain: true });
  }
  return done(null);
}

/** Where a string token starts: at its prefix (r, b, f, u and their pairs), as Python points. */
function stringStart(cell: string, quote: number): number {
  let s = quote;
  while (s > 0 && quote - s < 2 && /[rRbBuUfF]/.test(cell[s - 1])) s--;
  return s > 0 && /[\w]/.test(cell[s - 1]) ? quote : s;
}

/** The last line with code on it (Python points a SyntaxError it cannot place there). */
function lastCodeLine(cell: string): CellEndError {
  const end = cell.trimEnd().length;
  const from = cell.lastIndexOf('\n', end - 1) + 1;
  return { from, to: Math.max(end, from + 1), message: 'invalid syntax' };
}

/**
 * The parser's view, on little text: the cell's last top-level statement followed by the first
 * statement of the next cell (what a statement running on would take in first).
 */
function runsOn(cell: string, statements: readonly number[], next: string | null): boolean {
  const last = cell.slice(statements[statements.length - 1] ?? 0);
  if (next === null) return AFTER_LAST_CELL.some((after) => runsInto(last, after));
  const second = scanCell(next).statements[1];
  return runsInto(last, second === undefined ? next : next.slice(0, second));
}

/** Recently checked cells (and their followers): a notebook is re-joined on every keystroke, and only the edited cell is new. */
const known = new Map<string, CellEndError | null>();
const KNOWN_MAX = 4096;
/**
 * The keys' characters, bounded too: each keystroke in a large cell adds a key holding the whole
 * cell, so 4,096 of them could hold hundreds of MB.
 */
const KNOWN_MAX_CHARS = 2_000_000;
let knownChars = 0;

function forgetOldest(): void {
  const oldest = known.keys().next().value!;
  known.delete(oldest);
  knownChars -= oldest.length;
}

/**
 * The SyntaxError that makes a cell run on past its end into `next` (the code of the next cell
 * that is joined after it; null for the last), or null when the cell ends on its own.
 */
export function cellEndError(cell: string, next: string | null): CellEndError | null {
  const key = `${cell}\u0000${next ?? '\u0000'}`;
  const cached = known.get(key);
  if (cached !== undefined) {
    // Least recently used first out: a hit moves to the back.
    known.delete(key);
    known.set(key, cached);
    return cached;
  }
  const { open, statements } = scanCell(cell);
  let error: CellEndError | null = null;
  if (open?.certain || runsOn(cell, statements, next)) {
    const { from, to, message } = open ?? lastCodeLine(cell);
    error = { from, to, message };
  }
  while (known.size > 0 && (known.size >= KNOWN_MAX || knownChars + key.length > KNOWN_MAX_CHARS)) forgetOldest();
  // A key larger than the whole bound is not kept (the check is redone next time).
  if (key.length <= KNOWN_MAX_CHARS) {
    known.set(key, error);
    knownChars += key.length;
  }
  return error;
}

/** The characters the cache of checked cells holds (for its bound's test). */
export function cachedCellChars(): number {
  return knownChars;
}
