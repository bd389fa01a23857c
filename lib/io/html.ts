/**
 * The look every HTML report of sloppy shares: one style sheet, so the reports of a run folder, a sweep and a
 * study read alike; each report adds only the few classes of its own.
 * @packageDocumentation
 */
import { escapeXml } from './svg';

/** Page layout, headings, tables and figures. */
export const REPORT_STYLE = `
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; line-height: 1.4; }
h1 { margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin: 1.4em 0 0.5em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.7em; text-align: left; font-variant-numeric: tabular-nums; vertical-align: top; }
thead th { border-bottom: 2px solid #888; }
figure { margin: 0.5em 0 1.5em; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; color: #555; margin-top: 0.3em; }
`;

/** The `<style>` element of a report: the shared sheet and the report's own rules. */
export function styleElement(extra = ''): string {
  return `<style>${REPORT_STYLE}${extra}</style>`;
}

/** An HTML table: header texts (escaped here) and cells given as HTML (escape plain text first). */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
