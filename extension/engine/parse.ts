/** Incremental Python parsing with @lezer/python: edits reuse the previous tree's fragments. */
import { TreeFragment, type ChangedRange, type Tree } from '@lezer/common';
import { parser } from '@lezer/python';
import { lexablePointFloats } from './point_floats';

export interface TextEdit {
  /** Offsets in the old text. */
  from: number;
  to: number;
  /** The inserted text. */
  insert: string;
}

export class IncrementalParser {
  private fragments: readonly TreeFragment[] = [];
  private tree: Tree | null = null;

  /** Parses `text`, reusing the previous tree where `edits` (old -> new) left it unchanged. */
  parse(text: string, edits?: readonly TextEdit[]): Tree {
    if (this.tree && edits) {
      const ranges: ChangedRange[] = [];
      let shift = 0;
      for (const e of [...edits].sort((a, b) => a.from - b.from)) {
        ranges.push({ fromA: e.from, toA: e.to, fromB: e.from + shift, toB: e.from + shift + e.insert.length });
        shift += e.insert.length - (e.to - e.from);
      }
      this.fragments = TreeFragment.applyChanges(this.fragments, ranges);
    } else {
      this.fragments = [];
    }
    this.tree = parser.parse(lexablePointFloats(text), this.fragments);
    this.fragments = TreeFragment.addTree(this.tree, this.fragments);
    return this.tree;
  }
}

export function parsePython(text: string): Tree {
  return parser.parse(lexablePointFloats(text));
}
