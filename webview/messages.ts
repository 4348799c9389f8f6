/**
 * Messages between the extension and the sidebar: plain JSON. The view-model types are shared
 * with the extension (type-only imports: no extension code reaches the browser bundle).
 */
import type { SummaryModel } from '../extension/engine/views/summary';
import type { RunView } from '../extension/engine/views/run_view';

export type { SummaryModel, SummaryRow } from '../extension/engine/views/summary';
export type { RunView } from '../extension/engine/views/run_view';

export type ToWebview =
  /** `stale`: the file changed since the text the run was computed for. */
  | { type: 'run'; file: string; run: RunView; stale?: boolean }
  | { type: 'summary'; file: string; models: SummaryModel[]; select: string | null; mode: 'diagram' | 'table' | null; notice?: string; runnable?: boolean; runStale?: boolean }
  | { type: 'highlight'; model: string | null; layer: string | null };

export type FromWebview =
  | { type: 'reveal'; line: number; column: number }
  | { type: 'ready' }
  /** The "Run on sample" button of a view that offers one (a saved model's editor). */
  | { type: 'runSample'; model: string }
  | { type: 'export'; format: 'svg' | 'png'; model: string; data: string };
