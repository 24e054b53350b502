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
  series.forEach((s, index) => {
    const color = PALETTE[index % PALETTE.length]!;
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline class="series" points="${points}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"><title>${escapeHtml(s.label)}</title></polyline>`,
    );
    s.values.forEach((v, i) => {
      if (v > 0) {
        parts.push(
          `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${color}"><title>${escapeHtml(`${s.label}: ${v} at ${xLabels[i]}`)}</title></circle>`,
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
