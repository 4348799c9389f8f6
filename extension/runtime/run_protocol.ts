/** Messages between the editor and its run worker (dist/run-worker.js): one job in; progress, then one reply out. */
import type { ExportJob, ExportJobResult, RunJob, RunJobResult } from './run_job';

export type RunWorkerRequest = RunJob | ExportJob;

export type RunWorkerReply<R extends RunJobResult | ExportJobResult = RunJobResult | ExportJobResult> =
  | { type: 'progress'; stage: string }
  | { type: 'result'; result: R }
  /** `expected`: a failure the user can act on (a Keras error, a missing file), not a fault. */
  | { type: 'error'; message: string; expected: boolean };
