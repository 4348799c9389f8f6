/** Real-editor cases: the sidebar under each theme, Export to ONNX, a 1000-layer diagram. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SHOTS, diagramMode, exportOnnxAcceptingOffer, gotoLine, openFile, showConvLens, sidebar, state, test } from './harness.mjs';

test('the sidebar follows the theme (light, dark, high contrast) and keeps its state when hidden and shown', async (page) => {
  await openFile(page, 'unet.py');
  await showConvLens(page);
  await diagramMode(page);
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
  const file = path.join(state.workspace, 'hover_demo.onnx');
  rmSync(file, { force: true });
  const offered = await exportOnnxAcceptingOffer(page);
  if (offered !== file) throw new Error(`the save dialog offers ${offered}`);
  const deadline = Date.now() + 60_000;
  while (!existsSync(file) && Date.now() < deadline) await page.waitForTimeout(200);
  if (!existsSync(file) || readFileSync(file).length < 1000) throw new Error('no ONNX file was written');
});

test('a generated 1000-layer model lays out and renders in the sidebar', async (page) => {
  await openFile(page, 'chain1000.py');
  await page.locator('.statusbar-item', { hasText: /chain: / }).waitFor({ timeout: 30_000 });
  const view = sidebar(page);
  const start = Date.now();
  await showConvLens(page);
  await diagramMode(page);
  await view.locator('.diagram-host[data-layout-ms]').waitFor({ state: 'attached', timeout: 60_000 });
  const shownMs = Date.now() - start;
  const count = await view.locator('svg.diagram g.node').count();
  if (count !== 1001) throw new Error(`${count} nodes rendered, expected 1001`);
  const layoutMs = await view.locator('.diagram-host').getAttribute('data-layout-ms');
  // The view may have drawn the model already (opening the file posts it) and drawn it again since: then its layout was kept.
  const firstReused = await view.locator('.diagram-host').getAttribute('data-layout-reused');
  console.log(`# 1000-layer diagram: ${firstReused === 'true' ? `drawn again with the layout kept from its first drawing (${layoutMs} ms)` : `elk layout ${layoutMs} ms`}, shown ${shownMs} ms after opening the view`);
  // A number typed changes labels, not the graph: the layout is reused and the view stays where the
  // user left it (here: on the last layer, which the cursor highlights, panned a little further).
  const headLine = readFileSync(path.join(state.workspace, 'chain1000.py'), 'utf8').split('\n').findIndex((l) => l.includes('name="head"')) + 1;
  await gotoLine(page, headLine, 'x = layers.Conv2D(8'.length + 1);
  const head = view.locator('svg.diagram g.node[data-layer="head"]');
  await view.locator('svg.diagram g.node.active[data-layer="head"]').waitFor({ timeout: 20_000 });
  const box = await view.locator('svg.diagram').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 60);
  const transform = () => view.locator('svg.diagram g.viewport').getAttribute('transform');
  await page.waitForTimeout(300);
  const panned = await transform();
  // Nodes whose text a digit does not change are kept as they are (a mark on one must survive).
  await view.locator('svg.diagram g.node[data-layer="conv_0"]').evaluate((g) => g.setAttribute('data-kept', ''));
  await gotoLine(page, headLine, 'x = layers.Conv2D(8'.length + 1);
  // Times taken where things happen (the waits below poll, more and more slowly, adding up to half
  // a second): the key and the status bar's text in the workbench, the head node's text in the
  // webview; both read the machine's clock.
  await page.evaluate(() => {
    const seen = (window.__convlensSeen = { keys: [], status: [] });
    window.addEventListener('keydown', () => seen.keys.push(Date.now()), true);
    const total = () => [...document.querySelectorAll('.statusbar-item')].map((e) => e.textContent ?? '').find((t) => /chain: /.test(t));
    let last = total();
    new MutationObserver(() => {
      const now = total();
      if (now !== last) seen.status.push([Date.now(), (last = now)]);
    }).observe(document.querySelector('.part.statusbar'), { subtree: true, childList: true, characterData: true });
  });
  await view.locator('body').evaluate((body) => {
    const seen = (window.__convlensSeen = { head: [] });
    const text = () => body.querySelector('svg.diagram g.node[data-layer="head"]')?.textContent ?? '';
    let last = text();
    new MutationObserver(() => {
      const now = text();
      if (now !== last) seen.head.push([Date.now(), (last = now)]);
    }).observe(body, { subtree: true, childList: true, characterData: true });
  });
  const typedAt = Date.now();
  await page.keyboard.type('1');
  await head.filter({ hasText: '(32, 32, 81)' }).waitFor({ timeout: 30_000 });
  const shownAfter = Date.now() - typedAt;
  const reused = await view.locator('.diagram-host').getAttribute('data-layout-reused');
  const renderMs = await view.locator('.diagram-host').getAttribute('data-render-ms');
  const after = await transform();
  const statusBefore = (await page.locator('.statusbar-item', { hasText: /chain: [\d,]+ params/ }).first().innerText()).trim();
  // A second digit at the same place: the trace resumes from the checkpoint the first one saved.
  const secondAt = Date.now();
  await page.keyboard.type('2');
  await page.locator('.statusbar-item', { hasText: /chain: [\d,]+ params/ }).filter({ hasNotText: statusBefore }).waitFor({ timeout: 30_000 });
  const statusShown = Date.now() - secondAt;
  await head.filter({ hasText: '(32, 32, 812)' }).waitFor({ timeout: 30_000 });
  const secondShown = Date.now() - secondAt;
  const { keys, status } = await page.evaluate(() => window.__convlensSeen);
  const { head: heads } = await view.locator('body').evaluate(() => window.__convlensSeen);
  // From each key to the first change after it (the status bar) or to the first text with its shape (the diagram).
  const statusAfter = (key) => (status.find(([t]) => t >= key)?.[0] ?? NaN) - key;
  const headAfter = (key, shape) => (heads.find(([t, text]) => t >= key && text.includes(shape))?.[0] ?? NaN) - key;
  const exact = { status1: statusAfter(keys[0]), diagram1: headAfter(keys[0], '(32, 32, 81)'), status2: statusAfter(keys[1]), diagram2: headAfter(keys[1], '(32, 32, 812)') };
  const secondRenderMs = await view.locator('.diagram-host').getAttribute('data-render-ms');
  await page.keyboard.press('Control+Z');
  await page.keyboard.press('Control+Z');
  await head.filter({ hasText: '(32, 32, 8)' }).waitFor({ timeout: 30_000 });
  if (reused !== 'true') throw new Error('a digit typed laid the 1000-layer diagram out again');
  if (!(await view.locator('svg.diagram g.node[data-layer="conv_0"][data-kept]').count())) throw new Error('a digit typed drew the unchanged nodes of the diagram anew');
  if (after !== panned) throw new Error(`the view moved when a digit was typed: ${panned} -> ${after}`);
  console.log(`# a digit typed in it: the diagram shows the new shape ${shownAfter} ms later (drawn in ${renderMs} ms), its layout reused and its view kept; a second digit there: ${secondShown} ms (drawn in ${secondRenderMs} ms; the status bar's new total after ${statusShown} ms)`);
  console.log(`# keystroke to page, by the pages' own clocks: first digit: status bar ${exact.status1} ms, diagram ${exact.diagram1} ms; second digit: status bar ${exact.status2} ms, diagram ${exact.diagram2} ms`);
});
