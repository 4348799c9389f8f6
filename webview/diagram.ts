/**
 * The layer graph as SVG (DOM text, so tests and screen readers can read it), laid out by elkjs
 * (layered, top-down). Zoom with the wheel, pan by dragging, fit with the button. Nodes show the
 * layer, its kind, output shape, params, receptive-field bar and savings badge; edges the shape.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { diagramNodes, type DiagramNode, type DiagramNodes, type DiagramView } from './diagram_nodes';
import { LayoutCache, structureKey } from './layout_cache';
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
  /** Milliseconds from the summary to the drawn diagram (layout included). */
  renderMs: number;
  /** Whether the layout was one kept for the same structure (no ELK run). */
  layoutReused: boolean;
  /** The graph's structure (layout_cache.ts): a diagram of the same structure can keep this one's view. */
  structure: string;
  /** Where the user panned and zoomed to. */
  viewport(): Viewport;
  /**
   * Shows a new summary of the same graph (a number typed) by redrawing only the nodes, box
   * headers and edge labels whose text changed; false (nothing touched) when the graph differs.
   */
  update(model: SummaryModel, view: DiagramView): boolean;
}

export interface Viewport {
  scale: number;
  tx: number;
  ty: number;
}

interface Point {
  x: number;
  y: number;
}

const elk = new ELK();

export interface DiagramOptions extends DiagramView {
  /** A layer or helper block was clicked: show its source. */
  reveal: (row: SummaryRow) => void;
  /** A nested model's node (collapsed) or box header (expanded) was clicked. */
  toggle: (group: string) => void;
  /** A node or group to bring into view (the one just expanded or collapsed). */
  focus?: string | null;
  /** The diagram this one replaces (the same model, re-analysed): with the same structure, its pan and zoom are kept. */
  previous?: { structure: string; viewport: Viewport } | null;
}

const BOX_HEADER = 44;

/** ELK's answer: the graph's size, the nodes placed (boxes holding theirs), the edges routed. Never changed once made. */
type Layout = { width?: number; height?: number; children?: ElkNode[]; edges?: unknown[] };
type ElkNode = { id: string; width?: number; height?: number; x?: number; y?: number; children?: ElkNode[]; layoutOptions?: Record<string, string> };

const layouts = new LayoutCache<Layout>();

export async function renderDiagram(host: HTMLElement, model: SummaryModel, options: DiagramOptions): Promise<Diagram> {
  const t0 = performance.now();
  const shown = diagramNodes(model, options);
  /** The latest summary's rows by node: clicks reveal where a layer is now. */
  let byName = new Map(shown.nodes.map((n) => [n.row.name, n.row]));
  // ELK's nested graph: expanded nested models are compound nodes holding their nodes.
  const top: ElkNode[] = [];
  const compounds = new Map<string, ElkNode>();
  for (const b of shown.boxes) {
    const c: ElkNode = { id: `box:${b.group.name}`, children: [], layoutOptions: { 'elk.padding': `[top=${BOX_HEADER},left=10,bottom=10,right=10]` } };
    compounds.set(b.group.name, c);
    (b.parent ? compounds.get(b.parent)!.children! : top).push(c);
  }
  for (const n of shown.nodes) (n.parent ? compounds.get(n.parent)!.children! : top).push({ id: n.row.name, width: NODE_W, height: NODE_H });
  const edges = shown.edges.map((e, i) => ({ id: `${e.source}->${e.target}#${i}`, sources: [e.source], targets: [e.target] }));
  const structure = structureKey(shown);
  const kept = layouts.get(structure);
  const laid: Layout = kept ?? await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.spacing.nodeNode': '16',
      'elk.edgeRouting': 'ORTHOGONAL',
      // Edges cross into expanded boxes; every coordinate comes back relative to the root.
      ...(shown.boxes.length ? { 'elk.hierarchyHandling': 'INCLUDE_CHILDREN', 'elk.json.shapeCoords': 'ROOT', 'elk.json.edgeCoords': 'ROOT' } : {}),
    },
    children: top,
    edges,
  } as never);
  if (!kept) layouts.set(structure, laid);
  const layoutMs = performance.now() - t0;
  const placed = new Map<string, ElkNode>();
  const visit = (list: ElkNode[] | undefined) => {
    for (const c of list ?? []) {
      placed.set(c.id, c);
      visit(c.children);
    }
  };
  visit(laid.children);

  const root = svg('svg', { class: 'diagram', role: 'img', 'aria-label': `Layer graph of ${model.name}` });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrow' }));
  defs.append(marker);
  const viewport = svg('g', { class: 'viewport' });
  root.append(defs, viewport);

  // Expanded nested models first (behind their layers): a dashed box whose header collapses it.
  // The headers go over the edges, which enter the box through them.
  const headers = new Map<string, { drawn: string; header: SVGGElement }>();
  const drawHeader = (b: DiagramNodes['boxes'][number], c: ElkNode) => {
    const header = svg('g', { class: 'group-header', 'data-group': b.group.name, transform: `translate(${c.x},${c.y})`, tabindex: 0, role: 'button', 'aria-expanded': 'true', 'aria-label': `Collapse ${b.group.name}` });
    header.append(svg('title', {}, `${b.group.name} (${b.group.type})\noutput ${b.group.outputShape}\n${b.group.params} params, ${b.group.macs} MACs\nreceptive field ${b.group.rf}\nClick to collapse`));
    header.append(svg('rect', { class: 'header-hit', width: c.width ?? 0, height: BOX_HEADER - 4, rx: 6 }));
    header.append(svg('text', { class: 'title', x: 8, y: 13 }, `▾ ${b.group.name}`));
    header.append(svg('text', { class: 'sub', x: 8, y: 25 }, b.group.type));
    header.append(svg('text', { class: 'sub', x: 8, y: 36 }, `${b.group.params} params · RF ${b.group.rf}`));
    const collapse = () => options.toggle(b.group.name);
    header.addEventListener('click', collapse);
    header.addEventListener('keydown', (ev) => (ev as KeyboardEvent).key === 'Enter' && collapse());
    return header;
  };
  for (const b of shown.boxes) {
    const c = placed.get(`box:${b.group.name}`);
    if (!c) continue;
    const g = svg('g', { class: 'group-box', 'data-group': b.group.name, transform: `translate(${c.x},${c.y})` });
    g.append(svg('rect', { class: 'frame', width: c.width ?? 0, height: c.height ?? 0, rx: 6 }));
    headers.set(b.group.name, { drawn: headerText(b), header: drawHeader(b, c) });
    viewport.append(g);
  }
  const edgeLabels: { label: SVGTextElement; source: string }[] = [];
  for (const e of laid.edges ?? []) {
    for (const s of (e as { sections?: { startPoint: Point; endPoint: Point; bendPoints?: Point[] }[] }).sections ?? []) {
      const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
      viewport.append(svg('path', { class: 'edge', d: `M${pts.map((p) => `${p.x},${p.y}`).join(' L')}`, 'marker-end': 'url(#arrow)' }));
      const source = byName.get((e as { sources: string[] }).sources[0]);
      // The tensor's shape beside the edge, halfway along its first segment.
      const mid = { x: (pts[0].x + pts[1].x) / 2, y: (pts[0].y + pts[1].y) / 2 };
      if (!source) continue;
      const label = svg('text', { class: 'edge-label', x: mid.x + 4, y: mid.y + 3 }, edgeLabel(source));
      edgeLabels.push({ label, source: source.name });
      viewport.append(label);
    }
  }
  viewport.append(...[...headers.values()].map((h) => h.header));
  const nodes = new Map<string, { drawn: string; g: SVGGElement }>();
  const drawNode = (n: DiagramNode, c: ElkNode) => {
    const r = n.row;
    const nested = !!n.group?.container;
    const g = svg('g', { class: `node family-${r.family}${nested ? ' collapsed' : ''}`, 'data-layer': r.name, transform: `translate(${c.x},${c.y})`, tabindex: 0, role: 'button', 'aria-label': `${r.name} ${r.type} ${r.outputShape}` });
    if (nested) g.setAttribute('aria-expanded', 'false');
    g.append(svg('title', {}, `${r.name} (${r.type})\noutput ${r.outputShape}\n${r.params} params, ${r.macs} MACs\nreceptive field ${r.rf}${r.savings ? `\n${r.savings}` : ''}${nested ? '\nClick to expand' : ''}`));
    g.append(svg('rect', { class: 'box', width: NODE_W, height: NODE_H, rx: 4 }));
    g.append(svg('rect', { class: 'stripe', width: 4, height: NODE_H, rx: 2 }));
    g.append(svg('text', { class: 'title', x: 10, y: 16 }, nested ? `▸ ${r.name}` : r.name));
    g.append(svg('text', { class: 'sub', x: 10, y: 30 }, `${r.type} ${r.outputShape.replace(/^\(None, /, '(')}`));
    g.append(svg('text', { class: 'sub', x: 10, y: 43 }, `${r.params} params · RF ${r.rf}`));
    if (r.rfFraction !== null) g.append(svg('rect', { class: 'rf', x: 0, y: NODE_H - 3, width: Math.max(2, r.rfFraction * NODE_W), height: 3 }));
    if (r.savings) g.append(svg('text', { class: 'badge', x: NODE_W - 6, y: 14, 'text-anchor': 'end' }, r.savings.split(' ')[0]));
    // A collapsed nested model opens on click; a layer or helper block shows its source.
    const go = nested ? () => options.toggle(r.name) : () => options.reveal(byName.get(r.name) ?? r);
    g.addEventListener('click', go);
    g.addEventListener('keydown', (ev) => (ev as KeyboardEvent).key === 'Enter' && go());
    return g;
  };
  for (const n of shown.nodes) {
    const c = placed.get(n.row.name);
    if (!c) continue;
    const g = drawNode(n, c);
    viewport.append(g);
    nodes.set(n.row.name, { drawn: nodeText(n), g });
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
    // Not on a node or a box header: pointer capture would take their click.
    if ((ev.target as Element).closest('g.node, g.group-header')) return;
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
  // The same model re-analysed with the same structure (a number typed): the view stays where the user left it.
  if (options.previous && options.previous.structure === structure) {
    ({ scale, tx, ty } = options.previous.viewport);
    apply();
  } else fit();
  // After a toggle, keep what was clicked in view: its box (expanded) or its node (collapsed).
  const focused = options.focus ? (placed.get(`box:${options.focus}`) ?? placed.get(options.focus)) : undefined;
  if (focused) {
    const h = root.clientHeight || host.clientHeight || 400;
    ty = Math.min(8, h / 3 - (focused.y ?? 0) * scale);
    apply();
  }

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

  const renderMs = performance.now() - t0;
  return {
    layoutMs,
    renderMs,
    layoutReused: kept !== undefined,
    structure,
    viewport: () => ({ scale, tx, ty }),
    fit,
    exportSvg,
    exportPng,
    highlight(layerName) {
      const layer = layerName ? (shown.nodeOf.get(layerName) ?? layerName) : layerName;
      for (const [name, { g }] of nodes) g.classList.toggle('active', name === layer);
      const g = layer ? nodes.get(layer) : undefined;
      const c = g && layer ? placed.get(layer) : undefined;
      if (!c) return;
      // Keep the highlighted node in view: centre it vertically.
      const h = root.clientHeight || host.clientHeight || 400;
      const y = (c.y ?? 0) * scale + ty;
      if (y < 0 || y > h - NODE_H * scale) {
        ty = h / 2 - (c.y ?? 0) * scale;
        apply();
      }
    },
    update(next, view) {
      const now = diagramNodes(next, view);
      if (structureKey(now) !== structure) return false;
      root.setAttribute('aria-label', `Layer graph of ${next.name}`);
      byName = new Map(now.nodes.map((n) => [n.row.name, n.row]));
      // Only what changed is replaced: the rest of the drawing keeps its style and layout.
      for (const n of now.nodes) {
        const old = nodes.get(n.row.name);
        const c = placed.get(n.row.name);
        const drawn = nodeText(n);
        if (!old || !c || old.drawn === drawn) continue;
        const g = drawNode(n, c);
        g.classList.toggle('active', old.g.classList.contains('active'));
        old.g.replaceWith(g);
        nodes.set(n.row.name, { drawn, g });
      }
      for (const b of now.boxes) {
        const old = headers.get(b.group.name);
        const c = placed.get(`box:${b.group.name}`);
        const drawn = headerText(b);
        if (!old || !c || old.drawn === drawn) continue;
        const header = drawHeader(b, c);
        old.header.replaceWith(header);
        headers.set(b.group.name, { drawn, header });
      }
      for (const e of edgeLabels) {
        const source = byName.get(e.source);
        const text = source ? edgeLabel(source) : '';
        if (e.label.textContent !== text) e.label.textContent = text;
      }
      return true;
    },
  };
}

function edgeLabel(source: SummaryRow): string {
  return source.outputShape.replace(/^\(None, /, '(');
}

/** Everything a node shows (its place comes with the structure): equal texts draw the same node. */
function nodeText(n: DiagramNode): string {
  const r = n.row;
  return JSON.stringify([!!n.group?.container, r.name, r.type, r.family, r.outputShape, r.params, r.macs, r.rf, r.rfFraction, r.savings]);
}

function headerText(b: DiagramNodes['boxes'][number]): string {
  const g = b.group;
  return JSON.stringify([g.name, g.type, g.outputShape, g.params, g.macs, g.rf]);
}
