// `npm start`: a real VS Code (code-server) with ConvLens, protected by a generated password, with
// workspace trust on, opened on a copy of the examples in a folder of the user's (outside the
// repository, so files saved there never join the tests), plus the CLI on an example.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureEditor, packageExtension, ROOT, startEditor } from './editor.mjs';

/** The user's workspace: CONVLENS_WORKSPACE, else ~/convlens-examples; the examples copied in once, never overwritten. */
function userWorkspace() {
  const dir = path.resolve(process.env.CONVLENS_WORKSPACE ?? path.join(os.homedir(), 'convlens-examples'));
  if (dir === ROOT || dir.startsWith(ROOT + path.sep)) throw new Error(`CONVLENS_WORKSPACE must be outside the repository (${ROOT}): files saved there would become test inputs`);
  mkdirSync(dir, { recursive: true });
  const examples = path.join(ROOT, 'examples');
  for (const name of readdirSync(examples)) {
    const target = path.join(dir, name);
    if (!existsSync(target)) copyFileSync(path.join(examples, name), target);
  }
  return dir;
}

ensureEditor();
packageExtension();
const workspace = userWorkspace();
const password = process.env.CONVLENS_PASSWORD || randomBytes(18).toString('base64url');
const editor = await startEditor({
  workspace,
  profile: path.join(ROOT, '.convlens-editor', 'profile'),
  port: Number(process.env.CONVLENS_PORT ?? 8080),
  trust: true,
  password,
  settings: {
    // The folder opens in Restricted Mode until trusted: analysis works there, runs ask for trust.
    // It cannot be trusted in advance: code-server 4.100 (VS Code 1.100 for the web) keeps trusted
    // folders in the browser's IndexedDB, which no flag, setting or user-data-dir file reaches.
    'security.workspace.trust.startupPrompt': 'always',
    'security.workspace.trust.untrustedFiles': 'prompt',
  },
});
console.log('\nThe CLI on an example (convlens analyze examples/unet.py --quiet):\n');
try {
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'convlens.js'), 'analyze', path.join(ROOT, 'examples', 'unet.py'), '--quiet'], { stdio: 'inherit' });
} catch (e) {
  if (e.status !== 1) throw e;
}
console.log(`\nVS Code with ConvLens is running at ${editor.url}`);
console.log(`Password: ${password}`);
console.log(`Workspace: ${workspace} (a copy of examples/; your files stay there, outside the repository)`);
console.log('When VS Code asks whether you trust the authors of this folder, answer Yes to allow Run on Sample');
console.log('(static analysis works either way). Open a model and hover a layer. Ctrl-C stops it.');
const stop = async () => {
  await editor.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
