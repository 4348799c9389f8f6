// End-to-end tests in a real VS Code (code-server) driven by playwright-core and Debian's chromium.
// Prints "N passed, N failed"; exits 1 on any failure. Screenshots go to test-results/e2e/.
// The cases live in cases_*.mjs (registered in the order imported here); harness.mjs holds what they share.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import pngjs from 'pngjs';
import { CHROMIUM_ARGS, ensureEditor, packageExtension, ROOT, startEditor } from '../../scripts/editor.mjs';
import { cases, diagramMode, pendingDocs, SHOTS, state } from './harness.mjs';
import './cases_editing.mjs';
import './cases_runs.mjs';
import './cases_sidebar_export.mjs';
import { restrictedModeCase } from './cases_live_editing.mjs';
import './cases_notebook_runs.mjs';

const { PNG } = pngjs;
/** The examples the cases open (as test/support/analyze.ts lists them for the unit tests). */
const EXAMPLE_FILES = ['deeplab_aspp.py', 'mobilenet_v1.py', 'subclassed_resnet.py', 'unet.py', 'vgg16.py', 'xception.py'];

let profileDir = '';

async function main() {
  ensureEditor();
  packageExtension();
  state.workspace = mkdtempSync(path.join(tmpdir(), 'convlens-e2e-ws-'));
  // A fixed list of examples (a file a user saved in examples/ is not part of the tests), and the E2E fixtures.
  for (const f of EXAMPLE_FILES) copyFileSync(path.join(ROOT, 'examples', f), path.join(state.workspace, f));
  const fixtures = path.join(ROOT, 'test', 'e2e', 'fixtures');
  for (const f of readdirSync(fixtures).filter((n) => n.endsWith('.py') || n.endsWith('.ipynb'))) copyFileSync(path.join(fixtures, f), path.join(state.workspace, f));
  // A model saved by real Keras (the weight goldens), opened as a model.
  copyFileSync(path.join(ROOT, 'test', 'goldens', 'weights', 'conv_kinds.keras'), path.join(state.workspace, 'conv_kinds.keras'));
  // A generated 1000-layer model: 333 x (Conv2D, BatchNormalization, ReLU) + Conv2D.
  const chain = ['import keras', 'from keras import layers', 'x = inputs = keras.Input(shape=(32, 32, 8))'];
  for (let i = 0; i < 333; i++) chain.push(`x = layers.Conv2D(8, 3, padding="same", name="conv_${i}")(x)`, `x = layers.BatchNormalization(name="bn_${i}")(x)`, `x = layers.ReLU(name="relu_${i}")(x)`);
  chain.push('x = layers.Conv2D(8, 1, name="head")(x)', 'model = keras.Model(inputs, x, name="chain")', '');
  writeFileSync(path.join(state.workspace, 'chain1000.py'), chain.join('\n'));
  // A sample image for Run on Sample: diagonal stripes.
  const png = new PNG({ width: 64, height: 64 });
  for (let i = 0; i < 64 * 64; i++) png.data.set((Math.floor(i / 64) + (i % 64)) % 16 < 8 ? [230, 200, 40, 255] : [30, 60, 160, 255], i * 4);
  writeFileSync(path.join(state.workspace, 'stripes.png'), PNG.sync.write(png));
  const profile = mkdtempSync(path.join(tmpdir(), 'convlens-e2e-profile-'));
  profileDir = profile;
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  // A pathological file: a loop that exhausts its share of the work budget, a model after it.
  writeFileSync(path.join(state.workspace, 'slow_loop.py'), 'import keras\nfrom keras import layers\n\ntotal = 0\nfor i in range(100000000):\n    total = total + i * i\n\nx = keras.Input((8, 8, 3))\nm = keras.Model(x, layers.Conv2D(4, 3)(x), name="after_loop")\n');
  // Typing tests type what they mean: no auto-closed brackets or quotes, no suggestions taking Enter.
  const settings = { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' }, 'editor.acceptSuggestionOnEnter': 'off', 'editor.wordBasedSuggestions': 'off' };
  const editor = await startEditor({ workspace: state.workspace, profile, settings });
  state.editorPid = editor.pid;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let passed = 0;
  let failed = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const t0 = Date.now();
    await page.goto(editor.url, { timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    console.log(`# workbench ready in ${Date.now() - t0} ms`);
    // CONVLENS_E2E_ONLY=<regex> runs only the matching cases (while working on one); npm test runs all.
    const only = process.env.CONVLENS_E2E_ONLY ? new RegExp(process.env.CONVLENS_E2E_ONLY, 'i') : null;
    for (const [i, c] of cases.entries()) {
      if (only && !only.test(c.name)) continue;
      const start = Date.now();
      pendingDocs.length = 0;
      try {
        await c.fn(page);
        if (process.env.CONVLENS_E2E_UPDATE_DOCS) for (const d of pendingDocs) copyFileSync(d.file, path.join(ROOT, 'docs', d.name));
        passed++;
        console.log(`ok ${i + 1} - ${c.name} (${Date.now() - start} ms)`);
      } catch (e) {
        failed++;
        console.log(`not ok ${i + 1} - ${c.name}\n  ${String(e.message).split('\n').join('\n  ')}`);
        await page.screenshot({ path: path.join(SHOTS, `${String(i + 1).padStart(2, '0')}.png`) });
        // One failed case must not fail the next: leave the view in the mode cases start from.
        await page.keyboard.press('Escape');
        await diagramMode(page).catch(() => {});
        continue;
      }
      await page.screenshot({ path: path.join(SHOTS, `${String(i + 1).padStart(2, '0')}.png`) });
    }
  } finally {
    await editor.stop();
    rmSync(profile, { recursive: true, force: true });
  }
  // Restricted Mode needs its own editor: workspace trust on, the folder not trusted.
  if (process.env.CONVLENS_E2E_ONLY && !/restricted/i.test(process.env.CONVLENS_E2E_ONLY)) {
    await browser.close();
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
    return;
  }
  const restrictedProfile = mkdtempSync(path.join(tmpdir(), 'convlens-e2e-restricted-'));
  const restricted = await startEditor({ workspace: state.workspace, profile: restrictedProfile, trust: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(restricted.url, { timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const start = Date.now();
    try {
      await restrictedModeCase(page);
      passed++;
      console.log(`ok ${cases.length + 1} - Restricted Mode keeps static analysis and asks for trust before running (${Date.now() - start} ms)`);
    } catch (e) {
      failed++;
      console.log(`not ok ${cases.length + 1} - Restricted Mode keeps static analysis and asks for trust before running\n  ${String(e.message).split('\n').join('\n  ')}`);
    }
    await page.screenshot({ path: path.join(SHOTS, 'restricted.png') });
  } finally {
    await browser.close();
    await restricted.stop();
    rmSync(restrictedProfile, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
