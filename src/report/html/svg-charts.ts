import { escapeHtml } from './escape';

/**
 * Charts as SVG text, drawn here in Node: the page needs no script and no chart library, so it
 * opens offline, prints as vectors, and costs nothing to ship. Three kinds are enough: lines over
 * time, vertical bars, horizontal bars.
 */

/** Colours that stay distinct on screen, in print and for the common colour-vision deficiencies. */
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];

export interface LineSeries {
  label: string;
  values: number[];
}

const FONT = 'font-family="system-ui, sans-serif" font-size="11" fill="#444"';

/** Each series' dash pattern and marker, so that a series is told apart without its colour. */
const DASHES = ['', '7 3', '2 3', '9 3 2 3', '4 4', '12 4'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross', 'bar'] as const;
/**
 * Pixels between two series with the same counts in every bucket. Without it the later one hides
 * the earlier exactly (five legend entries, three visible lines); a few pixels is enough to see
 * both, and too little to be read as a different count (a grid step is at least 50 px).
 */
export const EQUAL_SERIES_OFFSET = 4;

/** The legend's sample of series `index`: the same colour, dash and marker as its line. */
export function seriesKey(index: number): string {
  const color = PALETTE[index % PALETTE.length]!;
  const dash = DASHES[index % DASHES.length]!;
  return (
    `<svg class="key" width="28" height="12" viewBox="0 0 28 12" aria-hidden="true">` +
    `<line x1="1" x2="27" y1="6" y2="6" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>` +
    `${marker(index, 14, 6, color, '')}</svg>`
  );
}

function marker(index: number, cx: number, cy: number, color: string, inner: string): string {
  const x = cx.toFixed(1);
  const y = cy.toFixed(1);
  const r = 3;
  const attrs = `class="mark" data-series="${index}" fill="${color}"`;
  switch (MARKERS[index % MARKERS.length]) {
    case 'circle':
      return `<circle ${attrs} cx="${x}" cy="${y}" r="${r}">${inner}</circle>`;
    case 'square':
      return `<rect ${attrs} x="${(cx - r).toFixed(1)}" y="${(cy - r).toFixed(1)}" width="${2 * r}" height="${2 * r}">${inner}</rect>`;
    case 'triangle':
      return `<polygon ${attrs} points="${x},${(cy - r - 1).toFixed(1)} ${(cx + r + 1).toFixed(1)},${(cy + r).toFixed(1)} ${(cx - r - 1).toFixed(1)},${(cy + r).toFixed(1)}">${inner}</polygon>`;
    case 'diamond':
      return `<polygon ${attrs} points="${x},${(cy - r - 1).toFixed(1)} ${(cx + r + 1).toFixed(1)},${y} ${x},${(cy + r + 1).toFixed(1)} ${(cx - r - 1).toFixed(1)},${y}">${inner}</polygon>`;
    case 'cross':
      return `<path ${attrs} stroke="${color}" stroke-width="2" d="M${cx - r},${cy - r}L${cx + r},${cy + r}M${cx - r},${cy + r}L${cx + r},${cy - r}">${inner}</path>`;
    default:
      return `<rect ${attrs} x="${(cx - 1.5).toFixed(1)}" y="${(cy - r - 1).toFixed(1)}" width="3" height="${2 * r + 2}">${inner}</rect>`;
  }
}

/** For each series, how many earlier series have exactly its counts (0 for the first of them). */
export function equalSeriesRanks(series: readonly LineSeries[]): number[] {
  const seen = new Map<string, number>();
  return series.map((s) => {
    const key = s.values.join(',');
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    return rank;
  });
}

/** Lines over time buckets; x labels are taken from `xLabels` (a few are shown). */
export function lineChart(xLabels: readonly string[], series: readonly LineSeries[], title: string): string {
  const width = 760;
  const height = 260;
  const left = 48;
  const right = 40;
  const top = 12;
  const bottom = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(1, ...series.flatMap((s) => s.values)));
  const n = Math.max(1, xLabels.length);
  const x = (i: number) => left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [grid(left, top, plotW, plotH, max, y)];
  const step = Math.max(1, Math.ceil(n / 8));
  for (let i = 0; i < n; i += step) {
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" ${FONT}>${escapeHtml(xLabels[i] ?? '')}</text>`,
    );
  }
  const ranks = equalSeriesRanks(series);
  series.forEach((s, index) => {
    const color = PALETTE[index % PALETTE.length]!;
    const dash = DASHES[index % DASHES.length]!;
    // Equal series are lifted a few pixels each, so the later one does not hide the earlier;
    // not at zero, where every series shares the axis and a lifted line would read as a count.
    const lift = ranks[index]! * EQUAL_SERIES_OFFSET;
    const yy = (v: number) => y(v) - (v > 0 ? lift : 0);
    const note = lift > 0 ? ' (same counts as another series; drawn a few pixels above it)' : '';
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${yy(v).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline class="series" data-series="${index}" points="${points}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''}><title>${escapeHtml(s.label + note)}</title></polyline>`,
    );
    s.values.forEach((v, i) => {
      if (v > 0) {
        parts.push(
          marker(
            index,
            x(i),
            yy(v),
            color,
            `<title>${escapeHtml(`${s.label}: ${v} at ${xLabels[i]}${note}`)}</title>`,
          ),
        );
      }
    });
  });
  return svg(width, height, title, parts);
}

/** Vertical bars, one per label. */
export function columnChart(
  items: readonly { label: string; value: number }[],
  title: string,
  width = 760,
): string {
  const height = 220;
  const left = 48;
  const right = 12;
  const top = 12;
  const bottom = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(1, ...items.map((item) => item.value)));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const slot = plotW / Math.max(1, items.length);
  const barW = Math.min(48, slot * 0.7);
  const parts: string[] = [grid(left, top, plotW, plotH, max, y)];
  const step = Math.max(1, Math.ceil(items.length / 10));
  items.forEach((item, i) => {
    const cx = left + slot * (i + 0.5);
    parts.push(
      `<rect class="bar" x="${(cx - barW / 2).toFixed(1)}" y="${y(item.value).toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - y(item.value)).toFixed(1)}" fill="${PALETTE[0]}"><title>${escapeHtml(`${item.label}: ${item.value}`)}</title></rect>`,
    );
    if (i % step === 0) {
      parts.push(
        `<text x="${cx.toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" ${FONT}>${escapeHtml(item.label)}</text>`,
      );
    }
  });
  return svg(width, height, title, parts);
}

/** Horizontal bars with their label on the left and the value at the end. */
export function barChart(
  items: readonly { label: string; value: number }[],
  title: string,
  width = 760,
): string {
  const rowH = 22;
  const labelW = Math.min(190, Math.round(width * 0.4));
  const height = Math.max(1, items.length) * rowH + 8;
  const max = Math.max(1, ...items.map((item) => item.value));
  const plotW = width - labelW - 70;
  const parts: string[] = [];
  items.forEach((item, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(1, (item.value / max) * plotW);
    parts.push(
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" ${FONT}>${escapeHtml(item.label)}</text>`,
      `<rect class="bar" x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${PALETTE[2]}"><title>${escapeHtml(`${item.label}: ${item.value}`)}</title></rect>`,
      `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}" ${FONT}>${item.value.toLocaleString('en-US')}</text>`,
    );
  });
  return svg(width, height, title, parts);
}

function grid(
  left: number,
  top: number,
  plotW: number,
  plotH: number,
  max: number,
  y: (v: number) => number,
): string {
  const lines: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    const yy = y(value).toFixed(1);
    lines.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${yy}" y2="${yy}" stroke="#ddd" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${(Number(yy) + 4).toFixed(1)}" text-anchor="end" ${FONT}>${formatTick(value)}</text>`,
    );
  }
  lines.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#999"/>`);
  return lines.join('');
}

function svg(width: number, height: number, title: string, parts: string[]): string {
  return (
    `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMidYMid meet">` +
    `<title>${escapeHtml(title)}</title>${parts.join('')}</svg>`
  );
}

/** Top of the axis: four whole grid steps of 1, 2 or 5 × 10^k, at or above `value`. */
export function niceMax(value: number): number {
  const rough = Math.max(1, value / 4);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((f) => f * power).find((candidate) => candidate >= rough)!;
  return step * 4;
}

function formatTick(value: number): string {
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
