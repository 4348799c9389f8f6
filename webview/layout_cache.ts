/**
 * Diagram layouts kept by the graph's structure. Every node has one size, so ELK's layout depends
 * only on which nodes, boxes and edges there are, in which order: a keystroke that changes a
 * number (filters, a kernel size) changes labels, never the layout, and re-laying out a 1000-layer
 * model took ~0.6 s of the webview's thread per keystroke. A few structures are kept, so toggling
 * a group back and forth reuses both layouts too.
 */
import type { DiagramNodes } from './diagram_nodes';

/** What the layout depends on, as one string: boxes and nodes with their parents, and the edges, in order. */
export function structureKey(shown: Pick<DiagramNodes, 'nodes' | 'boxes' | 'edges'>): string {
  return JSON.stringify([
    shown.boxes.map((b) => [b.group.name, b.parent]),
    shown.nodes.map((n) => [n.row.name, n.parent]),
    shown.edges.map((e) => [e.source, e.target]),
  ]);
}

export class LayoutCache<Layout> {
  private readonly layouts = new Map<string, Layout>();

  constructor(private readonly capacity = 4) {}

  /** The layout made for this structure, if kept (it becomes the most recent). */
  get(key: string): Layout | undefined {
    const layout = this.layouts.get(key);
    if (layout !== undefined) {
      this.layouts.delete(key);
      this.layouts.set(key, layout);
    }
    return layout;
  }

  set(key: string, layout: Layout): void {
    this.layouts.delete(key);
    this.layouts.set(key, layout);
    // The oldest structures go first.
    while (this.layouts.size > this.capacity) this.layouts.delete(this.layouts.keys().next().value!);
  }
}
