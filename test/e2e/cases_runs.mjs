/** Real-editor cases: Run on Sample (MobileNet, a workspace image) and a keras.applications backbone. */
import path from 'node:path';
import { ACTIVE_EDITOR, SHOTS, cli, docsShot, gotoLine, hoverWord, openFile, showConvLens, sidebar, state, test } from './harness.mjs';

test('Run on Sample on MobileNet v1 shows latency and output stats; hovers answer during the run', async (page) => {
  await openFile(page, 'mobilenet_v1.py');
  // The results go to the ConvLens view (which a run never opens by itself): show it.
  await showConvLens(page);
  await page.locator('.statusbar-item', { hasText: /mobilenet_1\.00_224/ }).waitFor({ timeout: 20_000 });
  // The CodeLens sits above the line that builds the model.
  await gotoLine(page, cli(path.join(state.workspace, 'mobilenet_v1.py')).models[0].line);
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
  await gotoLine(page, cli(path.join(state.workspace, 'small_cnn.py')).models[0].line);
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
  // Real Keras: mobilenetv2_0.35_96 holds 410,208 params, frozen here. Its receptive field is the
  // analysis' (the unit tests check fields against published ones); the hover and the node show it.
  const analysed = cli(path.join(state.workspace, 'transfer.py')).models.find((m) => m.name === 'transfer');
  const entry = analysed.layers.find((l) => l.name === 'mobilenetv2_0.35_96');
  const [rfH, rfW] = entry.receptiveField.size;
  if (!/mobilenetv2_0\.35_96\s+Functional/.test(hover) || !/410,208 \(0 trainable, 410,208 non-trainable\)/.test(hover)) throw new Error(`backbone hover:\n${hover}`);
  if (!new RegExp(`Receptive field\\s+${rfH} x ${rfW} px, stride 32 x 32`).test(hover)) throw new Error(`backbone hover without its receptive field:\n${hover}`);
  await page.keyboard.press('Escape');
  const line = analysed.line;
  await gotoLine(page, line);
  // The CodeLens of the transfer model (the backbone, a model too, has its own above it).
  const lens = page.locator(`${ACTIVE_EDITOR} .codelens-decoration`, { hasText: 'transfer:' });
  await lens.locator('a', { hasText: 'Show diagram' }).click();
  const view = sidebar(page);
  // By default the backbone is one node: input, backbone, pooling, head.
  const backbone = view.locator('svg.diagram g.node.collapsed[data-layer="mobilenetv2_0.35_96"]');
  await backbone.waitFor({ timeout: 30_000 });
  await view.locator('svg.diagram g.node[data-layer="dense"]').waitFor({ timeout: 10_000 });
  const nodeText = await backbone.textContent();
  if (!/Functional · \d+ layers/.test(nodeText) || !/410,208 params/.test(nodeText) || !nodeText.includes(`RF ${rfH}x${rfW}`)) throw new Error(`collapsed node: ${nodeText}`);
  const collapsedNames = await view.locator('svg.diagram g.node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-layer')));
  if (collapsedNames.sort().join() !== ['dense', 'global_average_pooling2d', 'input_layer_1', 'mobilenetv2_0.35_96'].join()) throw new Error(`collapsed diagram: ${collapsedNames}`);
  // A click expands it: a box holding its layers, wired from the input to the pooling.
  await backbone.click();
  const box = view.locator('svg.diagram g.group-box[data-group="mobilenetv2_0.35_96"]');
  await box.waitFor({ timeout: 10_000 });
  for (const inner of ['Conv1', 'block_16_project', 'out_relu']) await view.locator(`svg.diagram g.node[data-layer="${inner}"]`).waitFor({ timeout: 10_000 });
  const shown = await view.locator('svg.diagram g.node').count();
  // Every layer of the model is a node now: the backbone's layers and the three outside it.
  const layerRows = analysed.layers.reduce((n, l) => n + (l.layers ? l.layers.length : 1), 0);
  if (shown !== layerRows) throw new Error(`${shown} nodes after expanding, expected ${layerRows}`);
  await docsShot(page, 'diagram-backbone.png');
  // Its header folds it back.
  await view.locator('svg.diagram g.group-header[data-group="mobilenetv2_0.35_96"]').click();
  await backbone.waitFor({ timeout: 10_000 });
  await box.waitFor({ state: 'detached', timeout: 10_000 });
  if ((await view.locator('svg.diagram g.node').count()) !== 4) throw new Error('collapsing shows the four nodes again');
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
