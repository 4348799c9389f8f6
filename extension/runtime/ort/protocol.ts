/** Messages between the caller and the ONNX Runtime worker thread (plain, transferable data). */

export interface TensorData {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface RunRequest {
  type: 'run';
  id: number;
  /** Sessions are cached per key (model + weights hash). */
  key: string;
  /** Sent only when the worker does not hold the session yet (or always: it is cheap to keep). */
  model?: Uint8Array;
  feeds: TensorData[];
  fetch: string[];
  /** Collect per-node kernel times (a separate profiling session). */
  profile: boolean;
  threads: number;
  /** Timed repetitions after one warm-up run (the median is reported); 0 = a single cold run. */
  repeats: number;
}

export interface ProfileEvent {
  node: string;
  op: string;
  micros: number;
}

export interface RunResponse {
  type: 'result';
  id: number;
  outputs: TensorData[];
  /** Wall time of session.run, ms (median of the timed repetitions). */
  runMs: number;
  /** Session creation time when it happened for this request, ms. */
  loadMs: number | null;
  profile: ProfileEvent[] | null;
}

export interface ErrorResponse {
  type: 'error';
  id: number;
  message: string;
}

export type WorkerRequest = RunRequest | { type: 'drop'; key: string };
export type WorkerResponse = RunResponse | ErrorResponse;
