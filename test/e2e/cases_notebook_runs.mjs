/**
 * Real-editor cases: a model built over several notebook cells, run on a sample, exported to ONNX,
 * and its diagram's layers revealed in their cells. The notebook is test/goldens/notebooks/unet.ipynb,
 * which real Keras ran cell by cell for unet.golden.json (scripts/goldens/make_notebook_goldens.py).
 */
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/editor.mjs';
import { SHOTS, exportOnnxAcceptingOffer, openFile, showConvLens, state, test } from './harness.mjs';

const NOTEBOOK = 'unet_cells.ipynb';
const GOLDENS = path.join(ROOT, 'test', 'goldens', 'notebooks');
const truth = () => JSON.parse(readFileSync(path.join(GOLDENS, 'unet.golden.json'), 'utf8')).models.find((m) => m.name === 'unet');
const shapeText = (shape) => `(${shape.map((d) => d ?? 'None').join(', ')})`;
/** Notebook cells are editors in the notebook's own overlay, outside the editor group's DOM. */
const CELL_EDITORS = '.notebook-editor .monaco-editor';
/** The notebook has a webview of its own (cell outputs): ConvLens' sidebar is the one from its extension. */
const convLensView = (page) => page.frameLocator('iframe.webview.ready[src*="extensionId=convlens"]').frameLocator('iframe#active-frame');

/** Where a line of code is in the notebook file, as a reader finds it: the code cell (from 1, markdown cells too) and its line. */
function cellLineOf(code) {
  const cells = JSON.parse(readFileSync(path.join(GOLDENS, 'unet.ipynb'), 'utf8')).cells;
  for (const [i, cell] of cells.entries()) {
    const lines = (Array.isArray(cell.source) ? cell.source.join('') : cell.source).split('\n');
    const line = lines.findIndex((l) => l.includes(code));
    if (cell.cell_type === 'code' && line >= 0) return { cell: i + 1, line: line + 1, column: lines[line].indexOf(code) + 1 };
  }
  throw new Error(`no cell holds ${code}`);
}

/**
 * Brings a line holding `code` into view (the notebook draws cells near the view, and scrolls by
 * itself, not as the page): with the notebook's own keys in command mode, the first or the last
 * cell, then cell by cell.
 */
async function scrollToLine(page, code, { fromTop = false } = {}) {
  const line = page.locator(`${CELL_EDITORS} .view-line`, { hasText: code }).first();
  const group = page.locator('.part.editor .editor-group-container.active').first();
  const inView = async () => {
    // (Not drawn at all: not in view; boundingBox would wait for it.)
    if (!(await line.count())) return false;
    const box = await line.boundingBox({ timeout: 2_000 }).catch(() => null);
    const view = await group.boundingBox({ timeout: 2_000 }).catch(() => null);
    return !!box && !!view && box.y >= view.y + 60 && box.y + box.height <= view.y + view.height;
  };
  if (await inView()) return line;
  // Command mode: a cell selected (the first markdown cell, or the focused cell left with Escape).
  // (A notebook reopened keeps its scroll position: the markdown cell may not be drawn; then a code
  // cell's line gives the notebook the focus.)
  await page.locator('.notebook-editor .markdown-cell-row, .notebook-editor .markdown').first().click({ timeout: 5_000 })
    .catch(() => page.locator(`${CELL_EDITORS} .view-line`).first().click({ timeout: 5_000 }))
    .catch(() => {});
  await page.keyboard.press('Escape');
  await page.keyboard.press(fromTop ? 'Control+Home' : 'Control+End');
  await page.waitForTimeout(500);
  for (let i = 0; i < 12 && !(await inView()); i++) {
    await page.keyboard.press(fromTop ? 'ArrowDown' : 'ArrowUp');
    await page.waitForTimeout(300);
  }
  // The keys go nowhere when focus sits outside the notebook's list (after a reload, a panel):
  // then the wheel over the notebook, from its end (or start) towards the line.
  const list = await page.locator('.notebook-editor .cell-list-container').first().boundingBox({ timeout: 5_000 }).catch(() => null);
  if (list && !(await inView())) {
    await page.mouse.move(list.x + list.width / 2, list.y + list.height / 2);
    await page.mouse.wheel(0, fromTop ? -100_000 : 100_000);
    await page.waitForTimeout(500);
    for (let i = 0; i < 40 && !(await inView()); i++) {
      await page.mouse.wheel(0, fromTop ? 150 : -150);
      await page.waitForTimeout(200);
    }
  }
  if (!(await inView())) throw new Error(`the notebook does not show the line ${code}`);
  return line;
}

async function openNotebook(page) {
  if (!existsSync(path.join(state.workspace, NOTEBOOK))) copyFileSync(path.join(GOLDENS, 'unet.ipynb'), path.join(state.workspace, NOTEBOOK));
  await openFile(page, NOTEBOOK, { textEditor: false });
  await page.locator(`${CELL_EDITORS} .view-line`).first().waitFor({ timeout: 30_000 });
  // The model's CodeLens, with Keras' parameter count, once the analysis is in (drawn once its cell
  // is near the view).
  await scrollToLine(page, 'keras.Model(inputs, outputs, name="unet")').catch(() => page.mouse.wheel(0, 100_000));
  await page.locator('.notebook-editor .codelens-decoration', { hasText: `unet: ${truth().params.toLocaleString('en-US')} params` }).first().waitFor({ timeout: 30_000 });
}

test('from a notebook: Run on Sample runs the model built over several cells; the run view lists the layers Keras built', async (page) => {
  const unet = truth();
  await openNotebook(page);
  await showConvLens(page);
  await page.locator('.notebook-editor .codelens-decoration a', { hasText: 'Run on sample' }).first().click();
  const quickPick = page.locator('.quick-input-widget');
  await quickPick.locator('.monaco-list-row', { hasText: 'Random noise' }).click();
  await quickPick.locator('.monaco-list-row', { hasText: 'Declared initializers' }).click();
  const view = convLensView(page);
  await view.locator('section.run dd.fact-latency').waitFor({ timeout: 120_000 });
  // Input and output as Keras built them (batch 1).
  const input = unet.layers[0].outputShape;
  const output = unet.layers[unet.layers.length - 1].outputShape;
  const title = await view.locator('section.run h3').first().textContent();
  const io = `${shapeText([1, ...input.slice(1)])} → ${shapeText([1, ...output.slice(1)])}`;
  if (!title.includes(io)) throw new Error(`run title "${title}", expected ${io}`);
  // One timed row per layer Keras built (its input layer aside), by Keras' names, and the runtime's own row.
  const rows = (await view.locator('section.run .lat-row[data-layer]:not(.lat-head)').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-layer')))).filter((r) => r !== '(runtime)');
  const built = unet.layers.filter((l) => l.class !== 'InputLayer').map((l) => l.name);
  if ([...rows].sort().join() !== [...built].sort().join()) throw new Error(`run rows ${rows.join(',')}\nKeras layers ${built.join(',')}`);
  // MACs by hand: 64x64 positions x 3x3x3 taps x 16 filters = 1,769,472.
  const macs = await view.locator('section.run .lat-row[data-layer="conv2d"] .lat-macs').innerText();
  if (macs !== '1.77M') throw new Error(`conv2d MACs: ${macs}`);
  await page.screenshot({ path: path.join(SHOTS, 'notebook-run.png') });
});

test('from a notebook: Export to ONNX writes the model of its cells; ONNX Runtime reads it and gives the output shape Keras built', async (page) => {
  const unet = truth();
  await openNotebook(page);
  const file = path.join(state.workspace, 'unet.onnx');
  rmSync(file, { force: true });
  // The command works on the active editor: a cell's.
  await (await scrollToLine(page, 'keras.Model(inputs, outputs, name="unet")')).click();
  // The save dialog offers unet.onnx beside the notebook: accept it.
  const offered = await exportOnnxAcceptingOffer(page);
  if (offered !== file) throw new Error(`the save dialog offers ${offered}`);
  const deadline = Date.now() + 60_000;
  while (!existsSync(file) && Date.now() < deadline) await page.waitForTimeout(200);
  if (!existsSync(file)) throw new Error('no ONNX file was written');
  // Written whole (the notification says so), then read back by ONNX Runtime and run once.
  await page.locator('.notifications-toasts .notification-toast', { hasText: /wrote unet\.onnx \(unet\)/ }).waitFor({ timeout: 30_000 });
  const { default: ort } = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(readFileSync(file));
  const dims = [1, ...unet.layers[0].outputShape.slice(1)];
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b)), dims) });
  const out = result[session.outputNames[0]].dims;
  const expected = [1, ...unet.layers[unet.layers.length - 1].outputShape.slice(1)];
  if (out.join() !== expected.join()) throw new Error(`ONNX output ${out}, Keras ${expected}`);
});

test('from a notebook: clicking a layer in the sidebar diagram reveals its line in the cell that builds it', async (page) => {
  await openNotebook(page);
  await page.locator('.notebook-editor .codelens-decoration a', { hasText: 'Show diagram' }).first().click();
  const view = convLensView(page);
  // Layers written in cells 4 and 8 (the notebook's own count): each click goes to its own cell and line.
  for (const [layer, code] of [['conv2d_transpose', 'layers.Conv2DTranspose(32, 2, strides=2)(b)'], ['max_pooling2d', 'layers.MaxPooling2D()(c1)']]) {
    const where = cellLineOf(code);
    const node = view.locator(`svg.diagram g.node[data-layer="${layer}"]`);
    await node.waitFor({ state: 'attached', timeout: 30_000 });
    // The diagram pans rather than scrolls: fit the whole graph in view, then click the node. An
    // analysis arriving meanwhile (the marker typed and undone below) redraws it: fit again.
    for (let attempt = 1; ; attempt++) {
      await view.locator('vscode-button', { hasText: 'Fit' }).click();
      const clicked = await node.click({ timeout: 5_000 }).then(() => true, (e) => (attempt < 4 ? false : Promise.reject(e)));
      if (clicked) break;
    }
    // The cell is the focused one (the status bar counts cells from 1, markdown cells too) ...
    await page.locator('.statusbar-item', { hasText: new RegExp(`^Cell ${where.cell} of \\d+$`) }).first().waitFor({ timeout: 20_000 }).catch(async () => {
      throw new Error(`after clicking ${layer}, the status bar reads: ${(await page.locator('.statusbar-item').allInnerTexts()).join(' | ')}`);
    });
    // ... with the cursor on the line and column of the code that builds the layer: a marker typed
    // there shows where (then undone).
    // (Typed once the cell's editor has the focus: a key typed before lands elsewhere.)
    await page.locator(`${CELL_EDITORS}.focused`).waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    await page.keyboard.type('@@', { delay: 50 });
    const at = await page.evaluate((selector) => {
      const editor = document.querySelector(`${selector}.focused`);
      if (!editor) return null;
      const lines = [...editor.querySelectorAll('.view-lines .view-line')].sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map((l) => l.textContent.replace(/\u00a0/g, ' '));
      const line = lines.findIndex((l) => l.includes('@@'));
      return line < 0 ? { lines } : { line: line + 1, column: lines[line].indexOf('@@') + 1, text: lines[line].replace('@@', '') };
    }, CELL_EDITORS);
    await page.keyboard.press('Control+Z');
    if (!at || at.line !== where.line || at.column !== where.column || !at.text.includes(code)) throw new Error(`after clicking ${layer}, the cursor is at ${JSON.stringify(at)}; expected line ${where.line}, column ${where.column} of cell ${where.cell}`);
    await page.locator(`${CELL_EDITORS}.focused .view-line`, { hasText: '@@' }).first().waitFor({ state: 'detached', timeout: 10_000 });
  }
  await page.screenshot({ path: path.join(SHOTS, 'notebook-reveal.png') });
  await page.keyboard.press('Control+W');
  await page.locator('.monaco-dialog-box button', { hasText: "Don't Save" }).click({ timeout: 3_000 }).catch(() => {});
});

test('from a notebook: a cell left with an unclosed bracket is a SyntaxError on its line, and the cells after it are analysed as before', async (page) => {
  const unet = truth();
  await openNotebook(page);
  // A new cell after the bottleneck (before the decoder cell), typed with its bracket left open.
  await (await scrollToLine(page, 'b = conv_block(p2, 64)', { fromTop: true })).click();
  // The notebook toolbar's "+ Code" adds a code cell below the selected one and puts the cursor in it.
  await page.locator('.notebook-editor .notebook-toolbar-container .action-item', { hasText: 'Code' }).first().click();
  await page.locator(`${CELL_EDITORS}.focused`).waitFor({ timeout: 10_000 });
  const empty = await page.evaluate((selector) => document.querySelector(`${selector}.focused .view-lines`)?.textContent.trim(), CELL_EDITORS);
  if (empty !== '') throw new Error(`the focused cell is not the new one: ${empty}`);
  const typed = 'extra = layers.Dense(';
  await page.keyboard.type(typed, { delay: 20 });
  await page.keyboard.press('Control+Shift+M');
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: "SyntaxError: '(' was never closed" }).first();
  await row.waitFor({ timeout: 30_000 });
  // Python names the bracket: line 1, column 21 of the cell.
  const rowText = await row.innerText();
  if (!new RegExp(`\\[Ln 1, Col ${typed.length}\\]`).test(rowText)) throw new Error(`the SyntaxError is not on the bracket:\n${rowText}`);
  await page.keyboard.press('Control+Shift+M');
  // The decoder cell after it is not swallowed: its shapes and the model's CodeLens still show Keras' figures.
  const transpose = unet.layers.find((l) => l.name === 'conv2d_transpose');
  await scrollToLine(page, 'Conv2DTranspose(32, 2, strides=2)(b)');
  await page.locator(`${CELL_EDITORS} .view-line`, { hasText: 'Conv2DTranspose(32, 2, strides=2)(b)' }).filter({ hasText: shapeText(transpose.outputShape) }).first().waitFor({ timeout: 30_000 });
  // The CodeLens is drawn once its cell is: near the view is enough, fully in view is not asked.
  await scrollToLine(page, 'keras.Model(inputs, outputs, name="unet")').catch(() => page.mouse.wheel(0, 100_000));
  await page.locator('.notebook-editor .codelens-decoration', { hasText: `unet: ${unet.params.toLocaleString('en-US')} params` }).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(SHOTS, 'notebook-open-cell.png') });
  await page.keyboard.press('Control+W');
  await page.locator('.monaco-dialog-box button', { hasText: "Don't Save" }).click({ timeout: 5_000 }).catch(() => {});
});
