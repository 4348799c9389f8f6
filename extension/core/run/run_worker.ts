/** Worker-thread entry of the editor's runs: one RunJob per message, progress and a result back. */
import { parentPort } from 'node:worker_threads';
import { InProcessRunner } from '../../../kernels/runtime/in_process_runner';
import { runJob, type RunJob } from './run_job';

const runner = new InProcessRunner();

parentPort!.on('message', (job: RunJob) => {
  runJob(job, runner, (stage) => parentPort!.postMessage({ type: 'progress', stage })).then(
    (result) => {
      const transfer = [...result.featureMaps.map((f) => f.data.buffer as ArrayBuffer), ...(result.receptiveField?.erf ? [result.receptiveField.erf.values.buffer as ArrayBuffer] : [])];
      parentPort!.postMessage({ type: 'result', result }, transfer);
    },
    (e: Error) => parentPort!.postMessage({ type: 'error', message: e.message }),
  );
});
