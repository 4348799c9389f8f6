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

export type ToWebview =
  | { type: 'summary'; file: string; models: SummaryModel[]; select: string | null }
  | { type: 'highlight'; model: string | null; layer: string | null };

export type FromWebview = { type: 'reveal'; line: number; column: number } | { type: 'ready' };
