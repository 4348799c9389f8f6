/** The sidebar's browser side: renders the summaries it is sent; never computes Keras math. */
import type { FromWebview, SummaryModel, ToWebview } from './messages';

interface VsCodeApi {
  postMessage(m: FromWebview): void;
  getState(): { model?: string } | undefined;
  setState(s: { model?: string }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let models: SummaryModel[] = [];
let file = '';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function selected(): SummaryModel | undefined {
  const wanted = vscode.getState()?.model;
  return models.find((m) => m.name === wanted) ?? models[0];
}

function render(): void {
  app.replaceChildren();
  if (!models.length) {
    app.append(el('p', 'empty', file ? `No Keras model found in ${file}.` : 'Open a Python file that builds a Keras model.'));
    return;
  }
  const model = selected()!;
  const header = el('div', 'header');
  const picker = el('select', 'picker');
  picker.setAttribute('aria-label', 'Model');
  for (const m of models) {
    const option = el('option', undefined, m.variable ? `${m.name} (${m.variable})` : m.name);
    option.value = m.name;
    option.selected = m === model;
    picker.append(option);
  }
  picker.addEventListener('change', () => {
    vscode.setState({ model: picker.value });
    render();
  });
  header.append(picker, el('span', 'totals', `${model.totals.params} params · ${model.totals.macs} MACs`));
  app.append(header);

  const table = el('table', 'summary');
  const head = el('tr');
  for (const h of ['Layer', 'Output', 'Params', 'RF']) head.append(el('th', undefined, h));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  for (const r of model.rows) {
    const tr = el('tr', `row family-${r.family}`);
    tr.dataset.layer = r.name;
    tr.tabIndex = 0;
    tr.title = `${r.name} (${r.type}): ${r.outputShape}, ${r.params} params, ${r.macs} MACs, receptive field ${r.rf}${r.inbound.length ? `\nfrom ${r.inbound.join(', ')}` : ''}${r.savings ? `\n${r.savings}` : ''}`;
    // Name over type (coloured by family) keeps the table readable in a narrow sidebar.
    const name = el('td', 'name');
    name.append(el('div', 'layer-name', r.name));
    const sub = el('div', 'layer-type', r.type);
    if (r.savings) sub.append(el('span', 'badge', r.savings.replace(' as SeparableConv2D', ' sep.')));
    name.append(sub);
    const rf = el('td', 'rf');
    const bar = el('span', 'rf-bar');
    bar.style.width = r.rfFraction === null ? '0' : `${Math.round(r.rfFraction * 100)}%`;
    rf.append(bar, el('span', 'rf-text', r.rf));
    tr.append(name, el('td', 'shape', r.outputShape.replace(/^\(None, /, '(')), el('td', 'num', r.params), rf);
    const reveal = () => vscode.postMessage({ type: 'reveal', line: r.line, column: r.column });
    tr.addEventListener('click', reveal);
    tr.addEventListener('keydown', (e) => e.key === 'Enter' && reveal());
    body.append(tr);
  }
  table.append(body);
  app.append(table);
  app.append(el('p', 'footer', `Trainable ${model.totals.trainable} · non-trainable ${model.totals.nonTrainable}. Shapes omit the batch axis. Hover a row for MACs and inputs.`));
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (m.type === 'summary') {
    models = m.models;
    file = m.file;
    if (m.select) vscode.setState({ model: m.select });
    render();
  } else if (m.type === 'highlight') {
    for (const row of app.querySelectorAll<HTMLTableRowElement>('tr.row')) row.classList.toggle('active', row.dataset.layer === m.layer && selected()?.name === m.model);
    // Scroll vertically only: a wide table must not jump sideways when the cursor moves.
    const active = app.querySelector('tr.row.active');
    if (active) {
      const r = active.getBoundingClientRect();
      if (r.top < 30 || r.bottom > window.innerHeight) window.scrollBy({ top: r.top - window.innerHeight / 2 });
    }
  }
});

vscode.postMessage({ type: 'ready' });
