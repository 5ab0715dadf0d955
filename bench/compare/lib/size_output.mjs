// The size series' results: bench/compare/results/size.json (every factor measured so far: a
// run with --sizes 100 replaces the 100x rows and keeps the others), size.csv and
// size_facts.csv from it, and the tables printed at the end of a run.
import fs from 'node:fs';

import {WriteCsv, WriteJson} from './output.mjs';
import {Targets} from './size_sweep.mjs';

const kRowColumns = [
  'factor', 'rows', 'case', 'result_rows', 'plume_ms', 'plume_runs', 'duckdb_ms', 'duckdb_runs',
  'ratio', 'target', 'same_rows', 'note'
];
const kFactColumns = [
  'factor', 'rows', 'ingest_s', 'ingest_cpu_s', 'ingest_rss_mib', 'files_mib', 'ready_ms',
  'ready_rank0_mib', 'ready_data_max_mib', 'peak_rank0_mib', 'peak_data_max_mib',
  'duckdb_export_s', 'duckdb_load_s', 'duckdb_db_mib', 'duckdb_scan', 'cache_first_ms',
  'cache_cached_ms', 'cache_cached_first_chunk_ms', 'loadavg_1m', 'date_utc', 'note'
];

export function LoadSize(res) {
  const file = res('size.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {rows: [], facts: []};
}

// Merges this run's factors into res('size.json') and rewrites the CSVs; returns the merged set.
export function SaveSize(res, run) {
  const file = res('size.json');
  const old = LoadSize(res);
  const mine = new Set(run.facts.map((f) => f.factor));
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const merged = {
    rows: [...old.rows.filter((r) => !mine.has(r.factor)), ...run.rows]
              .sort((a, b) => a.factor - b.factor),
    facts: [...old.facts.filter((f) => !mine.has(f.factor)),
            ...run.facts.map((f) => ({...f, date_utc: date}))]
               .sort((a, b) => a.factor - b.factor),
  };
  WriteJson(file, merged);
  WriteCsv(res('size.csv'), merged.rows, kRowColumns);
  WriteCsv(res('size_facts.csv'), merged.facts, kFactColumns);
  return merged;
}

const N = (v, d = 1) => (v === null || v === undefined ? '-' : Number(v).toFixed(d));

export function PrintSize(run, out = process.stdout) {
  out.write('\nsize series: plume (6 ranks) and DuckDB, warm medians, same rows checked\n');
  out.write('factor  case            rows out     plume ms    DuckDB ms   ratio  same  note\n');
  for (const r of run.rows) {
    out.write(`${String(r.factor).padStart(5)}x  ${r.case.padEnd(15)} ` +
              `${String(r.result_rows ?? '-').padStart(9)} ${N(r.plume_ms).padStart(12)} ` +
              `${N(r.duckdb_ms).padStart(12)} ${r.ratio === null ? '    -' : `${N(r.ratio, 2)}x`.padStart(6)}` +
              `  ${String(r.same_rows).padEnd(4)}  ${r.note ? r.note.slice(0, 120) : ''}\n`);
  }
  out.write('\nfactor  ingest s  files MiB  ready ms  RSS/data rank MiB (ready, peak)  rank 0 peak MiB' +
            '  DuckDB export s, load s, db MiB  cache first / cached ms, cached first chunk ms\n');
  for (const f of run.facts) {
    if (f.error) {
      out.write(`${String(f.factor).padStart(5)}x  failed: ${f.error}\n`);
      continue;
    }
    out.write(`${String(f.factor).padStart(5)}x  ${N(f.ingest_s).padStart(8)}  ${N(f.files_mib, 0).padStart(9)}` +
              `  ${N(f.ready_ms, 0).padStart(8)}  ${N(f.ready_data_max_mib, 0)}, ${N(f.peak_data_max_mib, 0)}` +
              `  ${N(f.peak_rank0_mib, 0)}  ${N(f.duckdb_export_s)}, ${N(f.duckdb_load_s)}, ` +
              `${N(f.duckdb_db_mib, 0)}  ${N(f.cache_first_ms)} / ${N(f.cache_cached_ms, 3)}, ` +
              `${N(f.cache_cached_first_chunk_ms, 3)}${f.note ? `  ${f.note}` : ''}\n`);
  }
  out.write('(ingest: "-" when the data set was made by an earlier run without the record)\n');
  for (const line of Targets(run.rows)) out.write(`target: ${line}\n`);
}
