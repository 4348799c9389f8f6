/**
 * The extension host's own heap, measured after a full garbage collection: SIGUSR1 opens Node's
 * inspector in the running host (on 127.0.0.1:9229, Node's default), and the DevTools protocol
 * collects garbage and reads the heap. VmRSS alone cannot show that superseded results are freed
 * (the allocator keeps freed pages); the collected heap can.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// playwright-core ships a WebSocket client (Node 20 has none without a flag).
const { ws: WebSocket } = createRequire(import.meta.url)('playwright-core/lib/utilsBundle');
const PORT = 9229;

async function targetOf() {
  const res = await fetch(`http://127.0.0.1:${PORT}/json/list`).catch(() => null);
  return res ? (await res.json())[0] ?? null : null;
}

export async function openHostInspector(pid) {
  let target = await targetOf();
  if (!target) {
    process.kill(pid, 'SIGUSR1');
    for (let i = 0; i < 100 && !target; i++) {
      await new Promise((r) => setTimeout(r, 100));
      target = await targetOf();
    }
  }
  if (!target) throw new Error(`the extension host (pid ${pid}) opened no inspector on port ${PORT}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map();
  socket.on('message', (data) => {
    const m = JSON.parse(String(data));
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(`${m.error.message}`));
    else p.resolve(m.result);
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, method, params }));
  });
  // Another process's inspector on the port is not ours.
  const { result } = await send('Runtime.evaluate', { expression: 'process.pid' });
  if (result.value !== pid) {
    socket.close();
    throw new Error(`port ${PORT} holds the inspector of pid ${result.value}, not of the extension host (pid ${pid})`);
  }
  return {
    /**
     * Memory held by JS after two full collections, in MiB (one decimal): the heap in use plus
     * external memory (array buffers: a run's tensors and thumbnails live there).
     */
    async heapMiB() {
      await send('HeapProfiler.collectGarbage');
      await send('HeapProfiler.collectGarbage');
      const { result } = await send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
      const { heapUsed, external } = JSON.parse(result.value);
      return Math.round(((heapUsed + external) / 2 ** 20) * 10) / 10;
    },
    close() {
      socket.close();
    },
  };
}

/** Threads of a process (0 when it is gone) and its CPU time so far, in clock ticks. */
export function processThreadsAndCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    // Fields after the command: state is [0], utime [11], stime [12], threads [17].
    if (stat[0] === 'Z') return { alive: false, threads: 0, cpuTicks: 0 };
    return { alive: true, threads: Number(stat[17]), cpuTicks: Number(stat[11]) + Number(stat[12]) };
  } catch {
    return { alive: false, threads: 0, cpuTicks: 0 };
  }
}

/** The extension host processes under the code-server process `editorPid`. */
export function extensionHostPids(editorPid) {
  const parentOf = (pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
  const pids = [];
  for (const entry of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('extensionHost')) continue;
      for (let p = Number(entry); p > 1; p = parentOf(p)) if (p === editorPid) pids.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}
