// Bundles the extension host, the CLI and (later) the webview with esbuild.
import { build } from 'esbuild';

const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'node20' };

await Promise.all([
  build({ ...common, entryPoints: ['extension/cli/bin.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } }),
]);
console.log('built dist/cli.js');
