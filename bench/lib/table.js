'use strict';
// The stdout table: one row per (model, device, B, gradients) with both sides' best times and throughputs.
function fmt(value, digits = 2) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (value === 0) return '0';
  if (Math.abs(value) >= 1e4 || Math.abs(value) < 1e-2) return value.toExponential(digits);
  return value.toFixed(digits);
}

function rate(row, side) {
  const r = row[side];
  if (!r || r.best === undefined) return undefined;
  return row.work / r.best / 1e6;
}

function renderTable(rows) {
  const header = ['model', 'device', 'B', 'grad', 'M/s counts', 'sloppy ms', 'sloppy M/s', 'cores', 'JAX ms',
    'JAX M/s', 'cores', 'sloppy/JAX'];
  const body = rows.map((row) => [
    row.model,
    row.device,
    String(row.batch),
    row.grad ? 'yes' : 'no',
    row.unit,
    row.sloppy?.best !== undefined ? fmt(row.sloppy.best * 1e3) : row.sloppy?.skipped ? 'skipped' : '—',
    fmt(rate(row, 'sloppy')),
    fmt(row.sloppy?.coresUsed, 1),
    row.jax?.best !== undefined ? fmt(row.jax.best * 1e3) : row.jax?.skipped ? 'skipped' : '—',
    fmt(rate(row, 'jax')),
    fmt(row.jax?.coresUsed, 1),
    row.ratio !== undefined ? `${fmt(row.ratio)}×` : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

module.exports = { renderTable, fmt };
