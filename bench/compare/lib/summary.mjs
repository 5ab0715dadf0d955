// results/summary.md: the result CSVs as Markdown tables, for docs/BENCHMARKS.md.
import fs from 'node:fs';
import path from 'node:path';

function ReadCsv(file) {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return {cols, rows: lines.map((l) => l.split(','))};
}

function Table(title, file, pick) {
  if (!fs.existsSync(file)) return `### ${title}\n\n(not run)\n`;
  const {cols, rows} = ReadCsv(file);
  const idx = pick.map(([c]) => cols.indexOf(c));
  const fmt = (v, f) => (v === '' ? '-' : f ? f(Number(v), v) : v);
  const out = [
    `### ${title}`, '', `| ${pick.map(([, h]) => h).join(' | ')} |`,
    `|${pick.map(() => '---').join('|')}|`
  ];
  for (const r of rows)
    out.push(`| ${idx.map((i, k) => fmt(r[i] ?? '', pick[k][2])).join(' | ')} |`);
  return out.join('\n') + '\n';
}

const F1 = (v) => v.toFixed(1);
const F2x = (v) => `${v.toFixed(2)}x`;
const Int = (v) => Math.round(v).toLocaleString('en-US');

export function WriteSummary(res) {
  const parts = [];
  const m = path.join(res, 'machine.json');
  if (fs.existsSync(m)) {
    const j = JSON.parse(fs.readFileSync(m, 'utf8'));
    parts.push(
        `Measured ${j.date_utc} on ${j.cpu_model}, ${j.nproc} cores, ${j.memory_gib} GiB, ` +
        `${j.os}, ${j.gxx}, ${j.mpirun}, node ${j.node}, DuckDB ${j.duckdb}, ` +
        `commit ${j.git_commit}${j.git_dirty ? ' (with local changes)' : ''}` +
        (j.loadavg_1m?.before !== undefined ?
             `; 1-minute load average ${j.loadavg_1m.before.toFixed(1)} before and ` +
                 `${j.loadavg_1m.after.toFixed(1)} after the comparison.\n` :
             '.\n'));
  }
  parts.push(Table('plume vs DuckDB', path.join(res, 'compare.csv'), [
    ['case', 'case'], ['plume_ms', 'plume ms', F1], ['duckdb_ms', 'DuckDB ms', F1],
    ['ratio', 'plume/DuckDB', F2x], ['target', 'target', (v) => `<= ${v}x`], ['pass', 'met'],
    ['plume_cpu_ms', 'plume CPU ms', F1], ['duckdb_cpu_ms', 'DuckDB CPU ms', F1],
    ['cpu_ratio', 'CPU ratio', F2x], ['rows', 'rows', Int], ['same_rows', 'same rows'],
    ['same_names', 'same column names'], ['plume_first_chunk_ms', 'plume first chunk ms', F1]
  ]));
  parts.push(Table('Chunk size', path.join(res, 'chunk.csv'), [
    ['chunk', 'rows per chunk'], ['first_chunk_ms', 'first chunk ms', F1],
    ['total_ms', 'total ms', F1], ['rows_per_s', 'rows/s', Int], ['chunks', 'chunks']
  ]));
  parts.push(Table('Statements in flight', path.join(res, 'concurrency.csv'), [
    ['concurrency', 'in flight'], ['statements', 'statements'],
    ['latency_ms', 'median latency ms', F1], ['first_chunk_ms', 'median first chunk ms', F1],
    ['statements_per_s', 'statements/s', F1]
  ]));
  parts.push(Table('Data size', path.join(res, 'size.csv'), [
    ['factor', 'size'], ['rows', 'rows', Int], ['case', 'case'], ['plume_ms', 'plume ms', F1],
    ['duckdb_ms', 'DuckDB ms', F1], ['ratio', 'plume/DuckDB', F2x], ['same_rows', 'same rows'],
    ['note', 'note']
  ]));
  parts.push(Table('Data size: before the first statement', path.join(res, 'size_facts.csv'), [
    ['factor', 'size'], ['rows', 'rows', Int], ['ingest_s', 'ingest s', F1],
    ['ingest_rss_mib', 'ingest peak RSS MiB', F1], ['files_mib', 'files MiB', F1],
    ['ready_ms', 'mpirun to ready ms', F1], ['ready_data_max_mib', 'RSS/data rank at ready MiB', F1],
    ['peak_data_max_mib', 'peak RSS/data rank MiB', F1], ['peak_rank0_mib', 'peak RSS rank 0 MiB', F1],
    ['duckdb_load_s', 'DuckDB load s', F1], ['cache_first_ms', 'GROUP BY first ms', F1],
    ['cache_cached_ms', 'cached ms', (v) => v.toFixed(3)],
    ['cache_cached_first_chunk_ms', 'cached first chunk ms', (v) => v.toFixed(3)]
  ]));
  parts.push(Table('World size', path.join(res, 'world.csv'), [
    ['ranks', 'ranks'], ['partitions', 'partitions'], ['case', 'case'],
    ['total_ms', 'total ms', F1], ['first_chunk_ms', 'first chunk ms', F1]
  ]));
  fs.writeFileSync(path.join(res, 'summary.md'), parts.join('\n'));
}
