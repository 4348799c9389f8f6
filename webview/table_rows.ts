/**
 * Which rows the table view shows: every layer, except that a nested model or custom layer holding
 * layers (a backbone) is one row with the totals the host sent until it is expanded; an expanded
 * one keeps its row (to fold it back) with its layers indented below. The same expanded set as the
 * diagram's. Row plumbing only: the numbers shown all come in the summary JSON.
 */
import { groupRow } from './diagram_nodes';
import type { SummaryGroup, SummaryModel, SummaryRow } from './messages';

export interface TableRow {
  /** The layer, or a container group as a row (its totals from the host). */
  row: SummaryRow;
  /** A container group's own record, null for a layer. */
  group: SummaryGroup | null;
  /** For a group row: whether its layers are shown below it. */
  expanded: boolean;
  /** How many expanded groups hold the row (its indentation). */
  depth: number;
  /** The expanded group whose layers it is listed among, or null (ArrowLeft goes there). */
  parent: string | null;
}

export interface TableRows {
  rows: TableRow[];
  /** Every layer's shown row: itself, or the collapsed group holding it (for highlighting). */
  rowOf: Map<string, string>;
}

export function tableRows(model: SummaryModel, expanded: ReadonlySet<string>): TableRows {
  const containers = new Map((model.groups ?? []).filter((g) => g.container).map((g) => [g.name, g]));
  /** The container groups holding a layer, outermost first (helper blocks are not folded here). */
  const chain = (r: SummaryRow): SummaryGroup[] => {
    const out: SummaryGroup[] = [];
    for (let g = r.group ? containers.get(r.group) : undefined; g; g = g.parent ? containers.get(g.parent) : undefined) out.unshift(g);
    return out;
  };
  const rows: TableRow[] = [];
  const rowOf = new Map<string, string>();
  const listed = new Set<string>();
  for (const r of model.rows) {
    let shown: string = r.name;
    let open = true;
    let depth = 0;
    let parent: string | null = null;
    for (const g of chain(r)) {
      const isOpen = expanded.has(g.name);
      if (!listed.has(g.name)) {
        listed.add(g.name);
        rows.push({ row: groupRow(g, r), group: g, expanded: isOpen, depth, parent });
      }
      shown = g.name;
      if (!isOpen) {
        open = false;
        break;
      }
      depth++;
      parent = g.name;
    }
    if (open) {
      shown = r.name;
      rows.push({ row: r, group: null, expanded: false, depth, parent });
    }
    rowOf.set(r.name, shown);
  }
  return { rows, rowOf };
}
