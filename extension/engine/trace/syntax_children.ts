/** Children of syntax nodes, as the trace walks them: kept per node object for code run again. */
import type { SyntaxNode } from '@lezer/common';

/**
 * Children listed per node object, for code run again. A node object is an immutable view of the
 * tree, so its children never change; and the children listed here are the objects listed next
 * time, so a function body or loop run again walks the same objects and lists nothing anew
 * (listing made Lezer create every child again: a quarter of tracing Xception, whose blocks run a
 * helper 12 times). Code run once is listed as it is: its nodes are new at every trace, and
 * entering each in the map made re-tracing a 1000-layer file 40% slower.
 */
const childrenOf = new WeakMap<SyntaxNode, readonly SyntaxNode[]>();
/** Above 0 while code runs that ran before in this walk: a loop's later iterations, a function body called before. */
let walkingAgain = 0;
/** The bodies of functions called at least once (their nodes are the definition's, the same at every call). */
const bodiesRun = new WeakSet<SyntaxNode>();

/** Children of a node, skipping punctuation-free noise (comments, error nodes). Shared: never change the list. */
export function kids(node: SyntaxNode): readonly SyntaxNode[] {
  if (walkingAgain === 0) return listChildren(node);
  let known = childrenOf.get(node);
  if (!known) {
    known = listChildren(node);
    childrenOf.set(node, known);
  }
  return known;
}

function listChildren(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'Comment' || c.name === '⚠') continue;
    out.push(c);
  }
  return out;
}

/** Runs `walk` over code that ran before in this walk of the tree (see `kids`). */
export function walkedAgain<T>(walk: () => T): T {
  walkingAgain++;
  try {
    return walk();
  } finally {
    walkingAgain--;
  }
}

/** Whether code that ran before is being walked again (see `kids`). */
export function isWalkingAgain(): boolean {
  return walkingAgain > 0;
}

/** Whether a function body ran before (then its nodes are walked again); notes that it runs now. */
export function ranBefore(body: SyntaxNode): boolean {
  if (bodiesRun.has(body)) return true;
  bodiesRun.add(body);
  return false;
}
