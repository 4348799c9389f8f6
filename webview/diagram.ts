/**
 * The layer graph as SVG (DOM text, so tests and screen readers can read it), laid out by elkjs
 * (layered, top-down). Zoom with the wheel, pan by dragging, fit with the button. Nodes show the
 * layer, its kind, output shape, params, receptive-field bar and savings badge; edges the shape.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { SummaryModel, SummaryRow } from './messages';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 200;
const NODE_H = 48;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface Diagram {
  highlight(layer: string | null): void;
  /** Fits the width, or with `whole` the whole graph, into the view. */
  fit(whole?: boolean): void;
  /** The whole graph as standalone SVG text, theme colours baked in. */
  exportSvg(): string;
  /** The whole graph as a PNG data URL (2x), via a canvas. */
  exportPng(): Promise<string>;
  /** Milliseconds the layout took. */
  layoutMs: number;
}

interface Point {
  x: number;
  y: number;
}

const elk = new ELK();

/**
 * Rows of a helper-function block (one call of e.g. double_conv) merged into one row: the block's
 * name and size, summed params, its last layer's shape, its first layer's source position.
 */
export function groupRows(rows: SummaryRow[]): { rows: SummaryRow[]; nodeOf: Map<string, string> } {
  const nodeOf = new Map<string, string>();
  const groups = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    const key = r.group ?? r.name;
    nodeOf.set(r.name, key);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const merged = [...groups.entries()].map(([key, members]): SummaryRow => {
    if (members.length === 1 && !members[0].group) return members[0];
    const first = members[0];
    const last = members[members.length - 1];
    const total = members.reduce((s, r) => s + r.paramsValue, 0);
    const names = new Set(members.map((r) => r.name));
    return {
      ...last,
      name: key,
      type: first.groupType ? `${first.groupType} · ${members.length} layers` : `${key.split('#')[0]}() · ${members.length} layers`,
      family: 'group',
      line: first.line,
      column: first.column,
      params: total.toLocaleString('en-US'),
      paramsValue: total,
      savings: null,
      inbound: [...new Set(members.flatMap((r) => r.inbound).filter((n) => !names.has(n)))],
    };
  });
  return { rows: merged.map((r) => ({ ...r, inbound: [...new Set(r.inbound.map((n) => nodeOf.get(n) ?? n))] })), nodeOf };
}

export async function renderDiagram(host: HTMLElement, model: SummaryModel, reveal: (row: SummaryRow) => void, grouped = false): Promise<Diagram> {
  const t0 = performance.now();
  const grouping = grouped ? groupRows(model.rows) : null;
  const rows = grouping ? grouping.rows : model.rows;
  const byName = new Map(rows.map((r) => [r.name, r]));
  const edges = rows.flatMap((r) => r.inbound.filter((s) => byName.has(s)).map((s, i) => ({ id: `${s}->${r.name}#${i}`, sources: [s], targets: [r.name] })));
  const laid: { width?: number; height?: number; children?: { id: string; x?: number; y?: number }[]; edges?: unknown[] } = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.spacing.nodeNode': '16',
      'elk.edgeRouting': 'ORTHOGONAL',
    },
    children: rows.map((r) => ({ id: r.name, width: NODE_W, height: NODE_H })),
    edges,
  });
  const layoutMs = performance.now() - t0;

  const root = svg('svg', { class: 'diagram', role: 'img', 'aria-label': `Layer graph of ${model.name}` });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrow' }));
  defs.append(marker);
  const viewport = svg('g', { class: 'viewport' });
  root.append(defs, viewport);

  for (const e of laid.edges ?? []) {
    for (const s of (e as { sections?: { startPoint: Point; endPoint: Point; bendPoints?: Point[] }[] }).sections ?? []) {
      const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
      viewport.append(svg('path', { class: 'edge', d: `M${pts.map((p) => `${p.x},${p.y}`).join(' L')}`, 'marker-end': 'url(#arrow)' }));
      const source = byName.get((e as { sources: string[] }).sources[0]);
      // The tensor's shape beside the edge, halfway along its first segment.
      const mid = { x: (pts[0].x + pts[1].x) / 2, y: (pts[0].y + pts[1].y) / 2 };
      if (source) viewport.append(svg('text', { class: 'edge-label', x: mid.x + 4, y: mid.y + 3 }, source.outputShape.replace(/^\(None, /, '(')));
    }
  }
  const nodes = new Map<string, SVGGElement>();
  for (const c of laid.children ?? []) {
    const r = byName.get(c.id)!;
    const g = svg('g', { class: `node family-${r.family}`, 'data-layer': r.name, transform: `translate(${c.x},${c.y})`, tabindex: 0, role: 'button', 'aria-label': `${r.name} ${r.type} ${r.outputShape}` });
    g.append(svg('title', {}, `${r.name} (${r.type})\noutput ${r.outputShape}\n${r.params} params, ${r.macs} MACs\nreceptive field ${r.rf}${r.savings ? `\n${r.savings}` : ''}`));
    g.append(svg('rect', { class: 'box', width: NODE_W, height: NODE_H, rx: 4 }));
    g.append(svg('rect', { class: 'stripe', width: 4, height: NODE_H, rx: 2 }));
    g.append(svg('text', { class: 'title', x: 10, y: 16 }, r.name));
    g.append(svg('text', { class: 'sub', x: 10, y: 30 }, `${r.type} ${r.outputShape.replace(/^\(None, /, '(')}`));
    g.append(svg('text', { class: 'sub', x: 10, y: 43 }, `${r.params} params · RF ${r.rf}`));
    if (r.rfFraction !== null) g.append(svg('rect', { class: 'rf', x: 0, y: NODE_H - 3, width: Math.max(2, r.rfFraction * NODE_W), height: 3 }));
    if (r.savings) g.append(svg('text', { class: 'badge', x: NODE_W - 6, y: 14, 'text-anchor': 'end' }, r.savings.split(' ')[0]));
    const go = () => reveal(r);
    g.addEventListener('click', go);
    g.addEventListener('keydown', (ev) => (ev as KeyboardEvent).key === 'Enter' && go());
    viewport.append(g);
    nodes.set(r.name, g);
  }
  host.replaceChildren(root);

  // Pan and zoom: a transform on the viewport group.
  let scale = 1;
  let tx = 0;
  let ty = 0;
  const apply = () => {
    viewport.setAttribute('transform', `translate(${tx},${ty}) scale(${scale})`);
    // For tests and screenshots: the zoom the graph is shown at.
    root.dataset.scale = scale.toFixed(3);
  };
  /** Fits the width (readable; the first view), or with `whole` the whole graph, centred. */
  const fit = (whole = false) => {
    const w = root.clientWidth || host.clientWidth || 300;
    const h = root.clientHeight || host.clientHeight || 400;
    const gw = (laid.width ?? NODE_W) + 8;
    const gh = (laid.height ?? NODE_H) + 8;
    scale = Math.min(1, (w - 16) / gw, whole ? (h - 16) / gh : Infinity);
    tx = Math.max(8, (w - (laid.width ?? NODE_W) * scale) / 2);
    ty = whole ? Math.max(8, (h - (laid.height ?? NODE_H) * scale) / 2) : 8;
    apply();
  };
  root.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    if (!ev.ctrlKey && !ev.metaKey) {
      ty -= ev.deltaY;
      tx -= ev.deltaX;
    } else {
      const f = Math.exp(-ev.deltaY / 300);
      const r = root.getBoundingClientRect();
      const px = ev.clientX - r.left;
      const py = ev.clientY - r.top;
      tx = px - (px - tx) * f;
      ty = py - (py - ty) * f;
      scale *= f;
    }
    apply();
  }, { passive: false });
  let drag: { x: number; y: number } | null = null;
  root.addEventListener('pointerdown', (ev) => {
    if ((ev.target as Element).closest('g.node')) return;
    drag = { x: ev.clientX - tx, y: ev.clientY - ty };
    root.setPointerCapture(ev.pointerId);
  });
  root.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    tx = ev.clientX - drag.x;
    ty = ev.clientY - drag.y;
    apply();
  });
  root.addEventListener('pointerup', () => (drag = null));
  fit();

  const exportSvg = () => {
    // Outside VS Code the CSS variables do not exist: copy computed colours onto the clone.
    const clone = root.cloneNode(true) as SVGSVGElement;
    const live = root.querySelectorAll('*');
    clone.querySelectorAll('*').forEach((el, i) => {
      const cs = getComputedStyle(live[i]);
      for (const prop of ['fill', 'stroke', 'stroke-width', 'opacity', 'font-size', 'font-weight', 'font-family']) el.setAttribute(prop, cs.getPropertyValue(prop));
    });
    const w = Math.ceil((laid.width ?? NODE_W) + 16);
    const h = Math.ceil((laid.height ?? NODE_H) + 16);
    clone.setAttribute('xmlns', SVG);
    clone.setAttribute('width', String(w));
    clone.setAttribute('height', String(h));
    clone.setAttribute('viewBox', `0 0 ${w} ${h}`);
    clone.querySelector('g.viewport')!.setAttribute('transform', 'translate(8,8)');
    const bg = svg('rect', { width: w, height: h, fill: getComputedStyle(document.body).backgroundColor || '#ffffff' });
    clone.insertBefore(bg, clone.firstChild);
    return new XMLSerializer().serializeToString(clone);
  };
  const exportPng = async () => {
    const text = exportSvg();
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width * 2;
    canvas.height = img.height * 2;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    return canvas.toDataURL('image/png');
  };

  return {
    layoutMs,
    fit,
    exportSvg,
    exportPng,
    highlight(layerName) {
      const layer = layerName && grouping ? (grouping.nodeOf.get(layerName) ?? layerName) : layerName;
      for (const [name, g] of nodes) g.classList.toggle('active', name === layer);
      const g = layer ? nodes.get(layer) : undefined;
      const c = g && (laid.children ?? []).find((n) => n.id === layer);
      if (!c) return;
      // Keep the highlighted node in view: centre it vertically.
      const h = root.clientHeight || host.clientHeight || 400;
      const y = (c.y ?? 0) * scale + ty;
      if (y < 0 || y > h - NODE_H * scale) {
        ty = h / 2 - (c.y ?? 0) * scale;
        apply();
      }
    },
  };
}
