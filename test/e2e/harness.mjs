/**
 * What the real-editor cases share: the case list, the run's state (workspace, editor process),
 * and the page helpers (opening files, hovering, the sidebar, README pictures).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pngjs from 'pngjs';
import { ROOT } from '../../scripts/editor.mjs';

const { PNG } = pngjs;
export const SHOTS = path.join(ROOT, 'test-results', 'e2e');
/** The cases, in the order they run; each case file registers its own with `test`. */
export const cases = [];
export const test = (name, fn) => cases.push({ name, fn });
/** Set by run.mjs before the cases run: the workspace folder and the code-server process. */
export const state = { workspace: '', editorPid: 0 };


export function cli(file) {
  return JSON.parse(execFileSync(process.execPath, [path.join(ROOT, 'bin', 'convlens.js'), 'analyze', file, '--json'], { encoding: 'utf8' }).toString());
}

/** The editor of the active group (other tabs keep hidden editors in the DOM). */
export const ACTIVE_EDITOR = '.part.editor .editor-group-container.active .monaco-editor';

/** Opens a workspace file through Quick Open; `textEditor: false` for files shown in a custom editor. */
export async function openFile(page, name, { textEditor = true } = {}) {
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

export async function quickOpen(page, name) {
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
export async function hoverWord(page, lineText, word, selector = ACTIVE_EDITOR) {
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
export async function pointAtWord(page, lineText, word, selector = ACTIVE_EDITOR) {
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

export async function gotoLine(page, line, column) {
  // From a webview the keys reach the workbench asynchronously: wait for Go to Line before typing,
  // or the digits could land in the document (and break the model every later step reads).
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    // Focus the editor group first (a click could land on sticky-scroll or a widget).
    await page.keyboard.press('Control+1');
    await page.keyboard.press('Control+G');
    if (await input.waitFor({ timeout: 2_000 }).then(() => true, () => false)) break;
    if (attempt === 3) throw new Error('Go to Line did not open');
    await page.keyboard.press('Escape');
  }
  await input.fill(column ? `:${line}:${column}` : `:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col ${column ?? '\\d+'}\\b`) }).waitFor({ timeout: 10_000 });
}

/** Puts the ConvLens view in its diagram mode unless it is there already (a failed case may have left the table). */
export async function diagramMode(page) {
  const tab = sidebar(page).locator('vscode-button.tab', { hasText: 'Diagram' });
  await tab.waitFor({ timeout: 30_000 });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
}

/** Shows the ConvLens view (clicking its icon when it is already shown would hide the side bar). */
export async function showConvLens(page) {
  const item = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label="ConvLens"]') });
  const visible = await page.locator('.part.sidebar').isVisible();
  if (!visible || !(await item.getAttribute('class')).includes('checked')) await item.locator('a').click();
}

export function sidebar(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * MobileNet v1 (alpha 1, 224x224) MACs by hand from its architecture (Howard et al. 2017, Table 1):
 * a 3x3/2 conv to 32 channels, 13 depthwise 3x3 + pointwise blocks, and the 1x1 classifier conv.
 * The convs alone give the paper's 569M Mult-Adds (Table 8); every conv is followed by a
 * BatchNormalization (one multiply-add per output element) and the global average pooling adds
 * each of its 7x7x1024 inputs once.
 */
export function mobilenetV1Macs() {
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
export const DOCS_SHOTS = path.join(SHOTS, 'docs');
export async function docsShot(page, name) {
  mkdirSync(DOCS_SHOTS, { recursive: true });
  const file = path.join(DOCS_SHOTS, name);
  await page.screenshot({ path: file });
  // Copied once the whole case has passed: a picture of a failed check never reaches the README.
  pendingDocs.push({ file, name });
  return file;
}
/** README pictures of the current case, copied into docs/ once it has passed (see run.mjs). */
export const pendingDocs = [];

/** Share of pixels in `box` that differ between two PNG screenshots of the page. */
export function changedShare(pngA, pngB, box) {
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
export async function hoverPicture(page, name) {
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

/** Resident memory of the editor's extension host (a descendant of the code-server process), in MiB. */
export function extensionHostRssMiB() {
  const parentOf = (pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
  const descends = (pid) => {
    for (let p = pid; p > 1; p = parentOf(p)) if (p === state.editorPid) return true;
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
export async function hoverShowing(page, expected) {
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: expected }).first();
  await hover.waitFor({ timeout: 15_000 });
  return hover.innerText();
}

/**
 * Accepts the path VS Code's simple save dialog offers, once the dialog has filled it in (it reads
 * the folder first: pressing Enter earlier accepts a leftover input, or nothing). Returns the path.
 */
export async function acceptSaveOffer(page, extension) {
  const input = page.locator('.quick-input-widget input');
  let offered = '';
  for (let i = 0; i < 100 && !offered.endsWith(extension); i++, await page.waitForTimeout(200)) offered = await input.inputValue().catch(() => '');
  if (!offered.endsWith(extension)) throw new Error(`the save dialog offered no ${extension} path (its input held "${offered}")`);
  await page.keyboard.press('Enter');
  return offered;
}

/** Runs ConvLens: Export to ONNX on the active editor and accepts the path its save dialog offers. */
export async function exportOnnxAcceptingOffer(page) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill('>ConvLens: Export to ONNX');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ConvLens: Export to ONNX' }).first().click();
  // The command first asks the analysis for the model, then opens the dialog.
  return acceptSaveOffer(page, '.onnx');
}
