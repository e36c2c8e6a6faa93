/**
 * The HTML failure report: one self-contained file (inline CSS, inline SVG, no script, nothing
 * fetched) with the content of the text report plus a picture of the page tables before and
 * after the failing step (reports/tablesSvg.ts: levels as rows, the failing entry outlined, the
 * stale TLB entries per CPU beside them) and the failing operation's event list with the
 * failing event marked (`id="failing-event"`). Several failures make one file, one section each.
 *
 * Layer: reports.
 */
import type { FailureAnalysis } from './analyse.ts';
import { failureWindow, rulerLines } from './ruler.ts';
import { ruleOf } from './rules.ts';
import { diffLines, staleLines } from './stateDiff.ts';
import { tablesSvg } from './tablesSvg.ts';
import { verdictOf } from './textReport.ts';
import { eventCounts } from './eventText.ts';
import { hexOf } from './descriptorText.ts';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** At most this many events of the failing operation are listed (the last ones). */
const MAX_EVENTS = 400;
/** Of those, the last this many are shown open; the earlier ones in a folded `<details>`. */
const VISIBLE_EVENTS = 30;

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1a1a1a; background: #fafafa; }
main { max-width: 1000px; margin: 0 auto; padding: 16px 24px 48px; }
section.failure { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 20px 16px; margin: 16px 0; }
h1 { font-size: 20px; margin: 12px 0 4px; } h1 .fail { color: #b00000; }
h2 { font-size: 16px; margin: 20px 0 6px; border-bottom: 1px solid #eee; padding-bottom: 2px; }
.claim { color: #333; margin: 0 0 8px; }
code, pre, td.ev, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: #f6f8fa; border: 1px solid #e3e3e3; border-radius: 4px; padding: 8px 10px; overflow-x: auto; margin: 4px 0; }
table.meta td { padding: 1px 12px 1px 0; vertical-align: top; } table.meta td:first-child { color: #666; white-space: nowrap; }
table.events { border-collapse: collapse; width: 100%; }
table.events td { padding: 1px 6px; border-bottom: 1px solid #f0f0f0; white-space: pre; }
table.events td.n { text-align: right; color: #666; width: 5em; }
tr.failing td { background: #ffe0e0; font-weight: bold; border: 1px solid #d00000; }
.verdict { background: #fff0f0; border-left: 4px solid #d00000; padding: 6px 10px; margin: 8px 0; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; white-space: pre-wrap; }
.del { color: #b00000; } .add { color: #1a7f37; }
.rule { background: #f3f7ff; border-left: 4px solid #3a6fd8; padding: 6px 10px; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 6px; border: 1px solid #58708f; font-size: 12px; }
figure { margin: 6px 0; } svg.tables { display: block; margin: 4px 0 10px; background: #fff; }
details summary { cursor: pointer; color: #3a6fd8; margin: 4px 0; }
ol.ops li { margin: 2px 0; } ol.ops li.failing-op { font-weight: bold; }
`;

function diffHtml(lines: readonly string[]): string {
  return lines
    .map((l) =>
      l.startsWith('  - ')
        ? `<span class="del">${esc(l)}</span>`
        : l.startsWith('  + ')
          ? `<span class="add">${esc(l)}</span>`
          : esc(l),
    )
    .join('\n');
}

/**
 * One failure's section.
 * @param a - the analysis
 * @param id - the section's anchor
 * @returns the HTML
 */
export function failureSection(a: FailureAnalysis, id: string): string {
  const f = a.input.failure;
  const c = a.input.config;
  const v = a.input.violation;
  const verdict = verdictOf(a);
  const rule = ruleOf(v?.code, f.property, f.invariants, f.claim);
  const w = failureWindow(a);
  const failingPa = v?.pa !== undefined ? Number(v.pa) : a.touched.find((t) => t.failing)?.pa;
  const op = a.input.operations[a.opIndex];
  const meta: [string, string][] = [
    ['SUT', f.sut],
    ['variant', c.variant],
    ...(f.seed === undefined ? [] : [['seed', String(f.seed)] as [string, string]]),
    ...(f.path === undefined ? [] : [['path', f.path] as [string, string]]),
    ...(f.runs === undefined ? [] : [['runs', String(f.runs)] as [string, string]]),
    ...(f.shrinks === undefined ? [] : [['shrunk', `${f.shrinks} times`] as [string, string]]),
    ['checks', f.invariants],
    ...f.replays.map((r) => [`replay (${r.how})`, `<code>${esc(r.command)}</code>`] as [string, string]),
  ];
  const cpuState = (id2: number): string => {
    const cpu = a.after.cpus.get(id2);
    if (cpu === undefined) return 'not yet online';
    return a.after.stoppedBy === id2 ? `${cpu.status}, in stop_machine()` : cpu.status;
  };
  const last = Math.min(a.failingEvent, a.input.events.length);
  const idx = [...a.eventLines.keys()].sort((x, y) => x - y);
  const shown = idx.slice(Math.max(0, idx.length - MAX_EVENTS));
  const row = (e: number): string => {
    const failing = e === last - 1 && !a.atEnd && v !== undefined;
    return `<tr${failing ? ' class="failing" id="failing-event"' : ''}><td class="n">${failing ? '! ' : ''}${e + 1}</td><td class="ev">${esc(a.eventLines.get(e) ?? '')}</td></tr>`;
  };
  // The events just before the failing one are on the page; the earlier ones fold away.
  const earlier = shown.slice(0, Math.max(0, shown.length - VISIBLE_EVENTS));
  const rows = shown.slice(earlier.length).map(row);
  if (a.atEnd)
    rows.push(
      `<tr class="failing" id="failing-event"><td class="n">! ${a.failingEvent}</td><td class="ev">end of trace (the model's final judgement)</td></tr>`,
    );
  const ops = a.input.operations
    .map(
      (o, i) =>
        `<li${i === a.opIndex ? ' class="failing-op"' : ''}><code>${esc(o.label)}</code> — events ${o.from + 1}–${o.to} (${esc(eventCounts(a.input.events.slice(o.from, o.to)))})${i === a.opIndex ? ' ◀ failing' : ''}</li>`,
    )
    .join('\n');
  const pictures =
    a.error !== undefined || w === undefined
      ? `<p>${esc(a.error ?? 'the failure names no VA')}</p>`
      : [
          `<figure>`,
          tablesSvg(a.before, w, `before — when ${op?.label ?? 'the run'} began`, failingPa, a.focusVa),
          tablesSvg(a.after, w, `after — just after event ${a.failingEvent}`, failingPa, a.focusVa),
          `<figcaption class="legend"><span style="background:#e8eef8">table</span><span style="background:#cfe3ff">block</span><span style="background:#d7f0d2">page</span><span style="background:#ffe2b8">read-only leaf</span><span style="border-style:dashed">invalid</span><span style="border-color:#e08a00">contiguous group ticks</span><span style="border:3px solid #d00000">failing entry</span><span style="background:repeating-linear-gradient(45deg,#fff,#fff 3px,#c9b3dd 3px,#c9b3dd 5px)">stores not yet visible (DSB due)</span><span style="background:#ffd6d6;border-style:dashed;border-color:#c00000">stale TLB entry</span></figcaption>`,
          `</figure>`,
        ].join('\n');
  return [
    `<section class="failure" id="${esc(id)}">`,
    `<h1><span class="fail">FAIL</span> ${esc(f.property)}</h1>`,
    `<p class="claim">${esc(f.claim)}</p>`,
    `<table class="meta">${meta.map(([k, x]) => `<tr><td>${esc(k)}</td><td>${k.startsWith('replay') ? x : esc(x)}</td></tr>`).join('')}</table>`,
    `<div class="verdict">${esc([verdict.line, ...verdict.detail.map((d) => `    ${d}`)].join('\n'))}</div>`,
    `<h2>Page tables before and after the failing step</h2>`,
    pictures,
    `<h2>Configuration</h2>`,
    `<table class="meta"><tr><td>granule</td><td>${esc(c.granule)} (48-bit VA, root ${hexOf(a.input.header.root)})${a.input.header.preempt_rt ? ', PREEMPT_RT' : ''}</td></tr>${c.cpus
      .map(
        (cpu, i) =>
          `<tr><td>cpu${cpu.id}</td><td>BBM level ${cpu.bbm}${cpu.noabort ? ', noabort' : ''}${i === 0 ? ' (boot CPU)' : ''} — ${esc(cpuState(cpu.id))} at the failing event</td></tr>`,
      )
      .join(
        '',
      )}${c.layout.map((l) => `<tr><td>layout</td><td>${esc(l)}</td></tr>`).join('')}<tr><td>knobs</td><td>${esc(c.knobs.map((k) => `${k.name}=${k.value}`).join('  '))}</td></tr></table>`,
    `<h2>Operations</h2>`,
    `<ol class="ops">${ops}</ol>`,
    `<h2>Events of the failing operation${idx.length > shown.length ? ` (the last ${shown.length} of ${idx.length})` : ''}</h2>`,
    ...(earlier.length === 0
      ? []
      : [
          `<details><summary>${earlier.length} earlier event${earlier.length === 1 ? '' : 's'} of this operation</summary><table class="events">${earlier.map(row).join('\n')}</table></details>`,
        ]),
    `<table class="events">${rows.join('\n')}</table>`,
    `<div class="verdict">${esc([verdict.line, ...verdict.detail.map((d) => `    ${d}`)].join('\n'))}</div>`,
    ...(a.error !== undefined
      ? []
      : [
          `<h2>State at the failing step</h2>`,
          `<pre>${diffHtml(diffLines(a))}</pre>`,
          `<h2>Stale TLB entries</h2>`,
          `<pre>${esc(staleLines(a, w).join('\n'))}</pre>`,
          ...(w === undefined
            ? []
            : [`<h2>VA layout before and after</h2>`, `<pre>${esc(rulerLines(a, w).join('\n'))}</pre>`]),
        ]),
    `<h2>Rule broken</h2>`,
    `<div class="rule"><p><b>${esc(rule.rule)}</b>: ${esc(rule.sentence)}</p><p><b>Usual fix:</b> ${esc(rule.fix)}</p></div>`,
    ...(v === undefined && a.input.failure.message.includes('\n')
      ? [`<h2>The property's report</h2>`, `<pre>${esc(a.input.failure.message)}</pre>`]
      : []),
    `</section>`,
  ].join('\n');
}

/** What a run-level HTML report says besides the failures it can draw. */
export interface HtmlPage {
  readonly title?: string;
  /** The run's summary line (`11 passed, 1 failed`). */
  readonly summary?: string;
  /** Failures without a report (a timeout, a crash, an internal error): their text. */
  readonly others?: readonly { readonly title: string; readonly text: string }[];
}

/**
 * The HTML report of one or more failures.
 * @param analyses - the failures
 * @param page - title, summary and the failures without a report
 * @returns the document
 */
export function htmlReport(analyses: readonly FailureAnalysis[], page: HtmlPage = {}): string {
  const ids = analyses.map((a, i) => `failure-${i + 1}-${a.input.failure.property}`);
  const others = page.others ?? [];
  const index =
    analyses.length + others.length > 1
      ? `<nav><ol>${analyses.map((a, i) => `<li><a href="#${esc(ids[i] ?? '')}">${esc(a.input.failure.property)}</a> — ${esc(verdictOf(a).line)}</li>`).join('')}${others.map((o) => `<li>${esc(o.title)}</li>`).join('')}</ol></nav>`
      : '';
  const summary =
    page.summary === undefined
      ? ''
      : `<p class="summary"><b>${esc(page.summary)}</b>${analyses.length + others.length === 0 ? ' — every property held; nothing to draw.' : ''}</p>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${esc(page.title ?? 'bbm-verify failure report')}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    summary,
    index,
    ...analyses.map((a, i) => failureSection(a, ids[i] ?? `failure-${i + 1}`)),
    ...others.map(
      (o) =>
        `<section class="failure"><h1><span class="fail">FAIL</span> ${esc(o.title)}</h1><pre>${esc(o.text)}</pre></section>`,
    ),
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
