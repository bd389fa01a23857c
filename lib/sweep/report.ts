/**
 * The sweep report: one self-contained HTML page (inline CSS and SVG, no scripts) with the merged results,
 * a timeline of every finished task (time queued, time run) and a table of each task's outcome, attempts,
 * timing and, for failures, error code and log tail.
 * @packageDocumentation
 */
import { axes, Panel, svgOpen, text, toPx } from '../io/plots';
import { escapeXml, PALETTE } from '../io/svg';
import { writeFileAtomic } from '../io/atomic';
import { sloppyVersion } from './folder';
import { SweepStatus, TaskStatus } from './status';
import { styleElement } from '../io/html';

const STYLE = `
.done { color: #007a3d; } .failed { color: #b00020; font-weight: bold; } .running { color: #0072B2; } .pending { color: #777; }
pre { font-size: 0.8em; background: #f6f6f6; padding: 0.4em; margin: 0.2em 0; white-space: pre-wrap; }
code { font-size: 0.9em; }
`;

const ROWS_DRAWN = 400;

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : (ms / 1000).toFixed(2);
}

// One row per finished task, in index order: a grey bar from submission to start, a coloured one from
// start to the done marker; the sweep's first submission is time 0.
function timeline(tasks: TaskStatus[]): string {
  const done = tasks.filter((t) => t.done).slice(0, ROWS_DRAWN);
  if (done.length === 0) return '<p>No task has finished yet.</p>';
  const t0 = Math.min(...done.map((t) => t.done!.submitted ?? t.done!.started));
  const t1 = Math.max(...done.map((t) => t.done!.finished));
  const rowH = Math.max(3, Math.min(14, 300 / done.length));
  const panel: Panel = { box: { x: 60, y: 10, w: 820, h: rowH * done.length }, x: { lo: 0, hi: Math.max((t1 - t0) / 1000, 1e-3) }, y: { lo: 0, hi: done.length } };
  const bars = done.map((t, row) => {
    const d = t.done!;
    const y = panel.box.y + row * rowH;
    const at = (ms: number) => toPx(panel, (ms - t0) / 1000);
    const queue = d.submitted === undefined ? ''
      : `<rect x="${at(d.submitted).toFixed(1)}" y="${(y + rowH * 0.35).toFixed(1)}" width="${Math.max(0.5, at(d.started) - at(d.submitted)).toFixed(1)}" height="${(rowH * 0.3).toFixed(1)}" fill="#bbb"/>`;
    return `${queue}<rect x="${at(d.started).toFixed(1)}" y="${(y + 1).toFixed(1)}" width="${Math.max(0.5, at(d.finished) - at(d.started)).toFixed(1)}" ` +
      `height="${Math.max(1, rowH - 2).toFixed(1)}" fill="${PALETTE[0]}"><title>task ${t.index}: ${seconds(d.finished - d.started)} s</title></rect>`;
  });
  const height = panel.box.y + panel.box.h + 40;
  const labels = done.length <= 40 ? done.map((t, row) => text(54, panel.box.y + (row + 0.5) * rowH, String(t.index), ' text-anchor="end" dominant-baseline="middle" font-size="9"')) : [];
  return `<figure>${svgOpen(900, height)}${bars.join('')}${labels.join('')}` +
    `${axes(panel, { xTickLabels: true, noYTicks: true, xLabel: 'seconds since the first submission', grid: true })}</svg>` +
    `<figcaption>Finished tasks by index: grey, from submission to the start of the task's process; blue, from there to its done marker` +
    `${tasks.filter((t) => t.done).length > ROWS_DRAWN ? ` (the first ${ROWS_DRAWN} drawn)` : ''}.</figcaption></figure>`;
}

// The settings in which tasks differ (seeds, models, …) say which task a row is; shared ones would only
// repeat on every row.
function varyingKeys(tasks: TaskStatus[]): string[] {
  const keys = new Set(tasks.flatMap((t) => Object.keys(t.settings)));
  return [...keys].filter((k) => new Set(tasks.map((t) => JSON.stringify(t.settings[k]))).size > 1);
}

function settingsText(s: Record<string, unknown>, keys: string[]): string {
  const shown = keys.length > 0 ? Object.fromEntries(keys.filter((k) => k in s).map((k) => [k, s[k]])) : s;
  const json = JSON.stringify(shown);
  return json.length > 120 ? `${json.slice(0, 117)}…` : json;
}

function taskRow(t: TaskStatus, keys: string[]): string {
  const d = t.done;
  const outcome = [t.code ? `<b>${escapeXml(t.code)}</b>: ${escapeXml(t.message ?? '')}` : '', t.note ? escapeXml(t.note) : '']
    .filter(Boolean).join('<br>');
  const log = t.state === 'failed' && t.logTail ? `<details><summary>log</summary><pre>${escapeXml(t.logTail)}</pre></details>` : '';
  const cells = [
    String(t.index), `<code>${t.id}</code>`, escapeXml(t.kind), `<code>${escapeXml(settingsText(t.settings, keys))}</code>`,
    `<span class="${t.state}">${t.state}</span>`, String(t.attempts),
    d?.submitted === undefined ? '' : seconds(d.started - d.submitted), d ? seconds(d.finished - d.started) : '',
    escapeXml(d ? `${d.host}${d.slurmJob ? ` (${d.slurmJob})` : ''}` : ''), outcome + log,
  ];
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

/** The report page of a sweep: its status and the merged results' summary lines. */
export function renderSweepReport(status: SweepStatus, results: string[]): string {
  const { plan, counts } = status;
  const c = counts;
  const keys = varyingKeys(status.tasks);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>sweep ${escapeXml(plan.name)}</title>${styleElement(STYLE)}</head>`,
    '<body>',
    `<h1>Sweep ${escapeXml(plan.name)}</h1>`,
    `<p>${plan.tasks.length} tasks: <span class="done">${c.done} done</span>, <span class="running">${c.running} running</span>, ` +
      `<span class="failed">${c.failed} failed</span>, <span class="pending">${c.pending} pending</span>. ` +
      `Planned by sloppy ${escapeXml(plan.sloppy)} on ${escapeXml(plan.created)} (description <code>${plan.hash.slice(0, 12)}</code>); ` +
      `reported by sloppy ${escapeXml(sloppyVersion())}.</p>`,
    `<section><h2>Results</h2><ul>${results.map((r) => `<li>${escapeXml(r)}</li>`).join('')}</ul></section>`,
    `<section><h2>Timeline</h2>${timeline(status.tasks)}</section>`,
    `<section><h2>Tasks</h2><table><thead><tr><th>#</th><th>id</th><th>kind</th><th>settings${keys.length > 0 ? ' (those that vary)' : ''}</th><th>state</th><th>attempts</th>` +
      `<th>queued (s)</th><th>ran (s)</th><th>host</th><th>outcome</th></tr></thead><tbody>${status.tasks.map((t) => taskRow(t, keys)).join('')}</tbody></table></section>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Writes the report to `file` atomically. */
export function writeSweepReport(file: string, status: SweepStatus, results: string[]): Promise<void> {
  return writeFileAtomic(file, renderSweepReport(status, results));
}
