/** Messages the extension sends to the sidebar (plain JSON; mirrors extension/core/views/summary). */

export interface SummaryRow {
  name: string;
  type: string;
  family: string;
  line: number;
  column: number;
  outputShape: string;
  params: string;
  macs: string;
  rf: string;
  rfFraction: number | null;
  savings: string | null;
  inbound: string[];
}

export interface SummaryModel {
  name: string;
  variable: string | null;
  line: number;
  rows: SummaryRow[];
  totals: { params: string; trainable: string; nonTrainable: string; macs: string };
}

export interface RunView {
  model: string;
  weights: string;
  input: string;
  output: string;
  stats: string;
  latency: string;
  top5: string[] | null;
  receptiveField: string | null;
  erf: { rows: number; cols: number; step: number; values: number[] } | null;
  layers: { name: string; type: string; latency: string; fraction: number; zeros: string | null; fusedInto: string | null }[];
}

export type ToWebview =
  | { type: 'run'; file: string; run: RunView }
  | { type: 'summary'; file: string; models: SummaryModel[]; select: string | null; mode: 'diagram' | 'table' | null }
  | { type: 'highlight'; model: string | null; layer: string | null };

export type FromWebview =
  | { type: 'reveal'; line: number; column: number }
  | { type: 'ready' }
  | { type: 'export'; format: 'svg' | 'png'; model: string; data: string };
