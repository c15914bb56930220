// Events over time for the current filter, drawn on a canvas: all matches in the theme's chart
// colour, errors stacked on top in the error colour. Dragging selects a range to zoom into;
// double-click zooms back out. Colours come from the theme's CSS variables, read at draw time
// so a theme switch only needs a redraw.
import { Histogram, TimeRange } from '../protocol';
import { formatCount } from './dom';
import { formatDuration, formatTime, timeTicks, Zone } from './timeFormat';

const AXIS_H = 18;
const BAR_PX = 4;

export interface HistogramEvents {
  onZoom(range: TimeRange): void;
  onReset(): void;
}

export class HistogramView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private data: Histogram | null = null;
  private zone: Zone = 'UTC';
  private drag: { x0: number; x1: number } | null = null;

  constructor(private readonly events: HistogramEvents) {
    this.element = document.createElement('div');
    this.element.className = 'histogram';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Events over time');
    this.readout = document.createElement('div');
    this.readout.className = 'histogram-readout';
    this.element.append(this.canvas, this.readout);
    this.canvas.addEventListener('pointerdown', (e) => {
      if (!this.data || e.button !== 0) return;
      this.canvas.setPointerCapture(e.pointerId);
      const x = this.localX(e);
      this.drag = { x0: x, x1: x };
    });
    this.canvas.addEventListener('pointermove', (e) => {
      const x = this.localX(e);
      if (this.drag) {
        this.drag.x1 = x;
        this.draw();
      }
      this.showReadout(x);
    });
    this.canvas.addEventListener('pointerup', (e) => {
      const d = this.drag;
      this.drag = null;
      if (!d || !this.data) return;
      this.canvas.releasePointerCapture(e.pointerId);
      const [a, b] = [Math.min(d.x0, d.x1), Math.max(d.x0, d.x1)];
      this.draw();
      if (b - a < 3) return; // a click, not a drag
      const range = { from: this.timeAt(a), to: this.timeAt(b) };
      // Keep a zoom of at least a second: below that the data has no resolution.
      if (range.to - range.from >= 1000)
        this.events.onZoom({
          from: Math.floor(range.from / 1000) * 1000,
          to: Math.ceil(range.to / 1000) * 1000,
        });
    });
    this.canvas.addEventListener('pointerleave', () => this.showReadout(null));
    this.canvas.addEventListener('dblclick', () => this.events.onReset());
    new ResizeObserver(() => this.draw()).observe(this.element);
  }

  /** How many bins fit the current width. */
  get wantedBins(): number {
    return Math.max(10, Math.min(1000, Math.floor(this.canvas.clientWidth / BAR_PX) || 200));
  }

  set(data: Histogram | null, zone: Zone): void {
    this.data = data;
    this.zone = zone;
    this.draw();
    this.showReadout(null);
  }

  private localX(e: PointerEvent): number {
    return Math.max(
      0,
      Math.min(this.canvas.clientWidth, e.clientX - this.canvas.getBoundingClientRect().left),
    );
  }

  private timeAt(x: number): number {
    const d = this.data!;
    const span = d.binMs * d.counts.length;
    return d.from + (x / Math.max(1, this.canvas.clientWidth)) * span;
  }

  private showReadout(x: number | null): void {
    const d = this.data;
    if (!d || !d.counts.length) {
      this.readout.textContent = '';
      return;
    }
    if (x === null) {
      const total = d.counts.reduce((a, b) => a + b, 0);
      const errors = d.errors.reduce((a, b) => a + b, 0);
      this.readout.textContent = `${formatTime(d.from, this.zone)} → ${formatTime(d.from + d.binMs * d.counts.length, this.zone)} · ${formatDuration(d.binMs)} bins · ${formatCount(total)} events, ${formatCount(errors)} errors · drag to zoom, double-click to reset`;
      return;
    }
    const i = Math.min(
      d.counts.length - 1,
      Math.floor((x / Math.max(1, this.canvas.clientWidth)) * d.counts.length),
    );
    const start = d.from + i * d.binMs;
    this.readout.textContent = `${formatTime(start, this.zone)} (+${formatDuration(d.binMs)}): ${formatCount(d.counts[i])} events, ${formatCount(d.errors[i])} errors`;
  }

  draw(): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const hgt = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(hgt * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(hgt * dpr);
    }
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    const d = this.data;
    if (!d || !d.counts.length) return;
    const css = getComputedStyle(document.body);
    const color = (name: string, fallback: string): string =>
      css.getPropertyValue(name).trim() || fallback;
    const fg = color('--vscode-descriptionForeground', '#888');
    const bar = color('--vscode-charts-blue', '#3794ff');
    const err = color('--vscode-charts-red', color('--vscode-errorForeground', '#f14c4c'));
    const sel = color('--vscode-editor-selectionBackground', 'rgba(128,128,255,0.3)');
    const font = css.getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
    const plotH = hgt - AXIS_H;
    const max = Math.max(1, ...d.counts);
    const bw = w / d.counts.length;
    for (let i = 0; i < d.counts.length; i++) {
      const n = d.counts[i];
      if (!n) continue;
      const total = Math.max(1, Math.round((n / max) * (plotH - 2)));
      const errH = d.errors[i] ? Math.max(1, Math.round((d.errors[i] / max) * (plotH - 2))) : 0;
      const x = i * bw;
      const bwDraw = Math.max(1, bw - (bw > 3 ? 1 : 0));
      g.fillStyle = bar;
      g.fillRect(x, plotH - total, bwDraw, total - errH);
      if (errH) {
        g.fillStyle = err;
        g.fillRect(x, plotH - errH, bwDraw, errH);
      }
    }
    g.fillStyle = fg;
    g.strokeStyle = fg;
    g.globalAlpha = 0.6;
    g.fillRect(0, plotH, w, 1);
    g.globalAlpha = 1;
    g.font = `11px ${font}`;
    g.textBaseline = 'top';
    const span = d.binMs * d.counts.length;
    for (const t of timeTicks(d.from, d.from + span, Math.max(2, Math.floor(w / 110)), this.zone)) {
      const x = ((t.at - d.from) / span) * w;
      g.fillRect(x, plotH, 1, 4);
      if (x + 4 < w - 40) g.fillText(t.label, x + 3, plotH + 4);
    }
    g.textBaseline = 'top';
    g.fillText(formatCount(max), 2, 1);
    if (this.drag) {
      const [a, b] = [Math.min(this.drag.x0, this.drag.x1), Math.max(this.drag.x0, this.drag.x1)];
      g.fillStyle = sel;
      g.fillRect(a, 0, b - a, plotH);
    }
  }
}
