// Result files (JSON + CSV) and the table printed at the end of a run.
import fs from 'node:fs';
import path from 'node:path';

export function WriteCsv(file, rows, columns) {
  const cell = (v) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => cell(r[c])).join(','));
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

export function WriteJson(file, value) {
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

const Ms = (v) => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(1));

function Pass(c) {
  if (c.target === null) return '';
  return c.pass ? 'yes' : 'NO';
}

function SameText(c) {
  if (c.check.text_match) return 'yes';
  return c.approx && c.check.rows_match ? 'last digits' : 'no';
}

// One row per case: the flat form used by compare.csv, the docs table and the plot.
function Row(c) {
  const row = {case: c.name, plume_ms: c.plume.total_ms ?? null};
  row.plume_first_chunk_ms = c.plume.first_chunk_ms ?? null;
  row.duckdb_ms = c.duckdb_ms;
  row.ratio = c.ratio;
  row.plume_cpu_ms = c.plume.cpu_ms ?? null;
  row.duckdb_cpu_ms = c.duckdb_cpu_ms ?? null;
  row.cpu_ratio =
      row.plume_cpu_ms !== null && row.duckdb_cpu_ms ? row.plume_cpu_ms / row.duckdb_cpu_ms : null;
  row.target = c.target;
  row.pass = Pass(c);
  row.rows = c.check.duckdb_rows;
  row.same_rows = c.check.rows_match ? 'yes' : 'NO';
  row.same_text = SameText(c);
  row.same_names = c.check.header_match ? 'yes' : 'no';
  return row;
}

export function CompareRows(comparison) {
  return comparison.cases.map(Row);
}

const Ratio = (v) => (v === null || v === undefined ? '-' : `${v.toFixed(2)}x`);

function Cells(r) {
  return [
    r.case, Ms(r.plume_ms), Ms(r.duckdb_ms), r.ratio === null ? 'failed' : Ratio(r.ratio),
    r.target === null ? '-' : `<= ${r.target}x`, r.pass || '-', Ms(r.plume_cpu_ms),
    Ms(r.duckdb_cpu_ms), Ratio(r.cpu_ratio), String(r.rows ?? '-'), r.same_rows, r.same_text,
    r.same_names
  ];
}

export function PrintTable(comparison, out = process.stdout) {
  const head = [
    'case', 'plume ms', 'DuckDB ms', 'ratio', 'target', 'pass', 'plume CPU ms', 'DuckDB CPU ms',
    'CPU ratio', 'rows', 'same rows', 'same text', 'same names'
  ];
  const body = CompareRows(comparison).map(Cells);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  out.write(
      `\nplume (${comparison.ranks} ranks, ${comparison.dataset.label}) vs DuckDB ` +
      `${comparison.duckdb.version} (${comparison.duckdb.threads} threads), warm medians\n`);
  out.write(line(head) + '\n' + line(w.map((n) => '-'.repeat(n))) + '\n');
  for (const b of body) out.write(line(b) + '\n');
  for (const c of comparison.cases) {
    for (const d of c.check.detail) out.write(`  ${c.name}: ${d}\n`);
  }
}

export function ResultsDir(dir) {
  fs.mkdirSync(dir, {recursive: true});
  return (name) => path.join(dir, name);
}
