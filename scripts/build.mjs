// Bundles the CLI (and the bench, on request) with esbuild.
import { build } from 'esbuild';

const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'node20', platform: 'node', format: 'cjs' };
const targets = {
  cli: { ...common, entryPoints: ['extension/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // tfjs stays external: its backend registers itself as a side effect esbuild would drop.
  bench: { ...common, entryPoints: ['bench/analysis.bench.ts'], outfile: 'dist/bench.js', external: ['@tensorflow/*'] },
};
const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : ['cli'];
await Promise.all(names.map((n) => build(targets[n])));
console.log(`built ${names.map((n) => targets[n].outfile).join(', ')}`);
