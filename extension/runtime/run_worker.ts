/** Worker-thread entry of the editor's runs and exports: one job per message, progress and a result back. */
import { parentPort } from 'node:worker_threads';
import { InProcessRunner } from './ort/in_process_runner';
import { exportJob, JobFailure, runJob, type RunJob } from './run_job';
import type { RunWorkerReply, RunWorkerRequest } from './run_protocol';

const runner = new InProcessRunner();
const reply = (m: RunWorkerReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);
const fail = (e: Error) => reply({ type: 'error', message: e.message, expected: e instanceof JobFailure });

parentPort!.on('message', (job: RunWorkerRequest) => {
  if ('kind' in job && job.kind === 'export') {
    exportJob(job).then((result) => reply({ type: 'result', result }, [result.bytes.buffer as ArrayBuffer]), fail);
    return;
  }
  runJob(job as RunJob, runner, { progress: (stage) => reply({ type: 'progress', stage }) }).then(
    (result) => {
      const transfer = [
        ...result.featureMaps.map((f) => f.data.buffer as ArrayBuffer),
        ...(result.receptiveField?.erf ? [result.receptiveField.erf.values.buffer as ArrayBuffer] : []),
        ...(result.output ? [result.output.buffer as ArrayBuffer] : []),
      ];
      reply({ type: 'result', result }, [...new Set(transfer)]);
    },
    fail,
  );
});
