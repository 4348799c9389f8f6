/**
 * A child process's peak resident memory (VmHWM from /proc/<pid>/status, polled until it exits):
 * worker threads share the process, so the figure covers ONNX Runtime's worker too.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface PeakRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Highest VmHWM seen, bytes (0 when /proc is unavailable). */
  peakBytes: number;
}

function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function runWithPeakRss(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; pollMs?: number } = {}): Promise<PeakRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // VmHWM is the kernel's own high-water mark: polling only has to catch it before exit.
    const timer = setInterval(() => (peak = Math.max(peak, vmHwm(child.pid!))), options.pollMs ?? 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, peakBytes: peak });
    });
  });
}

if (require.main === module) {
  const [cmd, ...args] = process.argv.slice(2);
  void runWithPeakRss(cmd, args).then((r) => {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    console.log(`exit ${r.code}; peak RSS ${(r.peakBytes / 2 ** 20).toFixed(0)} MiB`);
  });
}
