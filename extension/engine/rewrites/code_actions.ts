/**
 * Source rewrites behind the code actions, computed on the text (no editor): Conv2D ->
 * SeparableConv2D, Conv2D -> DepthwiseConv2D + 1x1 Conv2D, gridding-free dilation rates,
 * checkerboard-free transposed-conv kernels. Each returns edits, or null when the source is not
 * in a shape it can rewrite safely.
 */
import type { SyntaxNode } from '@lezer/common';
import type { LayerReport } from '../analysis/analyze';
import { parsePython, type TextEdit } from '../parse';
import type { Span } from '../source';

export interface SourceArg {
  /** Keyword name, or null for a positional argument. */
  keyword: string | null;
  /** The whole argument (keyword included), in document offsets. */
  span: Span;
  /** The value expression, in document offsets. */
  value: Span;
}

export interface CallSyntax {
  /** The callee (e.g. `layers.Conv2D`) and the class name inside it. */
  callee: Span;
  className: Span;
  args: SourceArg[];
  /** Offset just before the closing parenthesis. */
  closeParen: number;
}

/** Parses the constructor call at `span` of `text` (a small, separate parse of just that text). */
export function callSyntax(text: string, span: Span): CallSyntax | null {
  const source = text.slice(span.from, span.to);
  // The actions for one layer read its call two or three times: parsed once.
  const last = lastCallSyntax;
  if (last && last.from === span.from && last.source === source) return last.syntax;
  const syntax = readCallSyntax(source, span);
  lastCallSyntax = { from: span.from, source, syntax };
  return syntax;
}

/** The last call read (results are never changed by their readers). */
let lastCallSyntax: { from: number; source: string; syntax: CallSyntax | null } | null = null;

function readCallSyntax(source: string, span: Span): CallSyntax | null {
  const tree = parsePython(source);
  const call = tree.topNode.firstChild?.firstChild;
  if (!call || call.name !== 'CallExpression') return null;
  const callee = call.firstChild!;
  const argList = callee.nextSibling;
  if (!argList || argList.name !== 'ArgList' || argList.lastChild?.name !== ')') return null;
  const className = callee.name === 'MemberExpression' ? callee.lastChild! : callee;
  const args: SourceArg[] = [];
  const kids: SyntaxNode[] = [];
  for (let c = argList.firstChild; c; c = c.nextSibling) if (!['(', ')', ','].includes(c.name) && c.name !== 'Comment') kids.push(c);
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    if (k.name === '*' || k.name === '**') return null;
    if (k.name === 'VariableName' && kids[i + 1]?.name === 'AssignOp' && kids[i + 2]) {
      const value = kids[i + 2];
      args.push({ keyword: source.slice(k.from, k.to), span: { from: span.from + k.from, to: span.from + value.to }, value: { from: span.from + value.from, to: span.from + value.to } });
      i += 2;
    } else args.push({ keyword: null, span: { from: span.from + k.from, to: span.from + k.to }, value: { from: span.from + k.from, to: span.from + k.to } });
  }
  return {
    callee: { from: span.from + callee.from, to: span.from + callee.to },
    className: { from: span.from + className.from, to: span.from + className.to },
    args,
    closeParen: span.from + argList.lastChild!.from,
  };
}

/** Conv2D keyword arguments that SeparableConv2D spells differently. */
const SEPARABLE_RENAMES: Record<string, string[]> = {
  kernel_initializer: ['depthwise_initializer', 'pointwise_initializer'],
  kernel_regularizer: ['depthwise_regularizer', 'pointwise_regularizer'],
  kernel_constraint: ['depthwise_constraint', 'pointwise_constraint'],
};

function isPlainConv2D(layer: LayerReport): boolean {
  return layer.layer.type === 'Conv2D' && layer.savings !== null;
}

/** `Conv2D(f, k, ...)` -> `SeparableConv2D(f, k, ...)`, same arguments (same field, fewer weights). */
export function toSeparable(text: string, layer: LayerReport): TextEdit[] | null {
  if (!isPlainConv2D(layer)) return null;
  const call = callSyntax(text, layer.layer.span);
  if (!call) return null;
  // Positional arguments beyond dilation_rate differ between the two signatures.
  if (call.args.filter((a) => a.keyword === null).length > 6) return null;
  const edits: TextEdit[] = [{ from: call.className.from, to: call.className.to, insert: 'SeparableConv2D' }];
  for (const a of call.args) {
    if (a.keyword === 'groups') {
      const next = text.slice(a.span.to).match(/^\s*,\s*/);
      edits.push({ from: a.span.from, to: a.span.to + (next ? next[0].length : 0), insert: '' });
    }
    const renamed = a.keyword ? SEPARABLE_RENAMES[a.keyword] : undefined;
    if (renamed) {
      const value = text.slice(a.value.from, a.value.to);
      edits.push({ from: a.span.from, to: a.span.to, insert: renamed.map((n) => `${n}=${value}`).join(', ') });
    }
  }
  return edits;
}

const DEPTHWISE_KEYWORDS = new Set(['kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'use_bias']);
const POINTWISE_KEYWORDS = new Set(['filters', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint', 'name', 'data_format', 'trainable', 'dtype']);
const POSITIONAL = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate'];

/**
 * `Conv2D(f, k, strides=2, ...)(x)` -> `Conv2D(f, 1, ...)(DepthwiseConv2D(k, strides=2, ...)(x))`:
 * the spatial part moves to the depthwise conv, channel mixing, activation and name stay.
 * Only for a constructor called on the spot (the functional form).
 */
export function toDepthwisePointwise(text: string, layer: LayerReport): TextEdit[] | null {
  if (!isPlainConv2D(layer)) return null;
  const ctor = layer.layer.span;
  const callSpan = layer.call.span;
  if (callSpan.from !== ctor.from || callSpan.to <= ctor.to) return null;
  const call = callSyntax(text, ctor);
  if (!call) return null;
  const applied = text.slice(ctor.to, callSpan.to);
  const input = /^\(\s*([\s\S]*?)\s*\)$/.exec(applied);
  if (!input) return null;
  const depthwise: string[] = [];
  const pointwise: string[] = [];
  for (const [i, a] of call.args.entries()) {
    const name = a.keyword ?? POSITIONAL[i];
    if (!name || name === 'groups') return null;
    const value = text.slice(a.value.from, a.value.to);
    if (DEPTHWISE_KEYWORDS.has(name)) depthwise.push(name === 'kernel_size' ? value : `${name}=${value}`);
    if (POINTWISE_KEYWORDS.has(name)) pointwise.push(name === 'filters' ? value : `${name}=${value}`);
    if (!DEPTHWISE_KEYWORDS.has(name) && !POINTWISE_KEYWORDS.has(name)) return null;
  }
  if (!depthwise.length || !pointwise.length) return null;
  // kernel_size must come first in DepthwiseConv2D; filters first and kernel 1 in the 1x1 Conv2D.
  const k = depthwise.shift()!;
  const prefix = text.slice(call.callee.from, call.className.from);
  const dw = `${prefix}DepthwiseConv2D(${[k, ...depthwise].join(', ')})(${input[1]})`;
  const pw = `${prefix}Conv2D(${[pointwise[0], '1', ...pointwise.slice(1)].join(', ')})`;
  return [{ from: callSpan.from, to: callSpan.to, insert: `${pw}(${dw})` }];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The flagged layer's literal `dilation_rate=r` -> the nearest rate sharing no factor with `factor`. */
export function fixGridding(text: string, layer: LayerReport, factor: number): TextEdit[] | null {
  const call = callSyntax(text, layer.layer.span);
  const arg = call?.args.find((a) => a.keyword === 'dilation_rate') ?? call?.args.filter((a) => a.keyword === null)[5];
  if (!arg) return null;
  const literal = text.slice(arg.value.from, arg.value.to);
  if (!/^\d+$/.test(literal)) return null;
  const rate = Number(literal);
  let better = rate + 1;
  while (gcd(better, factor) !== 1) better++;
  return [{ from: arg.value.from, to: arg.value.to, insert: String(better) }];
}

/** Conv2DTranspose: the literal kernel_size rounded up to a multiple of the stride. */
export function fixCheckerboard(text: string, layer: LayerReport): TextEdit[] | null {
  const { kernel, config } = layer.layer;
  const fixed = kernel?.evenOverlapKernel && config !== null ? kernel.evenOverlapKernel(config) : null;
  const call = callSyntax(text, layer.layer.span);
  const arg = call?.args.find((a) => a.keyword === 'kernel_size') ?? call?.args.filter((a) => a.keyword === null)[1];
  if (!fixed || !arg) return null;
  const literal = text.slice(arg.value.from, arg.value.to);
  if (!/^(\d+|\(\s*\d+\s*,\s*\d+\s*\))$/.test(literal)) return null;
  const insert = fixed[0] === fixed[1] && /^\d+$/.test(literal) ? String(fixed[0]) : `(${fixed.join(', ')})`;
  return [{ from: arg.value.from, to: arg.value.to, insert }];
}

/** Applies non-overlapping edits (document offsets) to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.insert + out.slice(e.to);
  return out;
}
