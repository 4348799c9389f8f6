/** The sidebar's browser side: renders the summaries it is sent; never computes Keras math. */
import { renderDiagram, type Diagram } from './diagram';
import type { FromWebview, RunView, SummaryModel, SummaryRow, ToWebview } from './messages';
import { applySummaryChanges } from './summary_changes';
import { tableRows, type TableRow } from './table_rows';
import { button, dropdown } from './ui';

interface ViewState {
  model?: string;
  mode?: 'diagram' | 'table';
  /** Collapse helper-function blocks into one node each. */
  grouped?: boolean;
  /** By model key: the nested models (backbones) expanded in the diagram and the table; the rest stay collapsed. */
  expanded?: Record<string, string[]>;
}

interface VsCodeApi {
  postMessage(m: FromWebview): void;
  getState(): ViewState | undefined;
  setState(s: ViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let models: SummaryModel[] = [];
/** The number of the summary shown (changes come against it). */
let summarySeq: number | null = null;
let file = '';
/** Why a file shows no model (a saved file that holds weights only, say). */
let notice: string | null = null;
/** Whether the host offers "Run on sample" from inside the view. */
let runnable = false;
let run: { file: string; view: RunView; stale: boolean } | null = null;
let diagram: Diagram | null = null;
/** The key of the model `diagram` shows. */
let diagramOf: string | null = null;
let highlighted: string | null = null;
/** Renders are async (layout): a newer one supersedes an older one still laying out. */
let generation = 0;
/** The nested model the user just expanded or collapsed: the next diagram keeps it in view, the next table focuses its row. */
let toggled: string | null = null;
/** In the table: each layer's shown row (itself, or the collapsed nested model holding it). */
let tableRowOf = new Map<string, string>();

function setState(patch: ViewState): void {
  vscode.setState({ ...vscode.getState(), ...patch });
}

function mode(): 'diagram' | 'table' {
  return vscode.getState()?.mode ?? 'diagram';
}

const reveal = (r: SummaryRow) => vscode.postMessage({ type: 'reveal', line: r.line, column: r.column });

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function selected(): SummaryModel | undefined {
  const wanted = vscode.getState()?.model;
  return models.find((m) => m.key === wanted) ?? models[0];
}

function render(): void {
  app.replaceChildren();
  if (!models.length) {
    app.append(el('p', 'empty', notice ?? (file ? `No Keras model found in ${file}.` : 'Open a Python file that builds a Keras model.')));
    return;
  }
  const model = selected()!;
  app.append(headerOf(model));
  // The latest run comes first: it is what the user just asked for.
  const runBox = runSection(model);
  if (runBox) app.append(runBox);
  // The diagram being replaced, when it shows this model: its pan and zoom may be kept.
  const previous = diagram && diagramOf === model.key ? { structure: diagram.structure, viewport: diagram.viewport() } : null;
  diagram = null;
  const expanded = expandedOf(model);
  const toggle = (name: string) => {
    if (!expanded.delete(name)) expanded.add(name);
    toggled = name;
    setState({ expanded: { ...vscode.getState()?.expanded, [model.key]: [...expanded] } });
    render();
  };
  if (mode() === 'diagram') {
    const host = el('div', 'diagram-host');
    app.append(toolsOf(model), host);
    const mine = ++generation;
    // Only the render right after a toggle keeps the toggled group in view.
    const focus = toggled;
    toggled = null;
    void renderDiagram(host, model, { reveal, toggle, grouped: isGrouped(), expanded, focus, previous }).then((d) => {
      if (mine !== generation) return;
      diagram = d;
      diagramOf = model.key;
      host.dataset.layoutMs = d.layoutMs.toFixed(0);
      host.dataset.layoutReused = String(d.layoutReused);
      host.dataset.renderMs = d.renderMs.toFixed(0);
      d.highlight(highlighted);
    });
    return;
  }
  generation++;
  renderTable(model, expanded, toggle);
}

/**
 * A new summary of the diagram's model with the same graph (a number typed): the header, run
 * results and tools are rebuilt, the diagram is patched in place. Drawing 1000 nodes anew cost
 * ~0.5 s of style and layout per keystroke, on the thread the editor's own window shares.
 * False (nothing changed) when a full render is needed.
 */
function refreshDiagram(): boolean {
  const model = selected();
  const host = app.querySelector<HTMLElement>(':scope > .diagram-host');
  if (!model || mode() !== 'diagram' || !diagram || diagramOf !== model.key || !host) return false;
  const t0 = performance.now();
  if (!diagram.update(model, { grouped: isGrouped(), expanded: expandedOf(model) })) return false;
  while (app.firstChild && app.firstChild !== host) app.firstChild.remove();
  const runBox = runSection(model);
  host.before(headerOf(model), ...(runBox ? [runBox] : []), toolsOf(model));
  host.dataset.layoutReused = 'true';
  host.dataset.renderMs = (performance.now() - t0).toFixed(0);
  diagram.highlight(highlighted);
  return true;
}

/** Nested models the user expanded in this model, shared by the diagram and the table. */
function expandedOf(model: SummaryModel): Set<string> {
  return new Set(vscode.getState()?.expanded?.[model.key] ?? []);
}

/** Whether helper-function blocks are drawn as one node each (the Group tool). */
function isGrouped(): boolean {
  return !!vscode.getState()?.grouped;
}

/** The model picker, its totals, the Diagram/Table tabs and Run on sample. */
function headerOf(model: SummaryModel): HTMLElement {
  const header = el('div', 'header');
  const picker = dropdown('Model', models.map((m) => ({ value: m.key, text: m.variable ? `${m.name} (${m.variable})` : m.name, selected: m === model })), (value) => {
    setState({ model: value });
    render();
  });
  const tabs = el('div', 'tabs');
  tabs.setAttribute('role', 'tablist');
  for (const m of ['diagram', 'table'] as const) {
    const b = button(m === 'diagram' ? 'Diagram' : 'Table', () => {
      setState({ mode: m });
      render();
    }, { pressed: mode() === m, className: 'tab' });
    b.setAttribute('role', 'tab');
    b.setAttribute('aria-selected', String(mode() === m));
    tabs.append(b);
  }
  header.append(picker, el('span', 'totals', `${model.totals.params} params · ${model.totals.macs} MACs`), tabs);
  if (runnable) header.append(button('Run on sample', () => vscode.postMessage({ type: 'runSample', model: model.name }), { className: 'run-sample' }));
  return header;
}

/** The diagram's tools: Group, the exports and Fit. */
function toolsOf(model: SummaryModel): HTMLElement {
  const fit = button('Fit', () => diagram?.fit(true), { title: 'Fit the whole graph into the view', className: 'tool' });
  const exports = (['svg', 'png'] as const).map((format) => button(format.toUpperCase(), async () => {
    if (!diagram) return;
    const data = format === 'svg' ? diagram.exportSvg() : await diagram.exportPng();
    vscode.postMessage({ type: 'export', format, model: model.name, data });
  }, { title: `Export the diagram as ${format.toUpperCase()}`, className: 'tool' }));
  const grouped = isGrouped();
  const group = button('Group', () => {
    setState({ grouped: !grouped });
    render();
  }, { title: 'Collapse each helper-function block (e.g. one call of double_conv) into one node', pressed: grouped, className: 'tool' });
  const tools = el('div', 'tools');
  tools.append(group, ...exports, fit);
  return tools;
}

/**
 * The table: one row per layer, except that a nested model or custom layer holding layers is one
 * row (its totals from the host) with a disclosure control until expanded; its layers then follow
 * it, indented. A click on a row shows its source; Enter or Space on a nested model's row (or its
 * control) expands or folds it, Enter on a layer's row shows its source.
 */
function renderTable(model: SummaryModel, expanded: ReadonlySet<string>, toggle: (group: string) => void): void {
  const table = el('table', 'summary');
  table.setAttribute('role', 'treegrid');
  table.setAttribute('aria-label', `Layers of ${model.name}`);
  const head = el('tr');
  for (const h of ['Layer', 'Output', 'Params', 'MACs', 'RF']) head.append(el('th', undefined, h));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  const shown = tableRows(model, expanded);
  tableRowOf = shown.rowOf;
  const rowEl = (name: string) => body.querySelector<HTMLTableRowElement>(`tr.row[data-layer="${CSS.escape(name)}"]`);
  for (const t of shown.rows) body.append(tableRow(t, toggle, rowEl));
  table.append(body);
  app.append(table);
  app.append(el('p', 'footer', `Trainable ${model.totals.trainable} · non-trainable ${model.totals.nonTrainable}. Shapes omit the batch axis. Hover a row for its inputs; ▸ expands a nested model.`));
  // After a toggle the table is new: the toggled row keeps the keyboard focus.
  if (toggled) rowEl(toggled)?.focus();
  toggled = null;
}

function tableRow(t: TableRow, toggle: (group: string) => void, rowEl: (name: string) => HTMLTableRowElement | null): HTMLTableRowElement {
  const r = t.row;
  const tr = el('tr', `row family-${r.family}${t.group ? ' nested' : ''}`);
  tr.dataset.layer = r.name;
  tr.tabIndex = 0;
  tr.setAttribute('aria-level', String(t.depth + 1));
  const fold = t.group ? `\n${t.expanded ? 'Enter folds it' : 'Enter expands it into its layers'}` : '';
  tr.title = `${r.name} (${r.type}): ${r.outputShape}, ${r.params} params, ${r.macs} MACs, receptive field ${r.rf}${r.inbound.length ? `\nfrom ${r.inbound.join(', ')}` : ''}${r.savings ? `\n${r.savings}` : ''}${fold}`;
  // Name over type (coloured by family) keeps the table readable in a narrow sidebar.
  const name = el('td', 'name');
  name.style.setProperty('--depth', String(t.depth));
  const title = el('div', 'layer-name');
  if (t.group) {
    tr.dataset.group = r.name;
    tr.setAttribute('aria-expanded', String(t.expanded));
    const disclosure = el('button', 'disclosure', t.expanded ? '▾' : '▸');
    disclosure.tabIndex = -1;
    disclosure.setAttribute('aria-label', `${t.expanded ? 'Fold' : 'Expand'} ${r.name}`);
    disclosure.setAttribute('aria-expanded', String(t.expanded));
    disclosure.addEventListener('click', (e) => {
      // The control folds or expands; the rest of the row shows the source.
      e.stopPropagation();
      toggle(r.name);
    });
    title.append(disclosure);
  }
  title.append(r.name);
  name.append(title);
  const sub = el('div', 'layer-type', r.type);
  if (r.savings) sub.append(el('span', 'badge', r.savings.replace(' as SeparableConv2D', ' sep.')));
  name.append(sub);
  const rf = el('td', 'rf');
  const bar = el('span', 'rf-bar');
  bar.style.width = r.rfFraction === null ? '0' : `${Math.round(r.rfFraction * 100)}%`;
  rf.append(bar, el('span', 'rf-text', r.rf));
  tr.append(name, el('td', 'shape', r.outputShape.replace(/^\(None, /, '(')), el('td', 'num', r.params), el('td', 'num macs', r.macs), rf);
  tr.addEventListener('click', () => reveal(r));
  tr.addEventListener('keydown', (e) => {
    if (e.target !== tr) return;
    const key = e.key;
    if (t.group && (key === 'Enter' || key === ' ')) toggle(r.name);
    else if (key === 'Enter' || key === ' ') reveal(r);
    else if (t.group && key === 'ArrowRight' && !t.expanded) toggle(r.name);
    else if (t.group && key === 'ArrowLeft' && t.expanded) toggle(r.name);
    else if (key === 'ArrowLeft' && t.parent) rowEl(t.parent)?.focus();
    else return;
    // Space would scroll the view; arrows would scroll it sideways.
    e.preventDefault();
  });
  return tr;
}

/** base64 (as the host sends pixel data) to bytes. */
function bytes(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Colour scale of the ERF heatmap (dark blue -> teal -> yellow, like viridis): a presentation choice only. */
const SCALE: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function scaleColour(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v)) * (SCALE.length - 1);
  const i = Math.min(SCALE.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(SCALE[i][k] + (SCALE[i + 1][k] - SCALE[i][k]) * f)) as [number, number, number];
}

/**
 * The effective receptive field as a smooth heatmap: the samples drawn into a tiny canvas, then
 * scaled up with smoothing to where they lie in the input (over the input image when the run used
 * one), and the analytical field outlined (dashed).
 */
function erfHeatmap(erf: NonNullable<RunView['erf']>, image: RunView['image']): HTMLElement {
  const [height, width] = image ? [image.height, image.width] : (erf.input ?? [erf.origin[0] + erf.rows * erf.step, erf.origin[1] + erf.cols * erf.step]);
  // Draw at a few device pixels per input pixel so the outline stays crisp on small inputs.
  const zoom = Math.max(1, Math.ceil(256 / Math.max(width, height)));
  const canvas = el('canvas', 'erf-image');
  canvas.width = width * zoom;
  canvas.height = height * zoom;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `Effective receptive field${image ? ` over the ${image.width}x${image.height} input` : ` of the ${width}x${height} input`}, ${erf.rows} by ${erf.cols} samples every ${erf.step} pixels; the analytical field outlined`);
  const ctx = canvas.getContext('2d')!;
  if (image) {
    const photo = document.createElement('canvas');
    photo.width = image.width;
    photo.height = image.height;
    const img = photo.getContext('2d')!.createImageData(image.width, image.height);
    img.data.set(bytes(image.rgba));
    photo.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(photo, 0, 0, canvas.width, canvas.height);
    // Dimmed, so the heatmap's colours stand out from the picture's.
    ctx.fillStyle = 'rgba(0, 0, 0, 0.5)';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  } else {
    ctx.fillStyle = `rgb(${SCALE[0].join(',')})`;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  const samples = document.createElement('canvas');
  samples.width = erf.cols;
  samples.height = erf.rows;
  const sctx = samples.getContext('2d')!;
  const cells = sctx.createImageData(erf.cols, erf.rows);
  for (let i = 0; i < erf.rows * erf.cols; i++) {
    // sqrt: the ERF falls off fast (roughly Gaussian); the square root keeps its tails visible.
    const v = Math.sqrt(erf.values[i]);
    cells.data.set([...scaleColour(v), image ? Math.round(255 * Math.min(1, 0.15 + v)) : 255], i * 4);
  }
  sctx.putImageData(cells, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  // Each sample stands for the step x step square around its pixel.
  const x0 = (erf.origin[1] - (erf.step - 1) / 2) * zoom;
  const y0 = (erf.origin[0] - (erf.step - 1) / 2) * zoom;
  ctx.globalAlpha = image ? 0.8 : 1;
  ctx.drawImage(samples, x0, y0, erf.cols * erf.step * zoom, erf.rows * erf.step * zoom);
  ctx.globalAlpha = 1;
  const a = erf.analytical;
  ctx.setLineDash([4, 3]);
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#ffffff';
  ctx.strokeRect(a.left * zoom + 1, a.top * zoom + 1, (a.right - a.left + 1) * zoom - 2, (a.bottom - a.top + 1) * zoom - 2);
  ctx.setLineDash([]);
  const box = el('div', 'erf-box');
  const legend = el('div', 'erf-legend');
  const bar = el('span', 'erf-scale');
  bar.style.background = `linear-gradient(to right, ${SCALE.map((c, i) => `rgb(${c.join(',')}) ${(i / (SCALE.length - 1)) ** 2 * 100}%`).join(', ')})`;
  legend.append(el('span', 'erf-scale-min', '0'), bar, el('span', 'erf-scale-max', erf.max));
  box.append(canvas, legend, el('p', 'hint', `Colour: |∂ unit / ∂ input pixel|, 0 to ${erf.max}. Dashed: the analytical receptive field (rows ${a.top}..${a.bottom}, cols ${a.left}..${a.right}).`));
  return box;
}

/** The first channels of a layer's output as small greyscale canvases. */
function showMaps(host: HTMLElement, layer: string, v: RunView): void {
  host.replaceChildren();
  const t = v.thumbnails[layer];
  if (!t) {
    host.append(el('p', 'hint', `${layer} has no 2D feature maps.`));
    return;
  }
  host.append(el('h4', undefined, `Feature maps: ${layer} (first ${t.channels} channels)`));
  const grey = bytes(t.data);
  const grid = el('div', 'map-grid');
  grid.dataset.layer = layer;
  for (let c = 0; c < t.channels; c++) {
    const canvas = el('canvas', 'map');
    canvas.width = t.width;
    canvas.height = t.height;
    canvas.title = `${layer}, channel ${c}`;
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(t.width, t.height);
    for (let i = 0; i < t.width * t.height; i++) {
      const g = grey[c * t.width * t.height + i];
      img.data.set([g, g, g, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
    grid.append(canvas);
  }
  host.append(grid);
}

/** The last run of this model, when there is one: output, latency, receptive field, ERF heatmap, per-layer bars. */
function runSection(model: SummaryModel): HTMLElement | null {
  if (!run || run.file !== file || run.view.model !== model.key) return null;
  const v = run.view;
  const box = el('section', run.stale ? 'run stale' : 'run');
  box.setAttribute('aria-label', 'Run results');
  box.append(el('h3', undefined, `Run: ${v.input} → ${v.output}`));
  if (run.stale) box.append(el('p', 'stale-note', 'Stale: from an earlier version of the file. Run again to update.'));
  const facts: [string, string][] = [['Latency', v.latency], ['Output', v.stats], ['Weights', v.weights]];
  if (v.untrained) facts.push(['Predictions', v.untrained]);
  else if (v.top5) facts.push(['Top-5', v.top5.join(', ')]);
  if (v.receptiveField) facts.push(['Receptive field', v.receptiveField]);
  const dl = el('dl', 'facts');
  for (const [k, val] of facts) dl.append(el('dt', undefined, k), el('dd', `fact-${k.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, val));
  box.append(dl);
  if (v.erf) box.append(el('h4', undefined, v.image ? 'Effective receptive field over the input' : 'Effective receptive field'), erfHeatmap(v.erf, v.image));
  box.append(el('h4', undefined, 'Per-layer latency'));
  box.append(el('p', 'hint', 'Click a layer for its feature maps.'));
  const maps = el('div', 'maps');
  const list = el('div', 'latency');
  // MACs as the analysis shows them (looked up by layer name: the webview computes nothing).
  const macsOf = new Map(model.rows.map((r) => [r.name, r.macs]));
  const head = el('div', 'lat-row lat-head');
  head.append(el('span', 'lat-name', 'Layer'), el('span', 'lat-macs', 'MACs'), el('span', 'lat-time', 'Time'), el('span', 'lat-zeros', 'Zeros'));
  list.append(head);
  for (const l of v.layers) {
    const row = el('div', `lat-row${l.fusedInto ? ' fused' : ''}`);
    row.dataset.layer = l.name;
    const bar = el('span', 'lat-bar');
    bar.style.width = `${Math.round(l.fraction * 100)}%`;
    // Fixed columns: every figure sits at the same x, whether or not a row has a zeros share.
    const time = el('span', 'lat-time', l.fusedInto ? 'fused' : l.latency);
    if (l.fusedInto) time.title = l.latency;
    row.append(bar, el('span', 'lat-name', l.name), el('span', 'lat-macs', macsOf.get(l.name) ?? ''), time);
    // Dead units show up as exact zeros after ReLU-like activations.
    row.append(el('span', 'lat-zeros', l.zeros && /ReLU|Activation/.test(l.type) ? l.zeros.replace(' zeros', '') : ''));
    if (l.zeros) row.title = `${l.type}: ${l.zeros}`;
    row.tabIndex = 0;
    row.addEventListener('click', () => showMaps(maps, l.name, v));
    list.append(row);
  }
  box.append(list, maps);
  return box;
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (m.type === 'summary' || m.type === 'summaryChanges') {
    // Changes against a summary this webview does not hold: it asks for a whole one.
    if (m.type === 'summaryChanges' && m.base !== summarySeq) return vscode.postMessage({ type: 'summaryWanted' });
    models = m.type === 'summary' ? m.models : applySummaryChanges(models, m.models);
    summarySeq = m.seq ?? null;
    // For tests: a summary asked for (a CodeLens' Show diagram) has arrived once this count moves.
    document.body.dataset.summaries = String(Number(document.body.dataset.summaries ?? 0) + 1);
    file = m.file;
    notice = (m.type === 'summary' && m.notice) || null;
    runnable = m.type === 'summary' && !!m.runnable;
    if (run) run.stale = !!m.runStale;
    if (m.select) setState({ model: m.select });
    if (m.mode) setState({ mode: m.mode });
    if (!refreshDiagram()) render();
  } else if (m.type === 'run') {
    run = { file: m.file, view: m.run, stale: !!m.stale };
    render();
    window.scrollTo({ top: 0 });
  } else if (m.type === 'runCleared') {
    run = null;
    render();
  } else if (m.type === 'highlight') {
    highlighted = selected()?.key === m.model ? m.layer : null;
    diagram?.highlight(highlighted);
    // A layer inside a collapsed nested model lights up that model's row.
    const shownRow = m.layer === null ? null : (tableRowOf.get(m.layer) ?? m.layer);
    for (const row of app.querySelectorAll<HTMLTableRowElement>('tr.row')) row.classList.toggle('active', row.dataset.layer === shownRow && selected()?.key === m.model);
    // Scroll vertically only: a wide table must not jump sideways when the cursor moves.
    const active = app.querySelector('tr.row.active');
    if (active) {
      const r = active.getBoundingClientRect();
      if (r.top < 30 || r.bottom > window.innerHeight) window.scrollBy({ top: r.top - window.innerHeight / 2 });
    }
  }
});

vscode.postMessage({ type: 'ready' });
