/**
 * ONNX Runtime's telemetry (the 1DS SDK linked into libonnxruntime) opens /tmp/mat-debug-<pid>.log
 * (and a .ses file) when the first session is created, and never removes it. It reads
 * ORT_DISABLE_TELEMETRY from the process environment, so this must run on the main thread: a
 * worker's process.env is a copy that never reaches getenv().
 */
import { isMainThread } from 'node:worker_threads';

export function disableOrtTelemetry(): void {
  if (isMainThread) process.env.ORT_DISABLE_TELEMETRY = '1';
}
