/**
 * The messages between the editor and its analysis worker (the language-server way): the editor
 * sends documents and their changes, the worker answers with plain, serialisable view data.
 * Offsets are UTF-16 offsets into the document text of the version named.
 */
import type { Severity } from '../diagnostics';
import type { TraceLimits } from '../trace/budget';
import type { TextEdit } from '../parse';
import type { SummaryModel } from '../views/summary';

export interface AnalysisOptions {
  limits?: Partial<TraceLimits>;
  defaultInputShape?: (number | null)[];
}

export type ToAnalysisWorker =
  | { type: 'configure'; options: AnalysisOptions }
  | { type: 'open'; uri: string; version: number; text: string }
  /** The whole new text (cheap to send) and the edits since the version sent before (for the incremental parser). */
  | { type: 'change'; uri: string; version: number; text: string; edits: TextEdit[] }
  | { type: 'close'; uri: string }
  | { type: 'request'; id: number; uri: string; version: number; request: AnalysisRequest };

export type FromAnalysisWorker =
  /** Sent before each analysis, so the editor can tell a hung worker from a busy one. */
  | { type: 'analysing'; uri: string; version: number }
  /** `millis`: how long the analysis took, so the editor can give a slow document a worker of its own. */
  | { type: 'analysed'; uri: string; version: number; views: PostedViews; millis: number }
  /** `result` is null when the version asked about was replaced before it was analysed. */
  | { type: 'response'; id: number; result: unknown }
  | { type: 'failed'; id: number; message: string };

/** What the editor shows for every analysed version without asking. */
export interface DocumentViews {
  diagnostics: ViewDiagnostic[];
  /** In source order (by offset). */
  inlayHints: ViewInlayHint[];
  codeLenses: ViewCodeLens[];
}

/** `DocumentViews` as posted: in columns (posted_views.ts). */
export interface PostedViews {
  diagnostics: { from: number[]; to: number[]; severity: Severity[]; code: string[]; message: string[] };
  inlayHints: { offset: number[]; label: string[]; tooltip: string[] };
  codeLenses: ViewCodeLens[];
}

export interface ViewDiagnostic {
  from: number;
  to: number;
  severity: Severity;
  code: string;
  message: string;
}

export interface ViewInlayHint {
  /** The end of the layer call: the hint goes at the end of its line. */
  offset: number;
  label: string;
  tooltip: string;
}

export interface ViewCodeLens {
  /** Where the model is built: the lenses go above its line. */
  offset: number;
  model: string;
  totals: string;
}

export interface ViewHover {
  markdown: string;
  from: number;
  to: number;
}

export interface ViewModel {
  key: string;
  name: string;
  status: string;
  tooltip: string;
}

export interface ViewCodeAction {
  title: string;
  kind: 'quickfix' | 'rewrite';
  edits: TextEdit[];
  /** Indexes into the request's diagnostics that the action fixes. */
  fixes: number[];
  preferred: boolean;
}

/** Requests and the type of their answers. */
export interface AnalysisRequests {
  hover: { args: { offset: number }; result: ViewHover | null };
  /** The model nearest the offset, or (offset null) the file's main model. */
  model: { args: { offset: number | null }; result: ViewModel | null };
  layer: { args: { offset: number }; result: { model: string; layer: string } | null };
  summary: { args: Record<string, never>; result: SummaryModel[] };
  codeActions: { args: { offset: number; diagnostics: ViewDiagnostic[] }; result: ViewCodeAction[] };
}

export type RequestKind = keyof AnalysisRequests;
export type AnalysisRequest = { [K in RequestKind]: { kind: K; args: AnalysisRequests[K]['args'] } }[RequestKind];
