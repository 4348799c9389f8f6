/**
 * Makes known values unknown: every number literal in the arguments of a Keras layer call
 * (`keras.Input(shape=(28, 28, 1))`, `layers.Conv2D(32, (3, 3), strides=2)`, `Dropout(0.5)`, ...)
 * becomes `U`, a name imported from a module that does not exist (`from unknown_config import U`).
 * Numbers inside a nested call that is not a layer call (`l2(1e-4)`) are left alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { parsePython } from '../../extension/engine/parse';
import { CORPUS } from './compare';

const LAYER_NAMES = new Set<string>(JSON.parse(readFileSync(path.join(CORPUS, 'keras_layer_names.json'), 'utf8')) as string[]);

export interface Replacement {
  line: number;
  call: string;
  literal: string;
}

function numbersIn(node: SyntaxNode, out: SyntaxNode[]): void {
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'Number') out.push(c);
    else if (c.name === 'CallExpression') continue; // its own call, handled (or left alone) by itself
    else numbersIn(c, out);
  }
}

export function withUnknowns(text: string): { text: string; replacements: Replacement[] } {
  const tree = parsePython(text);
  const found: { node: SyntaxNode; call: string }[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.name !== 'CallExpression') return;
      const node = ref.node;
      const callee = node.firstChild;
      const args = node.getChild('ArgList');
      if (!callee || !args) return;
      const name = text.slice(callee.from, callee.to).split('.').pop()!.trim();
      if (!LAYER_NAMES.has(name)) return;
      const numbers: SyntaxNode[] = [];
      numbersIn(args, numbers);
      for (const n of numbers) found.push({ node: n, call: name });
    },
  });
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const replacements = found
    .sort((a, b) => a.node.from - b.node.from)
    .map(({ node, call }) => ({ line: lineOf(node.from), call, literal: text.slice(node.from, node.to), from: node.from, to: node.to }));
  let out = text;
  for (const r of [...replacements].reverse()) out = out.slice(0, r.from) + 'U' + out.slice(r.to);
  // The import goes after any `from __future__` import (which must come first).
  const future = [...out.matchAll(/^from __future__ import[^\n]*\n/gm)].pop();
  const at = future ? future.index! + future[0].length : 0;
  out = `${out.slice(0, at)}from unknown_config import U\n${out.slice(at)}`;
  return { text: out, replacements: replacements.map(({ line, call, literal }) => ({ line, call, literal })) };
}
