/** Worker-thread entry of the editor's runs and exports: one job per message, progress and a result back. */
import { parentPort } from 'node:worker_threads';
import { InProcessRunner } from './ort/in_process_runner';
import { exportJob, JobFailure, runJob, type ExportJob, type RunJob } from './run_job';

const runner = new InProcessRunner();
const fail = (e: Error) => parentPort!.postMessage({ type: 'error', message: e.message, expected: e instanceof JobFailure });

parentPort!.on('message', (job: RunJob | ExportJob) => {
  if ('kind' in job && job.kind === 'export') {
    exportJob(job).then((result) => parentPort!.postMessage({ type: 'result', result }, [result.bytes.buffer as ArrayBuffer]), fail);
    return;
  }
  runJob(job as RunJob, runner, { progress: (stage) => parentPort!.postMessage({ type: 'progress', stage }) }).then(
    (result) => {
      const transfer = [
        ...result.featureMaps.map((f) => f.data.buffer as ArrayBuffer),
        ...(result.receptiveField?.erf ? [result.receptiveField.erf.values.buffer as ArrayBuffer] : []),
        ...(result.output ? [result.output.buffer as ArrayBuffer] : []),
      ];
      parentPort!.postMessage({ type: 'result', result }, [...new Set(transfer)]);
    },
    fail,
  );
});
