/**
 * The syntax of the statements the incremental trace's cut-off can take over (statement_graft.ts),
 * read from the statement's text alone and kept per text, with spans relative to the statement.
 */
import type { SyntaxNode, TreeCursor } from '@lezer/common';
import type { Span } from '../source';
import { flatString } from './layer_memo';
import { literalDepth, literalNodeDepth } from './literal_arguments';

/**
 * The syntax of `name = Callee(arguments)(arg)` or `name = Callee(arguments)([a, b, ...])`, Callee a
 * dotted name, the arguments literals and names; or of an alias, `name = other`.
 */
export interface PlainSyntax {
  /** Null for a docstring. */
  target: Span | null;
  /** Further names bound: chained targets, or the other names an import binds. */
  more: Span[];
  /** An import of modules or names from one (which the trace binds as module values). */
  imports: boolean;
  /** `Callee(arguments)`: the layer's span; null for an alias. */
  construct: Span | null;
  /** The module value Callee starts from; null for an alias. */
  root: string | null;
  /** The names read: the tensor called on, those of the list, or the one aliased. */
  args: Span[];
  /** `a, b = helper(...)`: the target and `more` take the items of what the call returns. */
  unpack: boolean;
  /** A function definition (`def name(...):`), which binds `name`. */
  definition: boolean;
  /** A `for` or `while` loop or an `if`, which binds what its run bound (watched_statement.ts). */
  compound: boolean;
}

const plain = (target: Span | null, more: Span[], construct: Span | null, root: string | null, args: Span[], kind: { imports?: boolean; unpack?: boolean; definition?: boolean; compound?: boolean } = {}): PlainSyntax => (
  { target, more, imports: kind.imports ?? false, construct, root, args, unpack: kind.unpack ?? false, definition: kind.definition ?? false, compound: kind.compound ?? false });

const COMPOUND = plain(null, [], null, null, [], { compound: true });
const COMPOUND_STATEMENTS = new Set(['ForStatement', 'WhileStatement', 'IfStatement']);

function readPlainSyntax(node: SyntaxNode, text: string): PlainSyntax | null {
  if (node.name === 'ImportStatement') return readImportSyntax(node);
  if (node.name === 'ExpressionStatement') return readDocstringSyntax(node);
  // A cursor, not nodes: every statement is looked at, and each node would be an object made.
  const c = node.cursor();
  const is = (name: string): boolean => c.name === name;
  if (!c.firstChild() || !is('VariableName')) return null;
  const target = { from: c.from, to: c.to };
  const more: Span[] = [];
  if (!c.nextSibling()) return null;
  if (is(',')) return readUnpackSyntax(c, target, text);
  if (!is('AssignOp') || !c.nextSibling()) return null;
  // Chained targets: `x = inputs = keras.Input(...)`.
  while (is('VariableName') && c.nextSibling()) {
    if (!is('AssignOp')) return null;
    c.prevSibling();
    more.push({ from: c.from, to: c.to });
    c.nextSibling();
    if (!c.nextSibling()) return null;
  }
  // An alias: `name = other`.
  if (is('VariableName')) return c.nextSibling() || more.length ? null : plain(target, more, null, null, [{ from: c.from, to: c.to }]);
  // A constant: `num_classes = 10`, `input_shape = (28, 28, 1)`.
  if (literalNodeDepth(c.node, false) !== null) return c.nextSibling() ? null : plain(target, more, null, null, []);
  // The value (a failed move leaves the cursor where it was): `Callee(arguments)` then `(arg)` or `([a, b])`.
  if (!is('CallExpression') || c.nextSibling()) return null;
  const value = { from: c.from, to: c.to };
  if (!c.firstChild()) return null;
  if (!is('CallExpression')) {
    // `Callee(arguments)` alone: a merge function, `layers.concatenate([a, b], axis=-1)`, whose layer
    // is the whole call, or a layer made and called on nothing, `keras.Input(shape=(32, 32, 3))`.
    const callee = c.node;
    if (!c.nextSibling() || !is('ArgList')) return null;
    const listed = c.firstChild() && c.nextSibling() && is('ArrayExpression');
    const args = listed ? listedNames(c.node) : [];
    if (!args) return null;
    c.parent();
    // The list of inputs aside, the arguments are literals and names.
    if (c.nextSibling() || literalDepth(c.node, true, listed ? 1 : 0) === null) return null;
    const root = dottedRoot(callee);
    return root === null ? null : plain(target, more, value, text.slice(root.from, root.to), args);
  }
  // `Callee(arguments)(arg)` or `Callee(arguments)([a, b])`: a layer made, then called.
  const construct = { from: c.from, to: c.to };
  if (!c.nextSibling() || !is('ArgList') || c.nextSibling()) return null;
  c.lastChild();
  if (!is(')') || !c.prevSibling()) return null;
  const args = is('ArrayExpression') ? listedNames(c.node) : is('VariableName') ? [{ from: c.from, to: c.to }] : null;
  if (!args) return null;
  if (!c.prevSibling() || !is('(') || c.prevSibling()) return null;
  c.parent();
  c.prevSibling();
  if (!c.firstChild()) return null;
  // The constructor: a dotted name and an argument list of literals and names.
  const callee = c.node;
  if (!c.nextSibling() || !is('ArgList') || c.nextSibling() || literalDepth(c.node, true) === null) return null;
  const root = dottedRoot(callee);
  return root === null ? null : plain(target, more, construct, text.slice(root.from, root.to), args);
}

/** The cursor's node's name, read afresh after each move. */
const at = (c: TreeCursor): string => c.name;

/**
 * `a, b = helper(arguments)` (the cursor on the first comma): a helper call whose items are bound
 * to the names, the arguments literals and names; null for anything else.
 */
function readUnpackSyntax(c: TreeCursor, target: Span, text: string): PlainSyntax | null {
  const more: Span[] = [];
  while (at(c) === ',') {
    if (!c.nextSibling() || at(c) !== 'VariableName') return null;
    more.push({ from: c.from, to: c.to });
    if (!c.nextSibling()) return null;
  }
  if (at(c) !== 'AssignOp' || !c.nextSibling() || at(c) !== 'CallExpression' || c.nextSibling()) return null;
  const value = { from: c.from, to: c.to };
  if (!c.firstChild() || at(c) !== 'VariableName') return null;
  const root = { from: c.from, to: c.to };
  if (!c.nextSibling() || at(c) !== 'ArgList' || c.nextSibling() || literalDepth(c.node, true) === null) return null;
  return plain(target, more, value, text.slice(root.from, root.to), [], { unpack: true });
}

/** `def name(...):` binds `name` (read without the text cache: a definition is long, and its name comes first). */
function readDefinitionSyntax(node: SyntaxNode): PlainSyntax | null {
  const c = node.cursor();
  if (!c.firstChild() || at(c) !== 'def' || !c.nextSibling() || at(c) !== 'VariableName') return null;
  return plain({ from: c.from, to: c.to }, [], null, null, [], { definition: true });
}

/** A string written as a statement (a docstring), which binds and does nothing; null for any other expression. */
function readDocstringSyntax(node: SyntaxNode): PlainSyntax | null {
  const c = node.cursor();
  if (!c.firstChild() || c.name !== 'String' || c.nextSibling()) return null;
  return plain(null, [], null, null, []);
}

/** The name a dotted name `a.b.c` starts from, or null when it is anything else. */
function dottedRoot(callee: SyntaxNode): SyntaxNode | null {
  let root: SyntaxNode = callee;
  while (root.name === 'MemberExpression') {
    const dot = root.firstChild?.nextSibling;
    if (dot?.name !== '.' || dot.nextSibling?.name !== 'PropertyName' || dot.nextSibling.nextSibling) return null;
    root = root.firstChild!;
  }
  return root.name === 'VariableName' ? root : null;
}

/**
 * The names `import a.b`, `import a.b as c`, `from a import b, c as d` bind (`a`; `c`; `b`, `d`),
 * or null for anything else (`from a import *`, a parenthesized list).
 */
function readImportSyntax(node: SyntaxNode): PlainSyntax | null {
  const c = node.cursor();
  /** The cursor's node's name (read afresh after each move). */
  const at = (): string => c.name;
  if (!c.firstChild()) return null;
  const bound: Span[] = [];
  const from = at() === 'from';
  // Past the module of `from a.b import`.
  if (from) {
    while (at() !== 'import') {
      if (!c.nextSibling() || (at() !== 'VariableName' && at() !== '.' && at() !== 'import')) return null;
    }
  }
  if (at() !== 'import') return null;
  while (c.nextSibling()) {
    if (at() !== 'VariableName') return null;
    let name: Span = { from: c.from, to: c.to };
    // `import a.b.c` binds `a`; `from` names are single names.
    while (!from && c.nextSibling()) {
      if (at() !== '.') {
        c.prevSibling();
        break;
      }
      if (!c.nextSibling() || at() !== 'VariableName') return null;
    }
    if (c.nextSibling()) {
      if (at() === 'as') {
        if (!c.nextSibling() || at() !== 'VariableName') return null;
        name = { from: c.from, to: c.to };
        if (c.nextSibling() && at() !== ',') return null;
      } else if (at() !== ',') return null;
    }
    bound.push(name);
  }
  return bound.length ? plain(bound[0], bound.slice(1), null, null, [], { imports: true }) : null;
}

/** The names of `[a, b, ...]` (a merge's inputs), or null when it holds anything else. */
function listedNames(list: SyntaxNode): Span[] | null {
  const names: Span[] = [];
  for (let n = list.firstChild?.nextSibling ?? null; n && n.name !== ']'; n = n.nextSibling) {
    if (n.name === ',') continue;
    if (n.name !== 'VariableName') return null;
    names.push({ from: n.from, to: n.to });
  }
  return names.length ? names : null;
}

/**
 * The plain syntax found per statement text (made of the text alone), relative to the statement's
 * start: every statement after an edit is looked at again, and reading its syntax cost 3 us each.
 */
const syntaxByText = new Map<string, PlainSyntax | null>();
/** Cleared when full: a file has a few thousand statements at most. */
const MAX_TEXTS = 8_192;
/** Longer statements are not looked up (each lookup hashes the text). */
const MAX_TEXT_LENGTH = 400;

export function plainSyntax(node: SyntaxNode, text: string): PlainSyntax | null {
  if (node.name === 'FunctionDefinition') return readDefinitionSyntax(node);
  if (COMPOUND_STATEMENTS.has(node.name)) return COMPOUND;
  if ((node.name !== 'AssignStatement' && node.name !== 'ImportStatement' && node.name !== 'ExpressionStatement') || node.to - node.from > MAX_TEXT_LENGTH) return null;
  const source = text.slice(node.from, node.to);
  let known = syntaxByText.get(source);
  if (known === undefined) {
    const read = readPlainSyntax(node, text);
    known = read && moved(read, -node.from);
    if (known?.root) known.root = flatString(known.root);
    if (syntaxByText.size >= MAX_TEXTS) syntaxByText.clear();
    // A copy: the key would otherwise keep this version of the document alive.
    syntaxByText.set(flatString(source), known);
  }
  return known && moved(known, node.from);
}

/** The syntax with its spans moved by `shift`. */
function moved(syntax: PlainSyntax, shift: number): PlainSyntax {
  const { target, more, construct, root, args } = syntax;
  return { ...syntax, target: target && movedSpan(target, shift), more: more.map((m) => movedSpan(m, shift)), construct: construct && movedSpan(construct, shift), root, args: args.map((a) => movedSpan(a, shift)) };
}

export function movedSpan(span: Span, shift: number): Span {
  return { from: span.from + shift, to: span.to + shift };
}
