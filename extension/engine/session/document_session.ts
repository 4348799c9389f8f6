/**
 * One open document: incremental parse on each change, bounded re-analysis, and the version the
 * analysis belongs to, so views never show results for an older text. No editor imports.
 */
import { analyze, sourceRefusal, type Analysis, type AnalyzeOptions } from '../analysis/analyze';
import { Tree, TreeBuffer } from '@lezer/common';
import { IncrementalParser, type TextEdit } from '../parse';
import { IncrementalTracer } from '../trace/incremental_trace';

export class DocumentSession {
  private parser = new IncrementalParser();
  /** Re-traces only the statements an edit can affect (the same result as tracing afresh). */
  readonly tracer = new IncrementalTracer();
  private current: { version: number; text: string; analysis: Analysis } | null = null;

  constructor(private readonly options: Omit<AnalyzeOptions, 'tree'> = {}) {}

  /** Re-analyses `text` (version `version`); `edits` (old-text offsets) let the parser reuse its tree. */
  update(text: string, version: number, edits?: readonly TextEdit[]): Analysis {
    if (sourceRefusal(text)) {
      // Not parsed at all; the next parse starts afresh (the old tree no longer matches the edits).
      this.parser = new IncrementalParser();
      this.tracer.reset();
      this.current = { version, text, analysis: analyze(text, this.options) };
      return this.current.analysis;
    }
    let tree = this.parser.parse(text, this.current ? edits : undefined);
    // Lezer's error recovery can differ when it reuses an earlier tree: so a tree with an error
    // node is parsed afresh (the analysis is always that of the text, not of its history).
    // Error-free incremental trees are a fresh parse's.
    if (edits && hasSyntaxError(tree)) {
      this.parser = new IncrementalParser();
      tree = this.parser.parse(text);
    }
    // The last analysis is let go before the next is made (nothing reads it meanwhile): what an
    // edit re-makes then dies before its replacement is made, instead of being copied with it.
    this.current = null;
    const analysis = analyze(text, { ...this.options, tree, tracer: (req) => this.tracer.trace(req) });
    this.current = { version, text, analysis };
    return analysis;
  }

  get version(): number | null {
    return this.current?.version ?? null;
  }

  get text(): string | null {
    return this.current?.text ?? null;
  }

  /** The analysis, only if it belongs to `version`. */
  analysisFor(version: number): Analysis | null {
    return this.current && this.current.version === version ? this.current.analysis : null;
  }
}

/**
 * Whether a tree holds an error node. Incremental parses reuse earlier subtrees (the same
 * objects), so what is known about them is remembered: each keystroke looks at the new nodes only.
 */
const holdsError = new WeakMap<Tree | TreeBuffer, boolean>();

function hasSyntaxError(tree: Tree | TreeBuffer): boolean {
  let found = holdsError.get(tree);
  if (found !== undefined) return found;
  if (tree instanceof TreeBuffer) {
    // Four numbers per node, its type first.
    const { buffer, set } = tree;
    found = false;
    for (let i = 0; i < buffer.length && !found; i += 4) found = set.types[buffer[i]].isError;
  } else {
    found = tree.type.isError || tree.children.some(hasSyntaxError);
  }
  holdsError.set(tree, found);
  return found;
}

