/** Real-editor cases: activation, hovers, Keras errors, code actions, a saved model, the U-Net diagram. */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import pngjs from 'pngjs';
import { ROOT } from '../../scripts/editor.mjs';
import { ACTIVE_EDITOR, SHOTS, acceptSaveOffer, cli, docsShot, gotoLine, hoverPicture, hoverWord, mobilenetV1Macs, openFile, showConvLens, sidebar, state, test } from './harness.mjs';

const { PNG } = pngjs;

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
  const convs = cli(path.join(state.workspace, 'unet.py')).models[0].layers.filter((l) => l.type === 'Conv2D' && /_conv[12]$/.test(l.name));
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
  const doc = cli(path.join(state.workspace, 'unet.py'));
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
  const exported = path.join(state.workspace, 'unet.svg');
  rmSync(exported, { force: true });
  if ((await acceptSaveOffer(page, '.svg')) !== exported) throw new Error('the save dialog does not offer unet.svg beside the model');
  const deadline = Date.now() + 10_000;
  while (!existsSync(exported) && Date.now() < deadline) await page.waitForTimeout(200);
  const svgText = existsSync(exported) ? readFileSync(exported, 'utf8') : '';
  if (!svgText.startsWith('<svg') || !svgText.includes('up3') || (svgText.match(/class="node /g) ?? []).length !== layers.length) throw new Error(`exported SVG is incomplete (${svgText.length} chars)`);
  // And as PNG (drawn through a canvas in the webview).
  await view.locator('vscode-button', { hasText: 'PNG' }).click();
  const png = path.join(state.workspace, 'unet.png');
  rmSync(png, { force: true });
  if ((await acceptSaveOffer(page, '.png')) !== png) throw new Error('the save dialog does not offer unet.png beside the model');
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
