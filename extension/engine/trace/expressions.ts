/** Expression evaluation. Unknown inputs give unknown outputs; nothing here runs user code. */
import type { SyntaxNode } from '@lezer/common';
import { BUILTINS } from './builtins';
import { callValue, getAttr } from './calls';
import type { Interpreter } from './interpreter';
import { isPunct } from './interpreter';
import { kids } from './syntax_children';
import { literalArguments } from './literal_arguments';
import { binaryOp, subscript, unaryOp } from './operators';
import { formatWithSpec, parseNumber, parseStringLiteral } from './pyformat';
import { Scope } from './scope';
import { NestedTooDeeply } from './units';
import { bool, FuncValue, INEXACT_INT, iterate, list, NONE, repr, sequence, str, toStr, truthy, tuple, unknown, UNKNOWN_KWARGS, unknownSpread, Value } from './values';

/**
 * Expressions nested deeper than this end their statement as "nested too deeply", at the same
 * depth on every machine and run: left to the JS stack, a 50,000-deep `((((1))))` usually
 * overflowed, but once evaluated in full (frame sizes vary with the JIT). (CPython refuses more
 * than 200 nested brackets.)
 */
export const MAX_EXPRESSION_DEPTH = 1_200;

export function evalExpr(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
  if (it.expressionDepth >= MAX_EXPRESSION_DEPTH) throw new NestedTooDeeply();
  it.expressionDepth++;
  try {
    return evalNode(it, node, scope);
  } finally {
    it.expressionDepth--;
  }
}

function evalNode(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
  it.ctx.budget.step(node);
  switch (node.name) {
    case 'Number': {
      const n = parseNumber(it.ctx.source(node)) ?? unknown('complex number');
      if (n.t === 'unknown' && n.why === INEXACT_INT) it.ctx.diagnostics.info('inexact-size', `\`${it.ctx.source(node)}\` is past 2^53, more than ConvLens can compute exactly, so it is unknown.`, it.ctx.span(node));
      return n;
    }
    case 'String': {
      const s = parseStringLiteral(it.ctx.source(node));
      return s === null ? unknown('bytes literal') : str(s);
    }
    case 'ContinuedString': {
      let out = '';
      for (const part of kids(node)) {
        const v = evalExpr(it, part, scope);
        if (v.t !== 'str') return unknown('string');
        out += v.v;
      }
      return str(out);
    }
    case 'FormatString':
      return formatString(it, node, scope);
    case 'Boolean':
      return { t: 'bool', v: it.ctx.source(node) === 'True' };
    case 'None':
      return NONE;
    case 'Ellipsis':
      return { t: 'object', name: 'Ellipsis' };
    case 'VariableName':
      return lookupName(it, node, scope);
    case 'ParenthesizedExpression': {
      const inner = kids(node).filter((c) => !isPunct(c));
      return inner.length === 1 ? evalExpr(it, inner[0], scope) : tuple(inner.map((c) => evalExpr(it, c, scope)));
    }
    case 'TupleExpression':
    case 'ArrayExpression':
    case 'SetExpression': {
      const items = evalItems(it, node, scope);
      if (!items) return unknown('a display past the allocation budget');
      return node.name === 'TupleExpression' ? tuple(items) : list(items);
    }
    case 'DictionaryExpression':
      return evalDict(it, node, scope);
    case 'ArrayComprehensionExpression':
    case 'SetComprehensionExpression':
    case 'ComprehensionExpression': {
      const items = comprehension(it, node, scope, false) as Value[] | null;
      return items ? list(items) : unknown('comprehension');
    }
    case 'DictionaryComprehensionExpression': {
      const pairs = comprehension(it, node, scope, true) as [Value, Value][] | null;
      return pairs ? { t: 'dict', keys: pairs.map((p) => p[0]), vals: pairs.map((p) => p[1]) } : unknown('comprehension');
    }
    case 'MemberExpression':
      return member(it, node, scope);
    case 'CallExpression':
      return call(it, node, scope);
    case 'UnaryExpression': {
      const [opNode, operand] = kids(node);
      if (!operand) return unknown('incomplete expression');
      if (opNode.name === 'not') return notOf(it, operand, scope);
      return unaryOp(it.ctx.source(opNode), evalExpr(it, operand, scope));
    }
    case 'BinaryExpression':
      return binary(it, node, scope);
    case 'ConditionalExpression': {
      const [then, , cond, , otherwise] = kids(node);
      if (!otherwise) return unknown('incomplete expression');
      const t = truthy(evalExpr(it, cond, scope));
      if (t === null) return evalExpr(it, then, scope);
      return evalExpr(it, t ? then : otherwise, scope);
    }
    case 'LambdaExpression': {
      const parts = kids(node);
      const body = parts[parts.length - 1];
      const fn: FuncValue = { t: 'func', name: '<lambda>', params: it.parseParams(parts.find((p) => p.name === 'ParamList'), scope), body, isLambda: true, closure: scope };
      return fn;
    }
    case 'NamedExpression': {
      const [target, , value] = kids(node);
      const v = value ? evalExpr(it, value, scope) : unknown('incomplete');
      if (target) scope.assign(it.ctx.source(target), v);
      return v;
    }
    default:
      return unknown(`\`${node.name}\` expressions`);
  }
}

function lookupName(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
  const name = it.ctx.source(node);
  const v = scope.lookup(name) ?? BUILTINS.get(name);
  if (v?.t === 'tensor') it.ctx.noteTensorName(node, name, v.tensor);
  if (v) return v;
  it.ctx.diagnostics.info('undefined-name', `\`${name}\` is not defined here (or comes from code ConvLens does not read); it is treated as unknown.`, it.ctx.span(node));
  return unknown(`undefined name ${name}`);
}

/** The items of a tuple, list or set display; null when a `*x` in it passes the allocation budget. */
function evalItems(it: Interpreter, node: SyntaxNode, scope: Scope): Value[] | null {
  const out: Value[] = [];
  let refused = false;
  const parts = kids(node);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (isPunct(p)) continue;
    if (p.name === '*') {
      const v = parts[i + 1] ? evalExpr(it, parts[++i], scope) : unknown('star');
      const items = iterate(v, it.ctx);
      if (!items) out.push(unknown('unpacked unknown iterable'));
      else if (it.ctx.allocate(items.length)) pushAll(out, items);
      else refused = true;
      continue;
    }
    out.push(evalExpr(it, p, scope));
  }
  return refused ? null : out;
}

function evalDict(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
  const keys: Value[] = [];
  const vals: Value[] = [];
  const parts = kids(node).filter((c) => c.name !== '{' && c.name !== '}' && c.name !== ',');
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].name === '**') {
      const other = parts[i + 1] ? evalExpr(it, parts[++i], scope) : unknown('**');
      if (other.t === 'dict' && it.ctx.allocate(2 * other.keys.length)) {
        pushAll(keys, other.keys);
        pushAll(vals, other.vals);
      }
      continue;
    }
    const k = evalExpr(it, parts[i], scope);
    if (parts[i + 1]?.name === ':' && parts[i + 2]) {
      keys.push(k);
      vals.push(evalExpr(it, parts[i + 2], scope));
      i += 2;
    }
  }
  return { t: 'dict', keys, vals };
}

/** Appends `more` to `xs` one by one: spreading a huge array into push() overflows the stack. */
function pushAll<T>(xs: T[], more: readonly T[]): void {
  for (let i = 0, n = more.length; i < n; i++) xs.push(more[i]);
}

/**
 * [expr for targets in iterable (if cond)* (for ...)*], in a scope of its own. Null (unknown) when
 * an iterable is unknown or the result passes the allocation budget; each element is reserved.
 */
function comprehension(it: Interpreter, node: SyntaxNode, scope: Scope, isDict: boolean): Value[] | [Value, Value][] | null {
  const parts = kids(node).filter((c) => !['[', ']', '{', '}', '(', ')'].includes(c.name));
  const firstFor = parts.findIndex((p) => p.name === 'for');
  if (firstFor < 0) return [];
  const head = parts.slice(0, firstFor).filter((p) => p.name !== ':');
  const clauses: { kind: 'for' | 'if'; targets: SyntaxNode[]; expr: SyntaxNode }[] = [];
  for (let i = firstFor; i < parts.length; i++) {
    if (parts[i].name === 'for') {
      const inAt = parts.findIndex((p, j) => j > i && p.name === 'in');
      if (inAt < 0 || !parts[inAt + 1]) return null;
      clauses.push({ kind: 'for', targets: parts.slice(i + 1, inAt).filter((p) => !isPunct(p)), expr: parts[inAt + 1] });
      i = inAt + 1;
    } else if (parts[i].name === 'if' && parts[i + 1]) {
      clauses.push({ kind: 'if', targets: [], expr: parts[++i] });
    }
  }
  const inner = new Scope(scope);
  const out: (Value | [Value, Value])[] = [];
  let refused = false;
  const run = (k: number): boolean => {
    if (k === clauses.length) {
      if (!it.ctx.allocate(isDict ? 2 : 1)) {
        refused = true;
        return false;
      }
      if (isDict) out.push([evalExpr(it, head[0], inner), head[1] ? evalExpr(it, head[1], inner) : NONE]);
      else out.push(evalExpr(it, head[0], inner));
      return true;
    }
    const c = clauses[k];
    if (c.kind === 'if') {
      const t = truthy(evalExpr(it, c.expr, inner));
      return t === false ? true : run(k + 1);
    }
    const items = sequence(evalExpr(it, c.expr, inner), it.ctx);
    if (!items) return false;
    for (let i = 0, n = items.length; i < n; i++) {
      const item = items.at(i);
      if (item === undefined) break;
      it.ctx.budget.step(c.expr);
      if (c.targets.length === 1) inner.assign(it.ctx.source(c.targets[0]), item);
      else {
        const sub = iterate(item, it.ctx) ?? [];
        c.targets.forEach((t, j) => inner.assign(it.ctx.source(t), sub[j] ?? unknown('unpack')));
      }
      if (!run(k + 1)) return false;
    }
    return true;
  };
  if (!it.repeatedly(() => run(0))) {
    if (!refused) it.ctx.diagnostics.info('unknown-iterable', 'ConvLens could not evaluate what this comprehension iterates over; its value is unknown.', it.ctx.span(node));
    return null;
  }
  return out as Value[] | [Value, Value][];
}

function member(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
  const parts = kids(node);
  const obj = evalExpr(it, parts[0], scope);
  if (parts[1]?.name === '.') {
    if (!parts[2]) return unknown('incomplete attribute');
    return getAttr(it, obj, it.ctx.source(parts[2]), node);
  }
  return subscript(it, obj, parts.slice(2, parts[parts.length - 1]?.name === ']' ? -1 : undefined), scope);
}

function call(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
  const [calleeNode, argList] = kids(node);
  if (calleeNode.name === 'VariableName' && it.ctx.source(calleeNode) === 'super' && !scope.lookup('super')) return superOf(scope);
  const callee = evalExpr(it, calleeNode, scope);
  if (!argList) return callValue(it, callee, [], new Map(), node);
  const made = literalArguments(it, argList, MAX_EXPRESSION_DEPTH, () => evalArguments(it, argList, scope));
  return made ? callValue(it, callee, made.args, made.kwargs, node) : callValue(it, callee, [generatorItems(it, argList, scope)], new Map(), node);
}

/** A generator argument, f(x for x in xs): its items, as a list. */
function generatorItems(it: Interpreter, argList: SyntaxNode, scope: Scope): Value {
  const items = comprehension(it, argList, scope, false) as Value[] | null;
  return items ? list(items) : unknown('generator');
}

/** A call's arguments, in order; null for a generator argument (see generatorItems). */
function evalArguments(it: Interpreter, argList: SyntaxNode, scope: Scope): { args: Value[]; kwargs: Map<string, Value> } | null {
  const args: Value[] = [];
  const kwargs = new Map<string, Value>();
  const parts = kids(argList);
  if (parts.some((p) => p.name === 'for')) return null;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (isPunct(p)) continue;
    if (p.name === '*' || p.name === '**') {
      const v = parts[i + 1] ? evalExpr(it, parts[++i], scope) : unknown('star');
      if (p.name === '*') {
        const items = iterate(v, it.ctx);
        if (items && it.ctx.allocate(items.length)) pushAll(args, items);
        else args.push(unknownSpread('*args of unknown length'));
      } else if (v.t === 'dict') {
        it.ctx.work(v.keys.length);
        v.keys.forEach((k, j) => k.t === 'str' && kwargs.set(k.v, v.vals[j]));
      } else kwargs.set(UNKNOWN_KWARGS, unknownSpread('**kwargs with unknown keys'));
      continue;
    }
    if (p.name === 'VariableName' && parts[i + 1]?.name === 'AssignOp') {
      const value = parts[i + 2] ? evalExpr(it, parts[i + 2], scope) : unknown('incomplete argument');
      kwargs.set(it.ctx.source(p), value);
      i += 2;
      continue;
    }
    args.push(evalExpr(it, p, scope));
  }
  return { args, kwargs };
}

/** super() in a method: attribute lookups continue in the bases of the defining class. */
function superOf(scope: Scope): Value {
  for (let s: Scope | null = scope; s; s = s.parent) {
    if (s.method) return { t: 'super', self: s.method.self, cls: s.method.cls };
  }
  return unknown('super() outside a method');
}

function binary(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
  const parts = kids(node);
  if (parts.length < 3) return unknown('incomplete expression');
  const left = parts[0];
  const right = parts[parts.length - 1];
  const op = parts.slice(1, -1).map((p) => it.ctx.source(p)).join(' ');
  if (op === 'and' || op === 'or') {
    const a = evalExpr(it, left, scope);
    const t = truthy(a);
    if (t === null) {
      const b = evalExpr(it, right, scope);
      return truthy(b) === (op === 'or') ? b : unknown(`${op} of unknown`);
    }
    if (op === 'and') return t ? evalExpr(it, right, scope) : a;
    return t ? a : evalExpr(it, right, scope);
  }
  if (COMPARISONS.has(op) && comparisonOp(it, left)) return comparisonChain(it, node, scope);
  return binaryOp(it, op, evalExpr(it, left, scope), evalExpr(it, right, scope), node);
}

const COMPARISONS = new Set(['<', '>', '<=', '>=', '==', '!=', 'in', 'not in', 'is', 'is not']);

/** The comparison operator of an unparenthesized `a < b`, or null. */
function comparisonOp(it: Interpreter, node: SyntaxNode): string | null {
  if (node.name !== 'BinaryExpression') return null;
  const parts = kids(node);
  const op = parts.slice(1, -1).map((p) => it.ctx.source(p)).join(' ');
  return COMPARISONS.has(op) ? op : null;
}

/**
 * `a < b <= c`: the parser nests it as `(a < b) <= c`; Python means `a < b and b <= c`, each
 * operand evaluated once, stopping at the first false comparison.
 */
function comparisonChain(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
  const operands: SyntaxNode[] = [];
  const ops: string[] = [];
  let n = node;
  while (comparisonOp(it, n)) {
    const parts = kids(n);
    operands.unshift(parts[parts.length - 1]);
    ops.unshift(comparisonOp(it, n)!);
    n = parts[0];
  }
  operands.unshift(n);
  let a = evalExpr(it, operands[0], scope);
  let result: Value = bool(true);
  for (let i = 0; i < ops.length; i++) {
    const b = evalExpr(it, operands[i + 1], scope);
    const r = binaryOp(it, ops[i], a, b, node);
    const t = truthy(r);
    if (t === false) return r;
    if (t === null) result = r;
    else if (result.t !== 'unknown') result = r;
    a = b;
  }
  return result;
}

/**
 * `not x`. @lezer/python reads `not a and b` as `not (a and b)`; Python binds `not` tighter than
 * `and` / `or`, so the `not` goes to the leftmost operand: ((not a) and b).
 */
function notOf(it: Interpreter, operand: SyntaxNode, scope: Scope): Value {
  const parts = operand.name === 'BinaryExpression' ? kids(operand) : [];
  const op = parts.length === 3 ? it.ctx.source(parts[1]) : '';
  if (op !== 'and' && op !== 'or') return unaryOp('not', evalExpr(it, operand, scope));
  const a = notOf(it, parts[0], scope);
  const t = truthy(a);
  if (t === null) {
    const b = evalExpr(it, parts[2], scope);
    return truthy(b) === (op === 'or') ? b : unknown(`${op} of unknown`);
  }
  if (op === 'and') return t ? evalExpr(it, parts[2], scope) : a;
  return t ? a : evalExpr(it, parts[2], scope);
}

function formatString(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
  const text = it.ctx.source(node);
  const m = /^([fFrR]{1,2})('''|"""|'|")/.exec(text);
  if (!m) return unknown('f-string');
  const bodyStart = node.from + m[0].length;
  const bodyEnd = node.to - m[2].length;
  let out = '';
  let pos = bodyStart;
  const literal = (from: number, to: number) => it.ctx.text.slice(from, to).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  for (const rep of kids(node)) {
    if (rep.name !== 'FormatReplacement') continue;
    out += literal(pos, rep.from);
    pos = rep.to;
    const inner = kids(rep);
    const expr = inner.find((c) => !isPunct(c) && c.name !== 'FormatSpec' && c.name !== 'FormatConversion' && c.name !== '{' && c.name !== '}');
    if (!expr) return unknown('f-string');
    const v = evalExpr(it, expr, scope);
    if (v.t === 'unknown') return unknown('f-string with unknown value');
    const conv = inner.find((c) => c.name === 'FormatConversion');
    const specNode = inner.find((c) => c.name === 'FormatSpec');
    const spec = specNode ? it.ctx.source(specNode).replace(/^:/, '') : '';
    let base: Value = v;
    if (conv && it.ctx.source(conv).includes('r')) {
      const text = repr(v, it.ctx);
      if (text === null) return unknown('f-string past the allocation budget');
      base = str(text);
    }
    const formatted = spec ? formatWithSpec(base, spec, it.ctx) : toStr(base, it.ctx);
    if (formatted === null) return unknown('f-string format spec');
    out += formatted;
  }
  out += literal(pos, bodyEnd);
  return str(out);
}
