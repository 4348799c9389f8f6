/**
 * The protocol between the extension and the sidebar: messages and the view models they carry,
 * plain JSON with numbers pre-formatted (the webview does no Keras math). The engine's view
 * builders (engine/views/summary.ts, run_view.ts) import these types; this file imports nothing.
 */

/** Where a diagram node's source is and what it computes: a layer row's and a group's figures. */
export interface NodeFigures {
  /** 0-based line of the construction, for reveal. */
  line: number;
  column: number;
  outputShape: string;
  params: string;
  macs: string;
  rf: string;
  /** Receptive-field size relative to the input (0..1, 1 = global), for a bar. */
  rfFraction: number | null;
}

/** One layer row of the sidebar (built by engine/views/summary.ts). */
export interface SummaryRow extends NodeFigures {
  name: string;
  type: string;
  family: string;
  savings: string | null;
  inbound: string[];
  /**
   * The group the layer belongs to (a SummaryGroup's name): the innermost nested model or custom
   * layer holding it, else the helper-function call that made it ("double_conv#3") when that call
   * made no further helper calls (enclosing builders like build_unet are no group).
   */
  group: string | null;
}

/**
 * A node that stands for several layers: a nested model or custom layer (a backbone; collapsed by
 * default, its totals as Keras counts them) or one helper-function block (collapsed on request).
 */
export interface SummaryGroup extends NodeFigures {
  name: string;
  /** `Functional · 154 layers`, `ResidualBlock · 5 layers`, `double_conv() · 6 layers`. */
  type: string;
  /** A nested model or custom layer (one entry of its parent in Keras), not a helper block. */
  container: boolean;
  /** The container group holding this one, for nested models inside nested models. */
  parent: string | null;
}

export interface SummaryModel {
  /** Identifies the model in messages (ModelReport.key); `name` is what Keras calls it. */
  key: string;
  name: string;
  variable: string | null;
  line: number;
  rows: SummaryRow[];
  /** The groups rows name, parents before their children. */
  groups: SummaryGroup[];
  totals: { params: string; trainable: string; nonTrainable: string; macs: string };
}

/** A summary model as changes (summary_changes.ts): null for a row equal to the same row before. */
export type ModelChanges = Omit<SummaryModel, 'rows'> & { rows: (SummaryRow | null)[] };

/** The sidebar's view of a run (built by engine/views/run_view.ts). */
export interface RunView {
  model: string;
  weights: string;
  input: string;
  output: string;
  stats: string;
  latency: string;
  /** The five highest outputs, or null when there are none or they mean nothing (untrained weights). */
  top5: string[] | null;
  /** Why the predictions mean nothing (the weights are untrained initializers), or null. */
  untrained: string | null;
  receptiveField: string | null;
  /**
   * ERF samples normalised to 0..1, row-major; origin is the input pixel of the first sample.
   * `input` is the input's height and width, `analytical` the analytical field of the probed unit
   * in input pixels (inclusive; it may reach past the border into padding), `max` the largest
   * gradient magnitude the scale's 1 stands for.
   */
  erf: {
    rows: number; cols: number; step: number; origin: [number, number]; values: number[];
    input: [number, number] | null;
    analytical: { top: number; left: number; bottom: number; right: number };
    max: string;
  } | null;
  /** The input image (RGBA bytes, base64), when the run used one: the ERF is drawn over it. */
  image: { width: number; height: number; rgba: string } | null;
  layers: { name: string; type: string; latency: string; fraction: number; zeros: string | null; fusedInto: string | null }[];
  /** Feature-map thumbnails by layer: channels x height x width grey levels (bytes, base64). */
  thumbnails: Record<string, { channels: number; height: number; width: number; data: string }>;
}

export type ToWebview =
  /** `stale`: the file changed since the text the run was computed for. */
  | { type: 'run'; file: string; run: RunView; stale?: boolean }
  /** `seq`: this summary's number, for changes sent against it (summary_changes.ts). */
  | { type: 'summary'; file: string; models: SummaryModel[]; select: string | null; mode: 'diagram' | 'table' | null; notice?: string; runnable?: boolean; runStale?: boolean; seq?: number }
  /** The next summary as its changes from summary `base`; a webview that does not hold `base` asks for a whole one. */
  | { type: 'summaryChanges'; base: number; seq: number; file: string; models: ModelChanges[]; select: string | null; mode: 'diagram' | 'table' | null; runStale?: boolean }
  | { type: 'highlight'; model: string | null; layer: string | null }
  /** The document the last run described was closed: its results are dropped. */
  | { type: 'runCleared' };

export type FromWebview =
  | { type: 'reveal'; line: number; column: number }
  | { type: 'ready' }
  /** Changes came against a summary the webview does not hold: it asks for a whole one. */
  | { type: 'summaryWanted' }
  /** The "Run on sample" button of a view that offers one (a saved model's editor). */
  | { type: 'runSample'; model: string }
  | { type: 'export'; format: 'svg' | 'png'; model: string; data: string };
