/**
 * The page-table layout of a VA window as SVG, for the HTML report: one row per translation
 * level, each entry that covers part of the window drawn as a box spanning its VAs — table
 * descriptors, blocks, pages, invalid entries — with runs of alike entries merged into one box
 * (ticks at contiguous-group boundaries), the failing entry outlined in red, and beside the
 * tables one row per CPU with the stale TLB entries it may still hold in the window.
 *
 * Layer: reports (model types and pure formatting).
 */
import type { Geometry } from '../model/arch/geometry.ts';
import { PAGE_LEVEL } from '../model/arch/geometry.ts';
import type { TablePage } from '../model/arch/memory.ts';
import { BIT, DescriptorType, bitOf, decodeDescriptorType, outputAddress } from '../model/arch/descriptor.ts';
import { formatSize } from '../model/bbm/change.ts';
import type { MachineState } from '../model/step.ts';
import { hexOf, levelName } from './descriptorText.ts';
import type { Window } from './ruler.ts';
import { heldEntries } from './stateDiff.ts';

/** One box of the picture: a run of alike entries of one level. */
export interface TableBox {
  readonly level: number;
  readonly kind: 'table' | 'block' | 'page' | 'invalid';
  /** VA[47:0] range of the run, clipped to the window. */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly firstPa: number;
  readonly lastPa: number;
  readonly contiguous: boolean;
  /** Group size in bytes when contiguous. */
  readonly group: number;
  readonly label: string;
  /** RW/RO for leaves. */
  readonly readOnly: boolean;
  /** Some entry of the run holds a store not yet made visible to every walker (its DSB is due). */
  readonly unseen: boolean;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function entryKey(geo: Geometry, page: TablePage, i: number): { kind: TableBox['kind']; key: string; oa: number } {
  const lo = page.lo[i] ?? 0;
  const hi = page.hi[i] ?? 0;
  const type = decodeDescriptorType(geo, lo, page.level);
  if (type === DescriptorType.Invalid) return { kind: 'invalid', key: 'invalid', oa: 0 };
  if (type === DescriptorType.Table) return { kind: 'table', key: `table:${lo}:${hi}`, oa: 0 };
  const kind = page.level === PAGE_LEVEL ? 'page' : 'block';
  const attrs = `${bitOf(lo, hi, BIT.AP2)}${bitOf(lo, hi, BIT.PXN)}${bitOf(lo, hi, BIT.Contiguous)}${bitOf(lo, hi, BIT.AF)}${(lo >>> 2) & 7}`;
  return { kind, key: `${kind}:${attrs}`, oa: outputAddress(geo, lo, hi) };
}

/**
 * The boxes of the tables over a window.
 * @param state - the model
 * @param w - the window
 * @param merge - merge runs of alike entries (default) or draw each entry
 * @returns the boxes, by level then VA
 */
export function tableBoxes(state: MachineState, w: Window, merge = true): TableBox[] {
  const geo = state.geo;
  const out: TableBox[] = [];
  const visit = (page: TablePage, pageVa: number): void => {
    const span = geo.entrySpan[page.level] ?? 0;
    const count = page.level === geo.startLevel ? (geo.entriesAtLevel[page.level] ?? 0) : geo.entriesPerTable;
    const first = Math.max(0, Math.floor((w.from - pageVa) / span));
    const last = Math.min(count - 1, Math.ceil((w.to - pageVa) / span) - 1);
    let run: { box: TableBox; key: string; oa: number } | undefined;
    const flush = (): void => {
      if (run !== undefined) out.push(run.box);
      run = undefined;
    };
    for (let i = first; i <= last; i++) {
      const va = pageVa + i * span;
      const e = entryKey(geo, page, i);
      const lo = page.lo[i] ?? 0;
      const hi = page.hi[i] ?? 0;
      const contiguous = (e.kind === 'page' || e.kind === 'block') && bitOf(lo, hi, BIT.Contiguous) === 1;
      const pa = page.pa + 8 * i;
      const unseen = (page.pendingBy[i] ?? 0) !== 0;
      if (
        merge &&
        run !== undefined &&
        run.key === e.key &&
        e.kind !== 'table' &&
        (e.kind === 'invalid' || e.oa === run.oa + span)
      ) {
        run.box = {
          ...run.box,
          to: Math.min(w.to, va + span),
          count: run.box.count + 1,
          lastPa: pa,
          unseen: run.box.unseen || unseen,
        };
        run.oa = e.oa;
      } else {
        flush();
        const name = levelName(geo, page.level);
        const label =
          e.kind === 'table'
            ? `${name} table → ${hexOf(outputAddress(geo, lo, hi))}`
            : e.kind === 'invalid'
              ? `${name} invalid`
              : `${formatSize(span)} ${e.kind} → ${hexOf(e.oa)}`;
        run = {
          key: e.key,
          oa: e.oa,
          box: {
            level: page.level,
            kind: e.kind,
            from: Math.max(w.from, va),
            to: Math.min(w.to, va + span),
            count: 1,
            firstPa: pa,
            lastPa: pa,
            contiguous,
            group: span * (geo.contEntries[page.level] ?? 0),
            label,
            readOnly: (e.kind === 'page' || e.kind === 'block') && bitOf(lo, hi, BIT.AP2) === 1,
            unseen,
          },
        };
      }
      if (e.kind === 'table') {
        flush();
        const child = state.mem.pageOf(outputAddress(geo, lo, hi));
        if (child !== undefined && child.level === page.level + 1) visit(child, va);
      }
    }
    flush();
  };
  visit(state.root, 0);
  return out.sort((a, b) => a.level - b.level || a.from - b.from);
}

const FILL: Readonly<Record<TableBox['kind'], string>> = {
  table: '#e8eef8',
  block: '#cfe3ff',
  page: '#d7f0d2',
  invalid: '#f4f4f4',
};

/** Geometry of the drawing. */
const LEFT = 70;
const WIDTH = 900;
const ROW = 34;
const GAP = 8;

/** How many entries the zoom row shows around a failing entry too narrow to see. */
const ZOOM_ENTRIES = 16;

/** One drawn box. */
function boxSvg(b: TableBox, x0: number, wd: number, y: number, failing: boolean, short: boolean): string[] {
  const stroke = failing ? '#d00000' : b.kind === 'invalid' ? '#bbb' : '#58708f';
  const text = b.count > 1 ? `${b.count} × ${b.label}` : b.label;
  const ro = b.readOnly ? 'RO' : b.kind === 'page' || b.kind === 'block' ? 'RW' : '';
  const fill = b.readOnly ? '#ffe2b8' : FILL[b.kind];
  const title = `${text} ${ro}${b.contiguous ? ' CONT' : ''} — pa ${hexOf(b.firstPa)}${b.count > 1 ? `..${hexOf(b.lastPa)}` : ''}`;
  const out = [
    `<g class="box ${b.kind}"${failing ? ' data-role="failing-entry"' : ''}><title>${esc(title)}</title>`,
    `<rect x="${x0.toFixed(1)}" y="${y}" width="${wd.toFixed(1)}" height="${ROW}" fill="${fill}" stroke="${stroke}" stroke-width="${failing ? 3 : 1}"${b.kind === 'invalid' ? ' stroke-dasharray="3 2"' : ''}/>`,
    ...(b.unseen
      ? [
          `<rect class="unseen" x="${x0.toFixed(1)}" y="${y}" width="${wd.toFixed(1)}" height="${ROW}" fill="url(#unseen)"/>`,
        ]
      : []),
  ];
  if (!short && b.contiguous && b.group > 0 && wd / ((b.to - b.from) / b.group) >= 4)
    for (let g = b.from - (b.from % b.group) + b.group; g < b.to; g += b.group) {
      const gx = x0 + ((g - b.from) / (b.to - b.from)) * wd;
      out.push(
        `<line x1="${gx.toFixed(1)}" y1="${y}" x2="${gx.toFixed(1)}" y2="${y + ROW}" stroke="#e08a00" stroke-width="1"/>`,
      );
    }
  if (short) {
    // A zoomed entry: its index's low bits and its kind in two short lines.
    const idx = (b.firstPa % 4096) / 8;
    const kind = b.kind === 'invalid' ? 'inv' : b.kind === 'table' ? 'tbl' : ro;
    if (wd > 26)
      out.push(
        `<text x="${(x0 + wd / 2).toFixed(1)}" y="${y + 14}" text-anchor="middle" fill="#111">${esc(kind)}</text>`,
        `<text x="${(x0 + wd / 2).toFixed(1)}" y="${y + 28}" text-anchor="middle" fill="#555" font-size="9">[${idx}]${b.contiguous ? 'c' : ''}</text>`,
      );
  } else if (wd > 60) {
    const fit = (t: string): string =>
      t.length * 6.6 > wd - 8 ? t.slice(0, Math.max(0, Math.floor((wd - 8) / 6.6) - 1)) + '…' : t;
    out.push(
      `<text x="${(x0 + 4).toFixed(1)}" y="${y + 14}" fill="#111">${esc(fit(text))}</text>`,
      `<text x="${(x0 + 4).toFixed(1)}" y="${y + 28}" fill="#555">${esc(fit(`${ro}${b.contiguous ? ' CONT' : ''}${wd > 200 ? `  pa ${hexOf(b.firstPa)}` : ''}${b.unseen ? '  · stores not yet visible (DSB due)' : ''}`))}</text>`,
    );
  }
  out.push('</g>');
  return out;
}

/**
 * The SVG of one state: the levels as rows over the window, a zoom row of the 16 entries around
 * a failing entry too small to see at that scale, the VA axis, and one row per CPU of the stale
 * TLB entries it may hold (at the zoom's scale when there is a zoom).
 * @param state - the model
 * @param w - the window
 * @param title - e.g. `before` (shown at the top left)
 * @param failingPa - the entry to outline, if any
 * @param focusVa - VA[47:0] of the failing entry, for the zoom
 * @returns the `<svg>` element
 */
export function tablesSvg(
  state: MachineState,
  w: Window,
  title: string,
  failingPa: number | undefined,
  focusVa?: number,
): string {
  const geo = state.geo;
  const boxes = tableBoxes(state, w);
  const levels = [0, 1, 2, 3].filter((l) => l >= geo.startLevel);
  const x = (va: number): number => LEFT + ((va - w.from) / (w.to - w.from)) * WIDTH;
  const isFailing = (b: TableBox): boolean =>
    failingPa !== undefined && failingPa >= b.firstPa && failingPa <= b.lastPa;
  const failingBox = boxes.find(isFailing);
  // Zoom on the failing entry when it is narrower than a few pixels at the window's scale.
  const entry = failingBox === undefined ? undefined : (geo.entrySpan[failingBox.level] ?? 0);
  const zoomVa = focusVa ?? failingBox?.from;
  const zoom =
    failingBox !== undefined && entry !== undefined && zoomVa !== undefined && (entry / (w.to - w.from)) * WIDTH < 24
      ? (() => {
          const size = entry * ZOOM_ENTRIES;
          const from = Math.max(w.from, zoomVa - (zoomVa % size));
          return { from, to: Math.min(w.to, from + size), level: failingBox.level };
        })()
      : undefined;
  const scale = zoom ?? w;
  const xs = (va: number): number => LEFT + ((va - scale.from) / (scale.to - scale.from)) * WIDTH;
  const held = heldEntries(state, scale.from, scale.to);
  const cpus = [...new Set(held.flatMap((h) => h.cpus))].sort((a, b) => a - b);
  const zoomY = 26 + levels.length * (ROW + GAP) + 18;
  const axisY = zoom === undefined ? 26 + levels.length * (ROW + GAP) + 4 : zoomY + ROW + 6;
  const height = axisY + 22 + cpus.length * (ROW + GAP) + (cpus.length > 0 ? 18 : 0);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="tables" data-state="${esc(title)}" width="100%" viewBox="0 0 ${LEFT + WIDTH + 10} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">`,
    // A white halo under every label keeps it legible over ticks and hatching.
    `<style>text { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }</style>`,
    `<defs><pattern id="unseen" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" stroke="#7a4ea0" stroke-width="2" stroke-opacity="0.45"/></pattern></defs>`,
    `<text x="0" y="14" font-weight="bold" font-size="13">${esc(title)}</text>`,
    `<text x="${LEFT + WIDTH}" y="14" text-anchor="end" fill="#555">${hexOf(0xffff000000000000n + BigInt(w.from))} … +${formatSize(w.to - w.from)}</text>`,
  ];
  levels.forEach((level, row) => {
    const y = 26 + row * (ROW + GAP);
    parts.push(`<text x="0" y="${y + ROW / 2 + 4}" fill="#333">L${level} ${levelName(geo, level)}</text>`);
    const atLevel = boxes.filter((bx) => bx.level === level);
    if (atLevel.length === 0)
      parts.push(
        `<text x="${LEFT + 4}" y="${y + ROW / 2 + 4}" fill="#999">no ${levelName(geo, level)} table over this window</text>`,
      );
    for (const b of atLevel) {
      const x0 = x(b.from);
      const failing = isFailing(b);
      parts.push(...boxSvg(b, x0, Math.max(failing ? 4 : 1.5, x(b.to) - x0), y, failing, false));
    }
  });
  if (zoom !== undefined) {
    const rowY = 26 + levels.indexOf(zoom.level) * (ROW + GAP) + ROW;
    parts.push(
      `<path d="M${x(zoom.from).toFixed(1)},${rowY} L${LEFT},${zoomY} M${x(zoom.to).toFixed(1)},${rowY} L${LEFT + WIDTH},${zoomY}" stroke="#d00000" stroke-dasharray="2 2" fill="none"/>`,
      `<text x="0" y="${zoomY + ROW / 2 + 4}" fill="#d00000">zoom ×${Math.round((w.to - w.from) / (zoom.to - zoom.from))}</text>`,
    );
    for (const b of tableBoxes(state, zoom, false).filter((bx) => bx.level === zoom.level)) {
      const x0 = xs(b.from);
      parts.push(...boxSvg(b, x0, Math.max(1.5, xs(b.to) - x0), zoomY, isFailing(b), true));
    }
  }
  // The VA axis of the scale the last rows are drawn at: a tick every quarter.
  parts.push(`<line x1="${LEFT}" y1="${axisY}" x2="${LEFT + WIDTH}" y2="${axisY}" stroke="#888"/>`);
  for (let q = 0; q <= 4; q++) {
    const tx = LEFT + (q * WIDTH) / 4;
    const anchor = q === 0 ? 'start' : q === 4 ? 'end' : 'middle';
    const label =
      q === 0
        ? zoom === undefined
          ? 'VA +0'
          : hexOf(0xffff000000000000n + BigInt(zoom.from))
        : `+${formatSize(((scale.to - scale.from) * q) / 4)}`;
    parts.push(
      `<line x1="${tx}" y1="${axisY}" x2="${tx}" y2="${axisY + 5}" stroke="#888"/>`,
      `<text x="${tx}" y="${axisY + 16}" text-anchor="${anchor}" fill="#555">${esc(label)}</text>`,
    );
  }
  if (cpus.length > 0) {
    const y0 = axisY + 36;
    parts.push(
      `<text x="0" y="${y0}" fill="#a00000" font-weight="bold">stale TLB entries CPUs may still hold${zoom === undefined ? '' : ' (at the zoom’s scale)'}</text>`,
    );
    cpus.forEach((cpu, k) => {
      const y = y0 + 6 + k * (ROW + GAP);
      parts.push(`<text x="0" y="${y + ROW / 2 + 4}" fill="#a00000">cpu${cpu} TLB</text>`);
      for (const h of held.filter((hh) => hh.cpus.includes(cpu))) {
        const e = h.entry;
        const x0 = xs(Math.max(scale.from, e.spanVa));
        const wd = Math.max(3, xs(Math.min(scale.to, e.spanVa + e.span)) - x0);
        const label =
          e.kind === 'leaf' && e.leaf !== undefined
            ? `stale ${formatSize(e.leaf.size)} ${e.leaf.level === PAGE_LEVEL ? 'page' : 'block'} → ${hexOf(e.leaf.oa)}${(e.leaf.perms & 1) !== 0 ? ' RO' : ' RW'}`
            : `stale walk entry → ${hexOf(e.tablePa)}`;
        parts.push(
          `<g class="stale" data-cpu="${cpu}"><title>${esc(`${label} (from pa ${hexOf(e.origin)}, since event ${e.createdAt})`)}</title>`,
          `<rect x="${x0.toFixed(1)}" y="${y}" width="${wd.toFixed(1)}" height="${ROW}" fill="#ffd6d6" fill-opacity="0.6" stroke="#c00000" stroke-dasharray="4 2"/>`,
          ...(wd > 60 ? [`<text x="${(x0 + 4).toFixed(1)}" y="${y + 21}" fill="#700">${esc(label)}</text>`] : []),
          '</g>',
        );
      }
    });
  }
  parts.push('</svg>');
  return parts.join('\n');
}
