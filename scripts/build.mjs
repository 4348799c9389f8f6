// Bundles with esbuild: the extension host, the sidebar webview, the CLI, the ONNX Runtime
// worker, and the benchmarks on request.
import { build } from 'esbuild';

const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'node20', platform: 'node', format: 'cjs' };
// onnxruntime-node ships native binaries and h5wasm is ESM with its own wasm: loaded from node_modules.
const external = ['onnxruntime-node', 'h5wasm'];
const targets = {
  // The extension host: `vscode` is provided by the editor; ORT is loaded only in its worker.
  extension: { ...common, external: ['vscode', ...external], entryPoints: ['extension/editor/main.ts'], outfile: 'dist/extension.js' },
  // The sidebar: a browser bundle; its CSS is copied next to it.
  webview: { bundle: true, minify: true, sourcemap: true, logLevel: 'warning', target: 'es2020', platform: 'browser', format: 'iife', entryPoints: ['webview/main.ts', 'webview/styles.css'], outdir: 'dist/webview' },
  cli: { ...common, external, entryPoints: ['extension/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  worker: { ...common, external, entryPoints: ['extension/runtime/ort/worker.ts'], outfile: 'dist/ort-worker.js' },
  // The editor's runs: analysis, lowering and ONNX Runtime, all off the extension host's thread.
  runWorker: { ...common, external, entryPoints: ['extension/runtime/run_worker.ts'], outfile: 'dist/run-worker.js' },
  // The editor's live analysis: one DocumentSession per open document, off the extension host's thread.
  analysisWorker: { ...common, external, entryPoints: ['extension/engine/session/analysis_worker.ts'], outfile: 'dist/analysis-worker.js' },
  // tfjs stays external: its backends register themselves as side effects esbuild would drop.
  bench: { ...common, external: [...external, '@tensorflow/*'], entryPoints: ['bench/analysis.bench.ts'], outfile: 'dist/bench.js' },
  benchEditor: { ...common, external, entryPoints: ['bench/editor_keystroke.bench.ts'], outfile: 'dist/bench-editor.js' },
  benchRun: { ...common, external: [...external, '@tensorflow/*'], entryPoints: ['bench/run.bench.ts'], outfile: 'dist/bench-run.js' },
};
const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : ['cli', 'worker', 'runWorker', 'analysisWorker', 'extension', 'webview'];
await Promise.all(names.map((n) => build(targets[n])));
console.log(`built ${names.map((n) => targets[n].outfile ?? targets[n].outdir).join(', ')}`);
