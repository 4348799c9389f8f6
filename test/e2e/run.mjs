// End-to-end tests in a real VS Code (code-server) driven by playwright-core and Debian's chromium.
// Prints "N passed, N failed"; exits 1 on any failure. Screenshots go to test-results/e2e/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import pngjs from 'pngjs';
import { CHROMIUM_ARGS, ensureEditor, packageExtension, ROOT, startEditor } from '../../scripts/editor.mjs';

const { PNG } = pngjs;
/** The examples the cases open (as test/support/analyze.ts lists them for the unit tests). */
const EXAMPLE_FILES = ['deeplab_aspp.py', 'mobilenet_v1.py', 'subclassed_resnet.py', 'unet.py', 'vgg16.py', 'xception.py'];
const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const cases = [];
const test = (name, fn) => cases.push({ name, fn });

function cli(file) {
  return JSON.parse(execFileSync(process.execPath, [path.join(ROOT, 'bin', 'convlens.js'), 'analyze', file, '--json'], { encoding: 'utf8' }).toString());
}

/** The editor of the active group (other tabs keep hidden editors in the DOM). */
const ACTIVE_EDITOR = '.part.editor .editor-group-container.active .monaco-editor';

/** Opens a workspace file through Quick Open; `textEditor: false` for files shown in a custom editor. */
async function openFile(page, name, { textEditor = true } = {}) {
  for (let round = 0; ; round++) {
    try {
      await quickOpen(page, name);
      await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 20_000 });
      break;
    } catch (e) {
      // A busy machine can swallow a click while the list re-renders: start over once.
      if (round === 1) throw e;
      await page.keyboard.press('Escape');
    }
  }
  if (textEditor) await page.locator(`${ACTIVE_EDITOR} .view-line`).first().waitFor({ timeout: 20_000 });
}

async function quickOpen(page, name) {
  // Quick Open works whichever side bar is showing; focus may sit in a webview, so retry after
  // giving it back to the workbench.
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Control+P');
    if (await input.waitFor({ timeout: 2_000 }).then(() => true, () => false)) break;
    if (attempt === 3) throw new Error('Quick Open did not open');
    await page.keyboard.press('Escape');
    await page.locator('.part.editor .title, .part.editor .editor-group-container').first().click({ position: { x: 5, y: 5 } }).catch(() => {});
  }
  await input.fill(name);
  // Click the matching entry (Enter could still hit the unfiltered first row). Right after start
  // the file index may still be filling: type the name again until the entry shows.
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
  for (let attempt = 0; !(await row.waitFor({ timeout: 10_000 }).then(() => true, () => false)); attempt++) {
    if (attempt === 3) throw new Error(`Quick Open does not list ${name}`);
    await input.fill('');
    await input.fill(name);
  }
  await row.click({ timeout: 10_000 });
}

/** Hovers the word `word` on the first visible line containing `lineText` (robust to token splits). */
async function hoverWord(page, lineText, word, selector = ACTIVE_EDITOR) {
  await pointAtWord(page, lineText, word, selector);
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  await hover.waitFor({ timeout: 15_000 });
  // Hover providers answer asynchronously (the analysis lives in a worker): read the card once
  // its text has stopped changing.
  let text = await hover.innerText();
  for (let stable = 0, i = 0; stable < 3 && i < 100; i++) {
    await page.waitForTimeout(100);
    const now = await hover.innerText().catch(() => text);
    stable = now === text && !/Loading\.\.\./.test(now) ? stable + 1 : 0;
    text = now;
  }
  return text;
}

/** Moves the mouse onto the word `word` on the first visible line containing `lineText`. */
async function pointAtWord(page, lineText, word, selector = ACTIVE_EDITOR) {
  const rect = await page.evaluate(({ selector, lineText, word }) => {
    for (const line of document.querySelectorAll(`${selector} .view-line`)) {
      const text = line.textContent.replace(/\u00a0/g, ' ');
      if (!text.includes(lineText)) continue;
      const at = text.indexOf(word, text.indexOf(lineText));
      // Walk the text nodes to the character offset and measure it with a DOM Range.
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let seen = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const len = node.textContent.length;
        if (at + 2 < seen + len) {
          const range = document.createRange();
          range.setStart(node, at + 2 - seen);
          range.setEnd(node, at + 3 - seen);
          const r = range.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }
        seen += len;
      }
    }
    return null;
  }, { selector, lineText, word });
  if (!rect) throw new Error(`"${word}" on a line with "${lineText}" is not visible`);
  await page.mouse.move(rect.x, rect.y);
  await page.mouse.move(rect.x + 1, rect.y);
}

async function gotoLine(page, line, column) {
  // Focus the editor group first (a click could land on sticky-scroll or a widget).
  await page.keyboard.press('Control+1');
  await page.keyboard.press('Control+G');
  await page.keyboard.type(column ? `${line}:${column}` : String(line));
  await page.keyboard.press('Enter');
}

/** Shows the ConvLens view (clicking its icon when it is already shown would hide the side bar). */
async function showConvLens(page) {
  const item = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label="ConvLens"]') });
  const visible = await page.locator('.part.sidebar').isVisible();
  if (!visible || !(await item.getAttribute('class')).includes('checked')) await item.locator('a').click();
}

function sidebar(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * MobileNet v1 (alpha 1, 224x224) MACs by hand from its architecture (Howard et al. 2017, Table 1):
 * a 3x3/2 conv to 32 channels, 13 depthwise 3x3 + pointwise blocks, and the 1x1 classifier conv.
 * The convs alone give the paper's 569M Mult-Adds (Table 8); every conv is followed by a
 * BatchNormalization (one multiply-add per output element) and the global average pooling adds
 * each of its 7x7x1024 inputs once.
 */
function mobilenetV1Macs() {
  const blocks = [[112, 32, 64, 1], [112, 64, 128, 2], [56, 128, 128, 1], [56, 128, 256, 2], [28, 256, 256, 1], [28, 256, 512, 2],
    ...Array(5).fill([14, 512, 512, 1]), [14, 512, 1024, 2], [7, 1024, 1024, 1]];
  let convs = 112 * 112 * 3 * 3 * 3 * 32;
  let batchNorm = 112 * 112 * 32;
  for (const [size, cin, cout, stride] of blocks) {
    const out = (size / stride) ** 2;
    convs += out * 3 * 3 * cin + out * cin * cout;
    batchNorm += out * cin + out * cout;
  }
  convs += 1024 * 1000;
  if (Math.round(convs / 1e6) !== 569) throw new Error(`hand count ${convs} is not the paper's 569M`);
  return convs + batchNorm + 7 * 7 * 1024;
}

/**
 * The README's pictures, taken by the cases that check what they show: saved under
 * test-results/e2e/docs/ and, with CONVLENS_E2E_UPDATE_DOCS=1, copied into docs/.
 */
const DOCS_SHOTS = path.join(SHOTS, 'docs');
async function docsShot(page, name) {
  mkdirSync(DOCS_SHOTS, { recursive: true });
  const file = path.join(DOCS_SHOTS, name);
  await page.screenshot({ path: file });
  // Copied once the whole case has passed: a picture of a failed check never reaches the README.
  pendingDocs.push({ file, name });
  return file;
}
let pendingDocs = [];

/** Share of pixels in `box` that differ between two PNG screenshots of the page. */
function changedShare(pngA, pngB, box) {
  const a = PNG.sync.read(readFileSync(pngA));
  const b = PNG.sync.read(readFileSync(pngB));
  let changed = 0;
  let total = 0;
  for (let y = Math.max(0, Math.floor(box.y)); y < Math.min(a.height, box.y + box.height); y++) {
    for (let x = Math.max(0, Math.floor(box.x)); x < Math.min(a.width, box.x + box.width); x++) {
      const i = (y * a.width + x) * 4;
      total++;
      if (Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]) > 24) changed++;
    }
  }
  return total ? changed / total : 0;
}

/**
 * Takes a README picture of the visible hover and proves it shows the hover: the card lies inside
 * the picture, and its area changes once the hover is dismissed.
 */
async function hoverPicture(page, name) {
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  await page.waitForTimeout(300);
  const box = await hover.boundingBox();
  const viewport = page.viewportSize();
  if (!box || box.width < 150 || box.height < 60 || box.x < 0 || box.y < 0 || box.x + box.width > viewport.width || box.y + box.height > viewport.height) throw new Error(`the hover is not fully on screen: ${JSON.stringify(box)}`);
  const file = await docsShot(page, name);
  // The card as the browser draws it, alone: the picture must hold the same pixels where it lies.
  const card = path.join(SHOTS, `${name}.card.png`);
  await hover.screenshot({ path: card });
  const cardPng = PNG.sync.read(readFileSync(card));
  const shot = PNG.sync.read(readFileSync(file));
  let same = 0;
  const x0 = Math.round(box.x);
  const y0 = Math.round(box.y);
  for (let y = 0; y < cardPng.height && y0 + y < shot.height; y++) {
    for (let x = 0; x < cardPng.width && x0 + x < shot.width; x++) {
      const i = (y * cardPng.width + x) * 4;
      const j = ((y0 + y) * shot.width + x0 + x) * 4;
      if (Math.abs(cardPng.data[i] - shot.data[j]) + Math.abs(cardPng.data[i + 1] - shot.data[j + 1]) + Math.abs(cardPng.data[i + 2] - shot.data[j + 2]) <= 24) same++;
    }
  }
  const sameShare = same / (cardPng.width * cardPng.height);
  await page.keyboard.press('Escape');
  await hover.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
  const without = path.join(SHOTS, `${name}.without-hover.png`);
  await page.screenshot({ path: without });
  // And the card is not blank: its area changes when it closes (text covers ~5-15% of a card).
  const changed = changedShare(file, without, box);
  if (sameShare < 0.97 || changed < 0.04) throw new Error(`${name} does not show the hover: ${(sameShare * 100).toFixed(1)}% of the card's pixels are in the picture, ${(changed * 100).toFixed(1)}% of its area changed when it closed`);
  return changed;
}

test('the extension activates on opening a Keras file', async (page) => {
  await openFile(page, 'mobilenet_v1.py');
  // 4,253,864 params: real Keras' count (test/goldens/applications/MobileNet.json: 4,231,976 + 21,888).
  const macs = `${(mobilenetV1Macs() / 1e6).toFixed(2)}M`.replace('.', '\\.');
  await page.locator('.statusbar-item', { hasText: new RegExp(`mobilenet_1\\.00_224: 4,253,864 params · ${macs} MACs`) }).waitFor({ timeout: 30_000 });
});

test('hovering a Conv2D shows its output shape, params and receptive field; a tensor variable its shape', async (page) => {
  await openFile(page, 'hover.py');
  await page.locator('.statusbar-item', { hasText: /hover_demo/ }).waitFor({ timeout: 20_000 });
  const text = await hoverWord(page, 'layers.Conv2D(32', 'Conv2D');
  for (const expected of [/c1\s+Conv2D\s+in model\s+hover_demo/, /Output shape\s+\(None, 32, 32, 32\)/, /Params\s+4,640 \(4,640 trainable, 0 non-trainable\)/, /Receptive field\s+3 x 3 px, stride 1 x 1, padding 1 x 1/, /As SeparableConv2D\s+688 params \(-85\.2%\)/]) {
    if (!expected.test(text)) throw new Error(`hover lacks ${expected}:\n${text}`);
  }
  await page.keyboard.press('Escape');
  // A variable holding a tensor: its shape and the layer that made it.
  const tensor = await hoverWord(page, 'name="c1")(inputs', 'inputs');
  if (!/inputs: KerasTensor \(None, 32, 32, 16\)/.test(tensor) || !/Output of input_layer\s+InputLayer/.test(tensor)) throw new Error(`tensor hover:\n${tensor}`);
  await page.keyboard.press('Escape');
  // The README's hover picture: the Conv2D card, checked to be in the picture.
  await hoverWord(page, 'layers.Conv2D(32', 'Conv2D');
  await hoverPicture(page, 'hover.png');
});

test('hovering a layer built in a helper function called 9 times shows one card listing every call', async (page) => {
  const convs = cli(path.join(workspace, 'unet.py')).models[0].layers.filter((l) => l.type === 'Conv2D' && /_conv[12]$/.test(l.name));
  if (convs.length !== 18) throw new Error(`${convs.length} double_conv Conv2D layers in the analysis`);
  await openFile(page, 'unet.py');
  await page.locator('.statusbar-item', { hasText: /unet: 7,768,995 params/ }).waitFor({ timeout: 30_000 });
  await page.locator(`${ACTIVE_EDITOR} .codelens-decoration`, { hasText: 'unet:' }).first().waitFor({ timeout: 30_000 }).catch(() => {});
  let text = '';
  for (let attempt = 0; attempt < 3 && !/on this line: 18 layers/.test(text); attempt++) {
    if (attempt) {
      await page.mouse.move(5, 5);
      await page.waitForTimeout(500);
    }
    text = await hoverWord(page, 'x = layers.Conv2D(filters, 3', 'Conv2D');
    for (let i = 0; i < 20 && /^Loading/.test(text.trim()); i++) {
      await page.waitForTimeout(250);
      text = await page.locator('.monaco-hover:not(.hidden)').first().innerText();
    }
  }
  // One card: one heading, every call named, the totals; no stack of savings messages before it.
  if ((text.match(/on this line: 18 layers in model\s+unet/g) ?? []).length !== 1) throw new Error(`not one card for the 18 calls:\n${text}`);
  for (const l of convs) if (!text.includes(l.name)) throw new Error(`the card lacks ${l.name}:\n${text}`);
  // Keras (test/goldens/examples/unet.json): down0_conv1 maps (128, 128, 3) to (128, 128, 32) with 864 weights.
  if (!/down0_conv1\s+128×128×3\s+128×128×32\s+864\s+3x3/.test(text)) throw new Error(`first row:\n${text}`);
  const total = convs.reduce((n, l) => n + l.params, 0).toLocaleString('en-US');
  if (!new RegExp(`Total\\s+${total}`).test(text)) throw new Error(`no total of ${total}:\n${text}`);
  if ((text.match(/\(savings-separable\)/g) ?? []).length > 1) throw new Error(`stacked savings messages:\n${text}`);
  await hoverPicture(page, 'hover-calls.png');
});

test('a Keras build error is in the Problems panel on the right line', async (page) => {
  await openFile(page, 'keras_error.py');
  await page.keyboard.press('Control+Shift+M');
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: /Computed output size would be zero or negative/ }).first();
  await row.waitFor({ timeout: 20_000 });
  const text = await row.innerText();
  if (!/\[Ln 6, Col 5\]/.test(text)) throw new Error(`expected the error on line 6, column 5:\n${text}`);
  await docsShot(page, 'problems.png');
  await page.keyboard.press('Control+Shift+M');
});

test('a code action replaces Conv2D by SeparableConv2D and the totals update', async (page) => {
  await openFile(page, 'hover.py');
  await page.locator('.statusbar-item', { hasText: /hover_demo: 4,640 params/ }).waitFor({ timeout: 20_000 });
  await gotoLine(page, 5, 14);
  await page.keyboard.press('Control+.');
  const item = page.locator('.action-widget .monaco-list-row', { hasText: /Replace with SeparableConv2D/ }).first();
  await item.waitFor({ timeout: 15_000 });
  // The preferred fix is focused in the quick-fix menu: Enter applies it.
  if (!(await item.getAttribute('class')).includes('focused')) throw new Error('the SeparableConv2D fix is not the preferred one');
  await page.keyboard.press('Enter');
  // 3*3*16 depthwise + 16*32 pointwise + 32 bias = 688.
  await page.locator('.statusbar-item', { hasText: /hover_demo: 688 params/ }).waitFor({ timeout: 20_000 });
  const line = await page.locator(`${ACTIVE_EDITOR} .view-line`, { hasText: /SeparableConv2D/ }).first().innerText();
  if (!/layers\.SeparableConv2D\(32, 3, padding="same", name="c1"\)\(inputs\)/.test(line.replace(/\u00a0/g, ' '))) throw new Error(`unexpected edit: ${line}`);
  await page.keyboard.press('Control+Z');
  await page.locator('.statusbar-item', { hasText: /hover_demo: 4,640 params/ }).waitFor({ timeout: 20_000 });
});

test('opening a .keras file shows its model as Keras saved it: every layer in the diagram', async (page) => {
  const keras = JSON.parse(readFileSync(path.join(ROOT, 'test', 'goldens', 'weights', 'manifest.json'), 'utf8')).cases.conv_kinds;
  await openFile(page, 'conv_kinds.keras', { textEditor: false });
  // Webviews float above the workbench, outside the editor part: take the visible one.
  const view = page.locator('iframe.webview.ready:visible').first().contentFrame().frameLocator('iframe#active-frame');
  await view.locator('svg.diagram g.node').first().waitFor({ timeout: 30_000 });
  const shown = await view.locator('svg.diagram g.node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-layer')));
  const expected = keras.layers.map((l) => l.name);
  if ([...shown].sort().join() !== [...expected].sort().join()) throw new Error(`diagram ${shown.join(',')} vs Keras ${expected.join(',')}`);
  const totals = await view.locator('.header .totals').innerText();
  if (!totals.startsWith(`${keras.total_params.toLocaleString('en-US')} params`)) throw new Error(`totals: ${totals} (Keras: ${keras.total_params})`);
  await page.screenshot({ path: path.join(SHOTS, 'saved-model.png') });
  // Run on sample from the saved model's own view, with the weights saved in the file.
  await view.locator('vscode-button', { hasText: 'Run on sample' }).click();
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Random noise' }).click();
  const weights = view.locator('section.run dd.fact-weights');
  await weights.waitFor({ timeout: 90_000 });
  if (!/conv_kinds\.keras/.test(await weights.innerText())) throw new Error(`weights: ${await weights.innerText()}`);
  if (!/^\d+\.\d+ ms/.test(await view.locator('section.run dd.fact-latency').innerText())) throw new Error('no latency');
  await page.screenshot({ path: path.join(SHOTS, 'saved-model-run.png') });
  await page.keyboard.press('Control+W');
});
test('the sidebar diagram of the U-Net shows every layer; a click reveals the source; the cursor highlights the node; it exports as SVG and PNG', async (page) => {
  const doc = cli(path.join(workspace, 'unet.py'));
  const layers = doc.models[0].layers;
  await openFile(page, 'unet.py');
  await showConvLens(page);
  const view = sidebar(page);
  await view.locator('svg.diagram g.node').first().waitFor({ timeout: 30_000 });
  const shown = await view.locator('svg.diagram g.node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-layer')));
  const expected = layers.map((l) => l.name);
  if (shown.length !== expected.length || [...shown].sort().join() !== [...expected].sort().join()) throw new Error(`diagram nodes differ from the analysis: ${shown.length} vs ${expected.length}`);
  const edges = await view.locator('svg.diagram path.edge').count();
  const inbound = layers.reduce((n, l) => n + l.inbound.length, 0);
  if (edges < inbound) throw new Error(`${edges} edges drawn for ${inbound} connections`);
  const up3 = layers.find((l) => l.name === 'up3');
  await view.locator('g.node[data-layer="up3"]').dispatchEvent('click');
  await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${up3.line}, Col ${up3.column}`) }).waitFor({ timeout: 10_000 });
  const mask = layers.find((l) => l.name === 'mask');
  await gotoLine(page, mask.line, mask.column + 2);
  await view.locator('g.node.active[data-layer="mask"]').waitFor({ state: 'attached', timeout: 10_000 });
  await docsShot(page, 'diagram-unet.png');
  // Export as SVG through the save dialog (VS Code's simple dialog, prefilled beside the model).
  await view.locator('vscode-button', { hasText: 'SVG' }).click();
  const dialog = page.locator('.quick-input-widget input');
  await dialog.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  const exported = path.join(workspace, 'unet.svg');
  const deadline = Date.now() + 10_000;
  while (!existsSync(exported) && Date.now() < deadline) await page.waitForTimeout(200);
  const svgText = existsSync(exported) ? readFileSync(exported, 'utf8') : '';
  if (!svgText.startsWith('<svg') || !svgText.includes('up3') || (svgText.match(/class="node /g) ?? []).length !== layers.length) throw new Error(`exported SVG is incomplete (${svgText.length} chars)`);
  // And as PNG (drawn through a canvas in the webview).
  await view.locator('vscode-button', { hasText: 'PNG' }).click();
  await dialog.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  const png = path.join(workspace, 'unet.png');
  const pngDeadline = Date.now() + 10_000;
  while (!existsSync(png) && Date.now() < pngDeadline) await page.waitForTimeout(200);
  // The file may still be being written: wait until its size holds still.
  for (let last = -1; existsSync(png) && statSync(png).size !== last && Date.now() < pngDeadline; await page.waitForTimeout(300)) last = statSync(png).size;
  const bytes = existsSync(png) ? readFileSync(png) : Buffer.alloc(0);
  if (bytes.length < 1000 || bytes.readUInt32BE(0) !== 0x89504e47) throw new Error(`exported PNG is missing or invalid (${bytes.length} bytes)`);
  const decoded = PNG.sync.read(bytes);
  if (decoded.height < decoded.width) throw new Error(`the U-Net PNG should be taller than wide: ${decoded.width}x${decoded.height}`);
  // Grouping collapses each double_conv call (9 of them, 6 layers each) into one node.
  await view.locator('vscode-button', { hasText: 'Group' }).click();
  await view.locator('svg.diagram g.node.family-group').first().waitFor({ timeout: 10_000 });
  const groupedCount = await view.locator('svg.diagram g.node').count();
  if (groupedCount !== layers.length - 9 * 6 + 9) throw new Error(`${groupedCount} nodes when grouped`);
  await page.screenshot({ path: path.join(SHOTS, 'diagram-unet-grouped.png') });
  await view.locator('vscode-button', { hasText: 'Group' }).click();
  await view.locator('svg.diagram g.node.family-group').first().waitFor({ state: 'detached', timeout: 10_000 });
  // Fit shows the whole graph: zoomed out until its full height is inside the view.
  await view.locator('vscode-button', { hasText: 'Fit' }).click();
  const fitted = await view.locator('svg.diagram').evaluate((svg) => {
    const r = svg.getBoundingClientRect();
    const g = svg.querySelector('g.viewport').getBoundingClientRect();
    return { scale: Number(svg.dataset.scale), inside: g.top >= r.top - 1 && g.bottom <= r.bottom + 1 && g.left >= r.left - 1 && g.right <= r.right + 1 };
  });
  if (!(fitted.scale < 1) || !fitted.inside) throw new Error(`Fit did not fit the U-Net's every layer: ${JSON.stringify(fitted)}`);
  // The table view lists the same layers.
  await view.locator('vscode-button', { hasText: 'Table' }).click();
  await view.locator('tr.row[data-layer="up3"]').waitFor({ timeout: 10_000 });
  await view.locator('vscode-button', { hasText: 'Diagram' }).click();
});

test('Run on Sample on MobileNet v1 shows latency and output stats; hovers answer during the run', async (page) => {
  await openFile(page, 'mobilenet_v1.py');
  // The results go to the ConvLens view (which a run never opens by itself): show it.
  await showConvLens(page);
  await page.locator('.statusbar-item', { hasText: /mobilenet_1\.00_224/ }).waitFor({ timeout: 20_000 });
  // The CodeLens sits above the line that builds the model.
  await gotoLine(page, cli(path.join(workspace, 'mobilenet_v1.py')).models[0].line);
  await page.locator(`${ACTIVE_EDITOR} .codelens-decoration a`, { hasText: 'Run on sample' }).first().click();
  const quickPick = page.locator('.quick-input-widget');
  await quickPick.locator('.monaco-list-row', { hasText: 'Random noise' }).click();
  await quickPick.locator('.monaco-list-row', { hasText: 'Declared initializers' }).click();
  const started = Date.now();
  // While the model runs in its worker, the editor must keep answering.
  const hover = await hoverWord(page, 'layers.Conv2D(classes', 'Conv2D');
  const hoverMs = Date.now() - started;
  if (!/conv_preds\s+Conv2D/.test(hover)) throw new Error(`unexpected hover during the run:\n${hover}`);
  const view = sidebar(page);
  const latency = view.locator('section.run dd.fact-latency');
  await latency.waitFor({ timeout: 90_000 });
  const runMs = Date.now() - started;
  const text = await latency.innerText();
  if (!/^\d+\.\d+ ms/.test(text)) throw new Error(`latency: ${text}`);
  const output = await view.locator('section.run dd.fact-output').innerText();
  if (!/min .* max .* mean .* std/.test(output)) throw new Error(`output stats: ${output}`);
  const rf = await view.locator('section.run dd.fact-receptive-field').innerText();
  if (!/conv_pw_13_relu .*\(agrees\)/.test(rf)) throw new Error(`receptive field: ${rf}`);
  if ((await view.locator('section.run .lat-row').count()) < 80) throw new Error('per-layer latency rows missing');
  if (!/^\d+%$/.test(await view.locator('section.run .lat-row[data-layer="conv1_relu"] .lat-zeros').innerText())) throw new Error('no dead-ReLU share');
  // Every figure at one x: the times right-aligned in one column, with or without a zeros share.
  const rights = await view.locator('section.run .lat-row:not(.lat-head) .lat-time').evaluateAll((spans) => spans.slice(0, 40).map((s) => Math.round(s.getBoundingClientRect().right)));
  if (new Set(rights).size !== 1) throw new Error(`latency figures at ${new Set(rights).size} x positions: ${[...new Set(rights)].join(', ')}`);
  // MACs per layer, as the analysis gives them (conv1: 112x112 positions x 3x3x3 taps x 32 filters = 10.84M).
  const conv1Macs = await view.locator('section.run .lat-row[data-layer="conv1"] .lat-macs').innerText();
  if (conv1Macs !== '10.84M') throw new Error(`conv1 MACs: ${conv1Macs}`);
  // Random weights: a plain statement instead of a flat top-5.
  const predictions = await view.locator('section.run dd.fact-predictions').innerText();
  if (!/mean nothing until trained weights are given/.test(predictions)) throw new Error(`predictions: ${predictions}`);
  if (await view.locator('section.run dd.fact-top-5').count()) throw new Error('a top-5 of random weights is shown');
  // The ERF: a smooth heatmap with its colour scale.
  await view.locator('section.run canvas.erf-image').waitFor({ timeout: 10_000 });
  await view.locator('section.run .erf-legend .erf-scale').waitFor({ timeout: 10_000 });
  await view.locator('section.run .lat-row[data-layer="conv1_relu"]').click();
  const maps = await view.locator('.map-grid[data-layer="conv1_relu"] canvas.map').count();
  if (maps !== 8) throw new Error(`${maps} feature-map thumbnails for conv1_relu`);
  await page.mouse.move(700, 800);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  await docsShot(page, 'run-results.png');
  console.log(`# hover answered ${hoverMs} ms into the run; the run with its receptive-field probe took ${runMs} ms`);
  if (hoverMs > runMs) throw new Error('the hover only answered after the run');
});

test('Run on Sample with a workspace image draws the effective receptive field over it', async (page) => {
  await openFile(page, 'small_cnn.py');
  await page.locator('.statusbar-item', { hasText: /small_cnn/ }).waitFor({ timeout: 20_000 });
  // The results go to the ConvLens view (which a run never opens by itself): show it.
  await showConvLens(page);
  await gotoLine(page, cli(path.join(workspace, 'small_cnn.py')).models[0].line);
  await page.locator(`${ACTIVE_EDITOR} .codelens-decoration a`, { hasText: 'Run on sample' }).first().click();
  const quickPick = page.locator('.quick-input-widget');
  await quickPick.locator('.monaco-list-row', { hasText: 'stripes.png' }).click();
  await quickPick.locator('.monaco-list-row', { hasText: 'Declared initializers' }).click();
  const view = sidebar(page);
  await view.locator('section.run canvas.erf-image').waitFor({ timeout: 60_000 });
  const label = await view.locator('section.run canvas.erf-image').getAttribute('aria-label');
  if (!/over the 48x48 input/.test(label)) throw new Error(label);
  await view.locator('section.run .erf-legend .erf-scale').waitFor({ timeout: 10_000 });
  // Per-layer figures in fixed columns: every time at one x.
  const rights = await view.locator('section.run .lat-row:not(.lat-head) .lat-time').evaluateAll((spans) => spans.map((s) => Math.round(s.getBoundingClientRect().right)));
  if (rights.length < 5 || new Set(rights).size !== 1) throw new Error(`latency figures at ${new Set(rights).size} x positions (${rights.length} rows)`);
  // MACs as counted by hand: 48x48 positions x 3x3x3 taps x 8 filters = 497,664.
  const macs = await view.locator('section.run .lat-row[data-layer="conv2d"] .lat-macs').innerText();
  if (macs !== '497.7K') throw new Error(`conv2d MACs: ${macs}`);
  // Initializer weights: a plain statement, no flat top-5.
  if (!/mean nothing until trained weights are given/.test(await view.locator('section.run dd.fact-predictions').innerText())) throw new Error('no statement about untrained weights');
  if (await view.locator('section.run dd.fact-top-5').count()) throw new Error('a top-5 of random weights is shown');
  // The finished run took nothing from the user: the keyboard focus is still in the editor.
  if (!(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')))) throw new Error('the run moved the focus out of the editor');
  await docsShot(page, 'run-image.png');
});

test('a keras.applications backbone: its call hovers as one entry, its diagram node collapses and expands, the model runs on an image', async (page) => {
  await openFile(page, 'transfer.py');
  await page.locator('.statusbar-item', { hasText: /(transfer|mobilenetv2_0\.35_96): [\d,]+ params/ }).waitFor({ timeout: 30_000 });
  // CodeLens rows appear once the analysis is in and push the lines down: hover after they show.
  await page.locator(`${ACTIVE_EDITOR} .codelens-decoration`, { hasText: 'transfer:' }).waitFor({ timeout: 30_000 });
  let hover = '';
  for (let attempt = 0; attempt < 3 && !/mobilenetv2_0\.35_96\s+Functional/.test(hover); attempt++) {
    if (attempt) {
      await page.mouse.move(5, 5);
      await page.waitForTimeout(500);
    }
    hover = await hoverWord(page, 'x = base(inputs)', 'base');
    for (let i = 0; i < 20 && /^Loading/.test(hover.trim()); i++) {
      await page.waitForTimeout(250);
      hover = await page.locator('.monaco-hover:not(.hidden)').first().innerText();
    }
  }
  // Real Keras: mobilenetv2_0.35_96 holds 410,208 params, frozen here.
  if (!/mobilenetv2_0\.35_96\s+Functional/.test(hover) || !/410,208 \(0 trainable, 410,208 non-trainable\)/.test(hover)) throw new Error(`backbone hover:\n${hover}`);
  await page.keyboard.press('Escape');
  const line = cli(path.join(workspace, 'transfer.py')).models.find((m) => m.name === 'transfer').line;
  await gotoLine(page, line);
  // The CodeLens of the transfer model (the backbone, a model too, has its own above it).
  const lens = page.locator(`${ACTIVE_EDITOR} .codelens-decoration`, { hasText: 'transfer:' });
  await lens.locator('a', { hasText: 'Show diagram' }).click();
  const view = sidebar(page);
  await view.locator('svg.diagram g.node[data-layer="dense"]').waitFor({ timeout: 30_000 });
  const expanded = await view.locator('svg.diagram g.node').count();
  await view.locator('vscode-button', { hasText: 'Group' }).click();
  const backbone = view.locator('svg.diagram g.node[data-layer="mobilenetv2_0.35_96"]');
  await backbone.waitFor({ timeout: 10_000 });
  if (!/Functional · \d+ layers/.test(await backbone.textContent())) throw new Error(`collapsed node: ${await backbone.textContent()}`);
  if ((await view.locator('svg.diagram g.node').count()) !== 4) throw new Error('the grouped model should show input, backbone, pooling and head');
  await page.screenshot({ path: path.join(SHOTS, 'backbone-collapsed.png') });
  await view.locator('vscode-button', { hasText: 'Group' }).click();
  await backbone.waitFor({ state: 'detached', timeout: 10_000 });
  if ((await view.locator('svg.diagram g.node').count()) !== expanded) throw new Error('expanding shows every layer again');
  // Run the transfer-learning model on the workspace image.
  await lens.locator('a', { hasText: 'Run on sample' }).click();
  const quickPick = page.locator('.quick-input-widget');
  await quickPick.locator('.monaco-list-row', { hasText: 'stripes.png' }).click();
  await quickPick.locator('.monaco-list-row', { hasText: 'Declared initializers' }).click();
  await view.locator('section.run dd.fact-latency').waitFor({ timeout: 90_000 });
  const title = await view.locator('section.run h3').first().textContent();
  if (!/\(1, 96, 96, 3\) → \(1, 3\)/.test(title)) throw new Error(`run: ${title}`);
  await page.screenshot({ path: path.join(SHOTS, 'backbone-run.png') });
});

test('the sidebar follows the theme (light, dark, high contrast) and keeps its state when hidden and shown', async (page) => {
  await openFile(page, 'unet.py');
  await showConvLens(page);
  const view = sidebar(page);
  const fill = () => view.locator('svg.diagram g.node .box').first().evaluate((e) => getComputedStyle(e).fill);
  await view.locator('svg.diagram g.node').first().waitFor({ timeout: 30_000 });
  const light = await fill();
  const fills = { light };
  const pickTheme = async (theme) => {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(theme);
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: theme }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
  };
  for (const theme of ['Dark Modern', 'Dark High Contrast', 'Light Modern']) {
    await pickTheme(theme);
    const deadline = Date.now() + 15_000;
    let now = await fill();
    while (Object.values(fills).includes(now) && Date.now() < deadline) {
      await page.waitForTimeout(300);
      now = await fill();
    }
    if (theme === 'Light Modern') break;
    if (Object.values(fills).includes(now)) throw new Error(`node fill did not change for ${theme}: ${now}`);
    fills[theme] = now;
    await page.screenshot({ path: path.join(SHOTS, `theme-${theme.toLowerCase().replace(/ /g, '-')}.png`) });
  }
  // Hide the view (show the Explorer) and show it again: model, mode and grouping persist.
  await view.locator('vscode-button', { hasText: 'Group' }).click();
  await view.locator('svg.diagram g.node.family-group').first().waitFor({ timeout: 10_000 });
  await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').click();
  await showConvLens(page);
  await sidebar(page).locator('svg.diagram g.node.family-group').first().waitFor({ timeout: 20_000 });
  await sidebar(page).locator('vscode-button', { hasText: 'Group' }).click();
});

test('ConvLens: Export to ONNX writes a model (lowered in the worker)', async (page) => {
  await openFile(page, 'hover.py');
  await page.locator('.statusbar-item', { hasText: /hover_demo/ }).waitFor({ timeout: 20_000 });
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill('>ConvLens: Export to ONNX');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ConvLens: Export to ONNX' }).first().click();
  await input.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  const file = path.join(workspace, 'hover_demo.onnx');
  const deadline = Date.now() + 20_000;
  while (!existsSync(file) && Date.now() < deadline) await page.waitForTimeout(200);
  if (!existsSync(file) || readFileSync(file).length < 1000) throw new Error('no ONNX file was written');
});

test('a generated 1000-layer model lays out and renders in the sidebar', async (page) => {
  await openFile(page, 'chain1000.py');
  await page.locator('.statusbar-item', { hasText: /chain: / }).waitFor({ timeout: 30_000 });
  const view = sidebar(page);
  const start = Date.now();
  await showConvLens(page);
  await view.locator('.diagram-host[data-layout-ms]').waitFor({ state: 'attached', timeout: 60_000 });
  const shownMs = Date.now() - start;
  const count = await view.locator('svg.diagram g.node').count();
  if (count !== 1001) throw new Error(`${count} nodes rendered, expected 1001`);
  const layoutMs = await view.locator('.diagram-host').getAttribute('data-layout-ms');
  console.log(`# 1000-layer diagram: elk layout ${layoutMs} ms, shown ${shownMs} ms after opening the view`);
});

async function restrictedModeCase(page) {
  // VS Code asks whether to trust the folder: decline.
  const decline = page.locator('.monaco-dialog-box .monaco-button', { hasText: /No, I don.t trust the authors/ });
  if (await decline.waitFor({ timeout: 15_000 }).then(() => true, () => false)) await decline.click();
  await openFile(page, 'hover.py');
  // Static analysis still runs: the status bar shows the totals.
  await page.locator('.statusbar-item', { hasText: /hover_demo: 4,640 params/ }).waitFor({ timeout: 30_000 });
  await page.locator(`${ACTIVE_EDITOR} .codelens-decoration a`, { hasText: 'Run on sample' }).first().click();
  await page.locator('.notifications-toasts .notification-toast', { hasText: /ConvLens runs models only in trusted workspaces/ }).waitFor({ timeout: 15_000 });
}

/** Resident memory of the editor's extension host (a descendant of the code-server process), in MiB. */
function extensionHostRssMiB() {
  const parentOf = (pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
  const descends = (pid) => {
    for (let p = pid; p > 1; p = parentOf(p)) if (p === editorPid) return true;
    return false;
  };
  for (const entry of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('extensionHost') || !descends(Number(entry))) continue;
      const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))[1]);
      return { pid: Number(entry), mib: Math.round(kb / 1024) };
    } catch {
      // The process ended meanwhile.
    }
  }
  throw new Error('no extension host process found under the editor');
}

/** Waits for a hover whose text matches `expected` (an async provider first shows "Loading..."). */
async function hoverShowing(page, expected) {
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: expected }).first();
  await hover.waitFor({ timeout: 15_000 });
  return hover.innerText();
}

test('a pathological file being edited in one tab does not hold up a hover in another', async (page) => {
  await openFile(page, 'slow_loop.py');
  // The loop exhausts its share of the work budget: one diagnostic says so, the model after it is still found.
  await page.locator('.statusbar-item', { hasText: /after_loop/ }).waitFor({ timeout: 30_000 });
  await page.keyboard.press('Control+Shift+M');
  const stopped = page.locator('.markers-panel .monaco-list-row', { hasText: /Analysis stopped here after/ });
  await stopped.first().waitFor({ timeout: 20_000 });
  if ((await stopped.count()) !== 1) throw new Error(`${await stopped.count()} budget diagnostics, expected one`);
  await page.keyboard.press('Control+Shift+M');
  // hover.py beside it, in a second editor group.
  await page.keyboard.press('Control+\\');
  await openFile(page, 'hover.py');
  await page.locator('.statusbar-item', { hasText: /hover_demo/ }).waitFor({ timeout: 20_000 });
  const other = '.part.editor .editor-group-container:not(.active) .monaco-editor';
  // The same hover with the slow file idle: what this machine takes anyway (reported beside).
  await page.keyboard.press('Control+1');
  let started = Date.now();
  await pointAtWord(page, 'layers.Conv2D(32', 'Conv2D', other);
  await hoverShowing(page, /Output shape\s+\(None, 32, 32, 32\)/);
  const idleMs = Date.now() - started;
  await page.mouse.move(5, 880);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  const times = [];
  for (let round = 0; round < 3; round++) {
    // Type into the slow file (each pause past the debounce starts its analysis), then hover the other.
    await page.keyboard.press('Control+1');
    await gotoLine(page, 6, 1);
    await page.keyboard.press('End');
    await page.keyboard.type(` # ${round}`, { delay: 40 });
    await page.waitForTimeout(200);
    // From the mouse reaching the word (the editor's hover delay included) to the card.
    started = Date.now();
    await pointAtWord(page, 'layers.Conv2D(32', 'Conv2D', other);
    await hoverShowing(page, /Output shape\s+\(None, 32, 32, 32\)/);
    times.push(Date.now() - started);
    await page.mouse.move(5, 880);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
  }
  console.log(`# hovers beside an analysing pathological file answered in ${times.join(', ')} ms (${idleMs} ms with it idle)`);
  // Close the second group (hover.py, unchanged) so later cases start from one group.
  await page.keyboard.press('Control+2');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('w');
  if (Math.max(...times) > 1000) throw new Error(`a hover took ${Math.max(...times)} ms (limit 1000 ms)`);
});

test('after a Run on Sample, 50 keys typed in another file: no key lost, diagnostics of the final text within 1 s', async (page) => {
  // The Problems list is virtualised: with the earlier cases' files closed (their findings go with
  // them), the row awaited is rendered.
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+W');
  await page.locator('.markers-panel .monaco-list-row').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
  await openFile(page, 'small_cnn.py');
  await page.locator('.statusbar-item', { hasText: /small_cnn/ }).waitFor({ timeout: 30_000 });
  const before = extensionHostRssMiB();
  await showConvLens(page);
  await gotoLine(page, cli(path.join(workspace, 'small_cnn.py')).models[0].line);
  await page.locator(`${ACTIVE_EDITOR} .codelens-decoration a`, { hasText: 'Run on sample' }).first().click();
  const quickPick = page.locator('.quick-input-widget');
  await quickPick.locator('.monaco-list-row', { hasText: 'Random noise' }).click();
  await quickPick.locator('.monaco-list-row', { hasText: 'Declared initializers' }).click();
  await sidebar(page).locator('section.run dd.fact-latency').waitFor({ timeout: 90_000 });
  const afterRun = extensionHostRssMiB();
  await openFile(page, 'typing.py');
  await page.locator('.statusbar-item', { hasText: /typing_demo/ }).waitFor({ timeout: 20_000 });
  await page.keyboard.press('Control+Shift+M');
  const errors = page.locator('.markers-panel .monaco-list-row', { hasText: /kernel shape=\(40, 40, 8, 4\)/ });
  if ((await errors.count()) !== 0) throw new Error('the error is there before it is typed');
  await gotoLine(page, 5, 1);
  await page.keyboard.press('End');
  // 50 keys; only the last one, the closing parenthesis, completes the call that is a Keras error.
  const typed = '\nlate = layers.Conv2D(4, 40, name="late_conv1")(y)';
  if (typed.length !== 50) throw new Error(`typed ${typed.length} characters`);
  await page.keyboard.type(typed, { delay: 25 });
  const lastKey = Date.now();
  // When the editor itself shows the last key (on a loaded machine the page can lag the keyboard).
  const shown = page.locator(`${ACTIVE_EDITOR} .view-line`, { hasText: typed.slice(1).replace(/ /g, '\u00a0') });
  const shownMs = await shown.first().waitFor({ timeout: 30_000 }).then(() => Date.now() - lastKey, () => -1);
  await errors.first().waitFor({ timeout: 30_000 });
  const diagnosticsMs = Date.now() - lastKey;
  const rowText = await errors.first().innerText();
  await page.keyboard.press('Control+Shift+M');
  await page.keyboard.press('Control+1');
  await page.keyboard.press('Control+S');
  const expected = readFileSync(path.join(ROOT, 'test', 'e2e', 'fixtures', 'typing.py'), 'utf8').replace('name="c1")(x)', `name="c1")(x)${typed}`);
  let saved = '';
  for (let i = 0; i < 50 && saved !== expected; i++, await page.waitForTimeout(100)) saved = readFileSync(path.join(workspace, 'typing.py'), 'utf8');
  const after = extensionHostRssMiB();
  console.log(`# the last key shown by the editor ${shownMs} ms after it was typed; diagnostics of the final text ${diagnosticsMs} ms after it; extension host (pid ${after.pid}) VmRSS ${before.mib} MiB before the run, ${afterRun.mib} MiB after it, ${after.mib} MiB after typing`);
  if (saved !== expected) throw new Error(`keys lost: the file reads\n${saved}`);
  if (!/\[Ln 6, Col 8\]/.test(rowText)) throw new Error(`the error is not on the typed line:\n${rowText}`);
  if (diagnosticsMs > 1000) throw new Error(`the diagnostics took ${diagnosticsMs} ms after the last key (limit 1000 ms)`);
});

test('a notebook is analysed as one program: a later cell shows an inlay shape, a hover, its CodeLens and the Keras error on its line; editing an earlier cell updates the later ones', async (page) => {
  // The fixture is test/goldens/notebooks/keras_error.ipynb; Keras ran its cells in order for the golden.
  const truth = JSON.parse(readFileSync(path.join(ROOT, 'test', 'goldens', 'notebooks', 'keras_error.golden.json'), 'utf8'));
  const demo = truth.models.find((m) => m.name === 'nb_demo');
  const c2 = demo.layers.find((l) => l.name === 'c2');
  const shape = `(${c2.outputShape.map((d) => d ?? 'None').join(', ')})`;
  await openFile(page, 'notebook_demo.ipynb', { textEditor: false });
  // Notebook cells are editors in the notebook's own overlay, outside the editor group's DOM.
  const cellEditors = '.notebook-editor .monaco-editor';
  const cells = `${cellEditors} .view-line`;
  await page.locator(cells, { hasText: 'name="c2"' }).first().waitFor({ timeout: 30_000 });
  // c2 is in cell 5 but reads x from cell 3: its shape needs both.
  const hinted = page.locator(cells, { hasText: 'name="c2")(x)' }).filter({ hasText: shape }).first();
  await hinted.waitFor({ timeout: 30_000 }).catch(async () => {
    throw new Error(`no inlay ${shape} on the c2 line: ${await page.locator(cells, { hasText: 'name="c2"' }).first().innerText()}`);
  });
  await page.locator('.codelens-decoration', { hasText: `nb_demo: ${demo.params.toLocaleString('en-US')} params` }).first().waitFor({ timeout: 20_000 });
  const text = await hoverWord(page, 'Conv2D(16, 3', 'Conv2D', cellEditors);
  const paramsText = c2.params.toLocaleString('en-US');
  if (!new RegExp(`Output shape\\s+${shape.replace(/[()]/g, '\\$&')}`).test(text) || !new RegExp(`Params\\s+${paramsText} `).test(text)) throw new Error(`hover:\n${text}`);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M');
  // Keras' message names the input it refused, which tells this error from other files' (keras_error.py).
  const refused = /inputs shape=\([^)]*\)/.exec(truth.error.message)[0];
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: refused }).first();
  await row.waitFor({ timeout: 20_000 });
  const rowText = await row.innerText();
  if (!/Computed output size would be zero or negative/.test(rowText) || !new RegExp(`\\[Ln ${truth.error.line}, Col \\d+\\]`).test(rowText)) throw new Error(`expected the error on line ${truth.error.line} of its cell:\n${rowText}`);
  // The error squiggle sits in the cell with the c3 line (the markers panel names only the notebook).
  const squiggled = await page.evaluate((selector) => {
    for (const editor of document.querySelectorAll(selector)) {
      if (!editor.querySelector('.squiggly-error')) continue;
      return editor.querySelector('.view-lines').textContent;
    }
    return null;
  }, cellEditors);
  if (!squiggled || !squiggled.includes('name="c3"')) throw new Error(`the error squiggle is not in the c3 cell: ${squiggled}`);
  await page.screenshot({ path: path.join(SHOTS, 'notebook.png') });
  await page.keyboard.press('Control+Shift+M');
  // The CodeLens' Show diagram puts the notebook's model in the sidebar, layers from several cells.
  await page.locator('.codelens-decoration a', { hasText: 'Show diagram' }).first().click();
  // The notebook has a webview of its own (cell outputs): take ConvLens'.
  const view = page.frameLocator('iframe.webview.ready[src*="extensionId=convlens"]').frameLocator('iframe#active-frame');
  await view.locator('svg.diagram g.node[data-layer="c2"]').waitFor({ state: 'attached', timeout: 30_000 });
  const shown = await view.locator('svg.diagram g.node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-layer')));
  if ([...shown].sort().join() !== demo.layers.map((l) => l.name).sort().join()) throw new Error(`diagram ${shown.join(',')} vs Keras ${demo.layers.map((l) => l.name).join(',')}`);
  // Editing an earlier cell re-analyses the later ones: a 1x1 c1 leaves room for c3 (Keras agrees).
  const fixed = JSON.parse(readFileSync(path.join(ROOT, 'test', 'goldens', 'notebooks', 'keras_error_fixed_in_earlier_cell.golden.json'), 'utf8'));
  const c3 = fixed.models.find((m) => m.name === 'broken').layers.find((l) => l.name === 'c3');
  const c3Shape = `(${c3.outputShape.map((d) => d ?? 'None').join(', ')})`;
  await page.locator(cells, { hasText: 'name="c1"' }).first().click();
  await page.keyboard.press('Home');
  for (let i = 0; i < 'x = layers.Conv2D(8, '.length; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.type('1');
  await page.locator(cells, { hasText: 'name="c3")(x)' }).filter({ hasText: c3Shape }).first().waitFor({ timeout: 30_000 }).catch(async () => {
    throw new Error(`after the edit, no inlay ${c3Shape} on the c3 line: ${await page.locator(cells, { hasText: 'name="c3"' }).first().innerText()}`);
  });
  await page.locator('.notebook-editor .squiggly-error').first().waitFor({ state: 'detached', timeout: 20_000 });
  await page.keyboard.press('Control+Z');
  await page.locator('.notebook-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: 20_000 });
  await page.keyboard.press('Control+W');
  // Undo left the notebook as saved; should the editor still ask, do not save.
  await page.locator('.monaco-dialog-box button', { hasText: "Don't Save" }).click({ timeout: 3_000 }).catch(() => {});
});

let workspace = '';
let profileDir = '';
let editorPid = 0;

async function main() {
  ensureEditor();
  packageExtension();
  workspace = mkdtempSync(path.join(tmpdir(), 'convlens-e2e-ws-'));
  // A fixed list of examples (a file a user saved in examples/ is not part of the tests), and the E2E fixtures.
  for (const f of EXAMPLE_FILES) copyFileSync(path.join(ROOT, 'examples', f), path.join(workspace, f));
  const fixtures = path.join(ROOT, 'test', 'e2e', 'fixtures');
  for (const f of readdirSync(fixtures).filter((n) => n.endsWith('.py') || n.endsWith('.ipynb'))) copyFileSync(path.join(fixtures, f), path.join(workspace, f));
  // A model saved by real Keras (the weight goldens), opened as a model.
  copyFileSync(path.join(ROOT, 'test', 'goldens', 'weights', 'conv_kinds.keras'), path.join(workspace, 'conv_kinds.keras'));
  // A generated 1000-layer model: 333 x (Conv2D, BatchNormalization, ReLU) + Conv2D.
  const chain = ['import keras', 'from keras import layers', 'x = inputs = keras.Input(shape=(32, 32, 8))'];
  for (let i = 0; i < 333; i++) chain.push(`x = layers.Conv2D(8, 3, padding="same", name="conv_${i}")(x)`, `x = layers.BatchNormalization(name="bn_${i}")(x)`, `x = layers.ReLU(name="relu_${i}")(x)`);
  chain.push('x = layers.Conv2D(8, 1, name="head")(x)', 'model = keras.Model(inputs, x, name="chain")', '');
  writeFileSync(path.join(workspace, 'chain1000.py'), chain.join('\n'));
  // A sample image for Run on Sample: diagonal stripes.
  const png = new PNG({ width: 64, height: 64 });
  for (let i = 0; i < 64 * 64; i++) png.data.set((Math.floor(i / 64) + (i % 64)) % 16 < 8 ? [230, 200, 40, 255] : [30, 60, 160, 255], i * 4);
  writeFileSync(path.join(workspace, 'stripes.png'), PNG.sync.write(png));
  const profile = mkdtempSync(path.join(tmpdir(), 'convlens-e2e-profile-'));
  profileDir = profile;
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  // A pathological file: a loop that exhausts its share of the work budget, a model after it.
  writeFileSync(path.join(workspace, 'slow_loop.py'), 'import keras\nfrom keras import layers\n\ntotal = 0\nfor i in range(100000000):\n    total = total + i * i\n\nx = keras.Input((8, 8, 3))\nm = keras.Model(x, layers.Conv2D(4, 3)(x), name="after_loop")\n');
  // Typing tests type what they mean: no auto-closed brackets or quotes, no suggestions taking Enter.
  const settings = { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' }, 'editor.acceptSuggestionOnEnter': 'off', 'editor.wordBasedSuggestions': 'off' };
  const editor = await startEditor({ workspace, profile, settings });
  editorPid = editor.pid;
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
      pendingDocs = [];
      try {
        await c.fn(page);
        if (process.env.CONVLENS_E2E_UPDATE_DOCS) for (const d of pendingDocs) copyFileSync(d.file, path.join(ROOT, 'docs', d.name));
        passed++;
        console.log(`ok ${i + 1} - ${c.name} (${Date.now() - start} ms)`);
      } catch (e) {
        failed++;
        console.log(`not ok ${i + 1} - ${c.name}\n  ${String(e.message).split('\n').join('\n  ')}`);
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
  const restricted = await startEditor({ workspace, profile: restrictedProfile, trust: true });
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
