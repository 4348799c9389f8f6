// `npm start`: a real VS Code (code-server) with ConvLens and the examples open, plus the CLI.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ensureEditor, packageExtension, ROOT, startEditor } from './editor.mjs';

ensureEditor();
packageExtension();
const editor = await startEditor({
  workspace: path.join(ROOT, 'examples'),
  profile: path.join(ROOT, '.convlens-editor', 'profile'),
  port: Number(process.env.CONVLENS_PORT ?? 8080),
});
console.log('\nThe CLI on an example (convlens analyze examples/unet.py --quiet):\n');
try {
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'convlens.js'), 'analyze', path.join(ROOT, 'examples', 'unet.py'), '--quiet'], { stdio: 'inherit' });
} catch (e) {
  if (e.status !== 1) throw e;
}
console.log(`\nVS Code with ConvLens is running at ${editor.url}`);
console.log('Open it in a browser (on this machine), open a model in examples/ and hover a layer. Ctrl-C stops it.');
const stop = async () => {
  await editor.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
