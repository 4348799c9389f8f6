/**
 * Argument lists written only with literals, `(16, 3, padding="same", name="conv_0")`, evaluated
 * once per text and then reused. After an edit near the top of a 1000-layer file every layer's
 * statement is traced again, and walking these lists' syntax, parsing their numbers and strings and
 * building their maps was a quarter of each statement's time.
 *
 * A list qualifies by its syntax alone (numbers, plain strings, True/False/None, tuples and
 * parentheses of those, signs on numbers, `name=` keywords), and by what evaluating it did the
 * first time: known values only, no diagnostic. Such a list's values depend on its text and on
 * nothing else in the trace, so the reused values are the ones evaluating again would give; only
 * the budget is charged as that evaluation would be, the same steps ending at the same site. Values
 * are shared between calls (ints, floats, strings, bools, None and tuples are never changed in
 * place); each call gets its own array and map, which callees may change.
 */
import type { SyntaxNode } from '@lezer/common';
import { reuseEnabled } from '../reuse';
import type { Span } from '../source';
import type { Interpreter } from './interpreter';
import { isPunct } from './interpreter';
import { kids } from './syntax_children';
import { argumentsKeyPart, flatString } from './layer_memo';
import type { Value } from './values';

export interface LiteralArguments {
  args: readonly Value[];
  /** The keywords and their values, in order (a map is rebuilt from them: copying a Map costs three times more). */
  names: readonly string[];
  values: readonly Value[];
  /** Budget steps evaluating the list takes, and how deep its expressions nest. */
  steps: number;
  depth: number;
  /** `argumentsKeyPart` of the values (null: not a layer config's), made once (see literalKeyPart). */
  keyPart: string | null;
  /** The budget's site after evaluating it (the last literal), relative to the list's start. */
  siteFrom: number;
  siteTo: number;
}

/** Per list text: its evaluation, or null when it is not made of literals only. */
const byText = new Map<string, LiteralArguments | null>();
/** Cleared when full: a file has a few thousand argument lists at most. */
const MAX_TEXTS = 8_192;
/** Longer lists are not looked up (each lookup hashes the text). */
const MAX_TEXT_LENGTH = 400;

export function clearLiteralArguments(): void {
  byText.clear();
  lastHandedOut = null;
}

/**
 * The list's args and kwargs (fresh containers), with the budget charged, when it is made of
 * literals and was evaluated before; `evaluate` otherwise (the list then may be remembered).
 */
export function literalArguments(
  it: Interpreter,
  argList: SyntaxNode,
  maxDepth: number,
  evaluate: () => { args: Value[]; kwargs: Map<string, Value> } | null,
): { args: Value[]; kwargs: Map<string, Value> } | null {
  if (!reuseEnabled() || argList.to - argList.from > MAX_TEXT_LENGTH) return evaluate();
  const text = it.ctx.source(argList);
  const known = byText.get(text);
  if (known === null) return evaluate();
  if (known !== undefined) {
    const { budget } = it.ctx;
    // Past the budget or the nesting bound, the list is evaluated as usual, to stop where that would.
    if (it.expressionDepth + known.depth < maxDepth && budget.fits({ directSteps: known.steps, work: 0, elements: 0, depth: 0 })) {
      const site: Span = { from: argList.from + known.siteFrom, to: argList.from + known.siteTo };
      budget.step(site, known.steps);
      const kwargs = new Map<string, Value>();
      for (let i = 0; i < known.names.length; i++) kwargs.set(known.names[i], known.values[i]);
      lastHandedOut = known;
      return { args: known.args.slice(), kwargs };
    }
    return evaluate();
  }
  const depth = literalDepth(argList);
  if (depth === null) {
    remember(text, null);
    return evaluate();
  }
  const { budget, diagnostics } = it.ctx;
  const stepsBefore = budget.steps;
  const diagnosticsBefore = diagnostics.items.length;
  const made = evaluate();
  if (!made) return made;
  const values = [...made.args, ...made.kwargs.values()];
  const plain = diagnostics.items.length === diagnosticsBefore && values.every(isKnownImmutable);
  // Copies whose strings are their own: a string cut out of the document would keep that version of it alive.
  const entry: LiteralArguments | null = plain ? {
    args: Object.freeze(made.args.map(detached)),
    keyPart: flatString(argumentsKeyPart(made.args, made.kwargs)),
    names: Object.freeze([...made.kwargs.keys()].map(flatString)),
    values: Object.freeze([...made.kwargs.values()].map(detached)),
    steps: budget.steps - stepsBefore,
    depth,
    siteFrom: budget.site.from - argList.from,
    siteTo: budget.site.to - argList.from,
  } : null;
  remember(text, entry);
  lastHandedOut = null;
  return made;
}

/** The list whose values were handed out last (a layer constructor usually takes them next). */
let lastHandedOut: LiteralArguments | null = null;

/**
 * `argumentsKeyPart(args, kwargs)` when these are the values the last reused list handed out (the
 * same objects, in the same order, whatever containers hold them), undefined otherwise.
 */
export function literalKeyPart(args: readonly Value[], kwargs: ReadonlyMap<string, Value>): string | null | undefined {
  const e = lastHandedOut;
  if (!e || args.length !== e.args.length || kwargs.size !== e.names.length) return undefined;
  for (let i = 0; i < args.length; i++) if (args[i] !== e.args[i]) return undefined;
  let i = 0;
  for (const [name, v] of kwargs) {
    if (name !== e.names[i] || v !== e.values[i]) return undefined;
    i++;
  }
  return e.keyPart;
}

function remember(text: string, entry: LiteralArguments | null): void {
  if (byText.size >= MAX_TEXTS) byText.clear();
  // A copy: the text is a slice of the document, which the key would otherwise keep alive.
  byText.set(flatString(text), entry);
}

/** A literal's value with strings of its own (see flatString). */
function detached(v: Value): Value {
  if (v.t === 'str') return { t: 'str', v: flatString(v.v) };
  if (v.t === 'tuple') return { t: 'tuple', items: v.items.map(detached) };
  return v;
}

/**
 * How deep the list's arguments nest, or null when one is not a literal this file reuses (with
 * `names`, a plain variable name counts too: the trace's cut-off takes such a list, whose values
 * are read, not made by code it runs; `skip`: the first arguments are not looked at, a merge
 * function's list of inputs). A list holding a parse error is never reused: how the parser
 * recovered may depend on what surrounds it.
 */
export function literalDepth(argList: SyntaxNode, names = false, skip = 0): number | null {
  if (holdsParseError(argList)) return null;
  const parts = kids(argList);
  let deepest = 0;
  let skipped = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (isPunct(p)) continue;
    if (skipped < skip) {
      skipped++;
      continue;
    }
    if (p.name === 'VariableName' && parts[i + 1]?.name === 'AssignOp' && parts[i + 2]) {
      const d = literalNodeDepth(parts[i + 2], names);
      if (d === null) return null;
      deepest = Math.max(deepest, d);
      i += 2;
      continue;
    }
    const d = literalNodeDepth(p, names);
    if (d === null) return null;
    deepest = Math.max(deepest, d);
  }
  return deepest;
}

/** How deep a literal (a number, string, True/False/None, a tuple of those) nests; null when it is not one (with `names`, a plain variable name counts too). */
export function literalNodeDepth(node: SyntaxNode, names: boolean): number | null {
  switch (node.name) {
    case 'VariableName':
      return names ? 1 : null;
    case 'Number':
    case 'String':
    case 'Boolean':
    case 'None':
      return 1;
    case 'UnaryExpression': {
      const [op, operand] = kids(node);
      return (op?.name === 'ArithOp' || op?.name === '-' || op?.name === '+') && operand?.name === 'Number' && !operand.nextSibling ? 2 : null;
    }
    case 'TupleExpression':
    case 'ParenthesizedExpression': {
      let deepest = 0;
      for (const c of kids(node)) {
        if (isPunct(c)) continue;
        const d = literalNodeDepth(c, names);
        if (d === null) return null;
        deepest = Math.max(deepest, d);
      }
      return deepest + 1;
    }
    default:
      return null;
  }
}

function holdsParseError(node: SyntaxNode): boolean {
  const cursor = node.cursor();
  const end = node.to;
  do {
    if (cursor.type.isError) return true;
  } while (cursor.next() && cursor.from <= end);
  return false;
}

/** A value no statement can change in place: a number, string, bool, None, or a tuple of those. */
export function isKnownImmutable(v: Value): boolean {
  switch (v.t) {
    case 'int': case 'float': case 'str': case 'bool': case 'none':
      return true;
    case 'tuple':
      return v.items.every(isKnownImmutable);
    default:
      return false;
  }
}
