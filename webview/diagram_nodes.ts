/**
 * Which nodes the diagram shows: every layer, except that a collapsed group (a nested model or
 * custom layer unless expanded; a helper-function block when blocks are grouped) is one node with
 * the totals the host sent. Expanded nested models become boxes around their layers. Graph
 * plumbing only: the numbers shown all come in the summary JSON.
 */
import type { SummaryGroup, SummaryModel, SummaryRow } from './messages';

export interface DiagramNode {
  /** The row, or a collapsed group as a row (its totals from the host). */
  row: SummaryRow;
  /** A collapsed group's own record, null for a layer. */
  group: SummaryGroup | null;
  /** The expanded nested model whose box holds the node, or null. */
  parent: string | null;
}

export interface DiagramView {
  /** Helper-function blocks collapsed (the Group toggle). */
  grouped: boolean;
  /** Nested models and custom layers the user expanded (all others are collapsed). */
  expanded: ReadonlySet<string>;
}

export interface DiagramNodes {
  nodes: DiagramNode[];
  /** Expanded nested models shown as boxes, parents before children. */
  boxes: { group: SummaryGroup; parent: string | null }[];
  edges: { source: string; target: string }[];
  /** Every layer's node (itself, or the collapsed group that holds it). */
  nodeOf: Map<string, string>;
}

export function diagramNodes(model: SummaryModel, view: DiagramView): DiagramNodes {
  const groups = new Map((model.groups ?? []).map((g) => [g.name, g]));
  /** The groups holding a layer, outermost first. */
  const chain = (r: SummaryRow): SummaryGroup[] => {
    const out: SummaryGroup[] = [];
    for (let g = r.group ? groups.get(r.group) : undefined; g; g = g.parent ? groups.get(g.parent) : undefined) out.unshift(g);
    return out;
  };
  const nodeOf = new Map<string, string>();
  const nodes = new Map<string, DiagramNode>();
  const boxes = new Map<string, { group: SummaryGroup; parent: string | null }>();
  for (const r of model.rows) {
    let parent: string | null = null;
    let node: DiagramNode = { row: r, group: null, parent: null };
    for (const g of chain(r)) {
      const collapsed = g.container ? !view.expanded.has(g.name) : view.grouped;
      if (collapsed) {
        node = { row: groupRow(g, r), group: g, parent };
        break;
      }
      if (g.container) {
        if (!boxes.has(g.name)) boxes.set(g.name, { group: g, parent });
        parent = g.name;
      }
      node = { row: r, group: null, parent };
    }
    nodeOf.set(r.name, node.row.name);
    if (!nodes.has(node.row.name)) nodes.set(node.row.name, node);
  }
  const edges: { source: string; target: string }[] = [];
  const seen = new Set<string>();
  for (const r of model.rows) {
    const target = nodeOf.get(r.name)!;
    for (const s of r.inbound) {
      const source = nodeOf.get(s);
      const id = `${source}->${target}`;
      if (!source || source === target || seen.has(id)) continue;
      seen.add(id);
      edges.push({ source, target });
    }
  }
  return { nodes: [...nodes.values()], boxes: [...boxes.values()], edges, nodeOf };
}

/** A group drawn as one node (or one table row), with the figures the host computed for it. */
export function groupRow(g: SummaryGroup, first: SummaryRow): SummaryRow {
  return {
    name: g.name,
    type: g.type,
    family: 'group',
    line: g.line,
    column: g.column,
    outputShape: g.outputShape,
    params: g.params,
    macs: g.macs,
    rf: g.rf,
    rfFraction: g.rfFraction,
    savings: null,
    inbound: first.inbound,
    group: g.parent,
  };
}
