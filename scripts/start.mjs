// `npm start`: until the editor side lands, show the product through the CLI on an example model.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const example = process.argv[2] ?? 'examples/unet.py';
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
try {
  execFileSync(process.execPath, ['bin/convlens.js', 'analyze', example], { cwd: root, stdio: 'inherit' });
} catch (e) {
  // Exit status 1 only means the example has error diagnostics; they were printed above.
  if (e.status !== 1) throw e;
}
