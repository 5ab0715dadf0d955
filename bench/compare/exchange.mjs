// The hash exchange's targets (issue 10 item 6), in one run with DuckDB on this machine:
//   node bench/compare/exchange.mjs [--build DIR] [--data DIR] [--airnow DIR] [--ranks N]
//                                   [--repeat N] [--runs N] [--cases a,b]
// --build: plume's build (default build/ci, Release); --data: a 5-partition data set of the
// AirNow files (made there with plume-preprocess when missing; default $PLUME_BENCH_DIR/
// exchange-airnow, PLUME_BENCH_DIR defaulting to a new temporary directory); --airnow: the files
// (default ../shared/data/airnow-2020fire); --cases: only these (names in lib/cases.mjs). For
// each case of kExchangeCases and the cases whose
// speed must not fall (seed query, GROUP BY parameter, top-10 sites), plume runs once per merge
// plan (--merge tree, exchange, auto; --repeat runs, the first dropped) and DuckDB once per case
// (duckdb_side.mjs, --runs timed runs). Prints per case and plan the median time, its ratio to
// DuckDB's, the peak RSS (VmHWM, from /usr/bin/time) of rank 0 and of the largest data rank,
// and whether the plans' CSV results are byte-identical. Writes results/exchange.json.
// Exit 1 when a run failed or two plans' results differ.
import {spawnSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {kCases, kExchangeCases} from './lib/cases.mjs';
import {PeakRss, RssWrapper, RunPlume, WarmStats} from './lib/plume.mjs';

const kHere = path.dirname(new URL(import.meta.url).pathname);
const kRepo = path.resolve(kHere, '..', '..');
const kPlans = ['tree', 'exchange', 'auto'];
const kKept = ['seed_null', 'group_by', 'top10_sites'];  // their speed must not fall

function ParseArgs(argv) {
  const bench = process.env.PLUME_BENCH_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'plume-x-'));
  const a = {
    build: path.join(kRepo, 'build', 'ci'),
    data: path.join(bench, 'exchange-airnow'),
    airnow: path.resolve(kRepo, '..', 'shared', 'data', 'airnow-2020fire'),
    ranks: 6,
    repeat: 6,
    runs: 5,
    cases: '',
    scratch: bench,
  };
  for (let i = 0; i < argv.length; ++i) {
    const k = argv[i].replace(/^--/, '');
    if (!(k in a) || k === 'scratch') throw new Error(`unknown option ${argv[i]}`);
    a[k] = typeof a[k] === 'number' ? Number(argv[++i]) : argv[++i];
  }
  return a;
}

function EnsureData(a) {
  if (fs.existsSync(path.join(a.data, 'manifest.json'))) return;
  if (!fs.existsSync(a.airnow)) throw new Error(`no AirNow data at ${a.airnow} (--airnow DIR)`);
  const r = spawnSync(path.join(a.build, 'preprocess', 'plume-preprocess'),
                      ['--input', a.airnow, '--out', a.data, '--partitions', String(a.ranks - 1)],
                      {stdio: ['ignore', 'ignore', 'inherit']});
  if (r.status !== 0) throw new Error(`plume-preprocess failed (${r.status})`);
}

function RunPlan(a, c, plan, dir) {
  // --peer-timeout 60: the tree merge finalizes every group on rank 0 in one step, which on a
  // loaded machine can outlast the default 10 s heartbeat timeout (the exchange's point).
  const common = {data: a.data, ranks: a.ranks, sql: c.sql,
                  extraArgs: ['--merge', plan, '--peer-timeout', '60']};
  const timed = RunPlume({...common, plume: RssWrapper(path.join(a.build, 'ranks', 'plume'), dir), format: 'null', repeat: a.repeat,
                          report: path.join(dir, `${c.name}-${plan}.json`)});
  const rss = PeakRss(dir, a.ranks);
  const csv = path.join(dir, `${c.name}-${plan}.csv`);
  RunPlume({...common, plume: path.join(a.build, 'ranks', 'plume'), format: 'csv', output: csv,
            report: path.join(dir, `${c.name}-${plan}-csv.json`)});
  // A plain unordered SELECT (the seed query) streams rows in arrival order, which no plan
  // fixes: compared as sorted lines. Aggregates are compared byte for byte.
  let text = fs.readFileSync(csv, 'utf8');
  if (!c.ordered && !/GROUP BY|DISTINCT/i.test(c.sql)) text = text.split('\n').sort().join('\n');
  const sha = crypto.createHash('sha256').update(text).digest('hex');
  fs.rmSync(csv);
  return {plan, ...WarmStats(timed.report, c.sql), ...rss, sha256: sha};
}

function DuckDbTimes(a, names, dir) {
  const r = spawnSync('node', [path.join(kHere, 'duckdb_side.mjs'), '--source', 'airnow', a.airnow,
                               '--out', dir, '--runs', String(a.runs), '--cases', names.join(','),
                               '--no-expected'],
                      {stdio: ['ignore', 'inherit', 'inherit']});
  if (r.status !== 0) throw new Error(`duckdb_side.mjs failed (${r.status})`);
  const out = JSON.parse(fs.readFileSync(path.join(dir, 'duckdb.json'), 'utf8'));
  return Object.fromEntries(out.cases.map((c) => [c.name, c.median_ms]));
}

function Main() {
  const a = ParseArgs(process.argv.slice(2));
  EnsureData(a);
  const dir = fs.mkdtempSync(path.join(a.scratch, 'exchange-run-'));
  const only = a.cases ? a.cases.split(',') : null;
  const cases = [...kExchangeCases, ...kCases.filter((c) => kKept.includes(c.name))].filter(
      (c) => !only || only.includes(c.name));
  if (only && cases.length !== only.length) throw new Error(`unknown case in --cases ${a.cases}`);
  const duck = DuckDbTimes(a, cases.map((c) => c.name), dir);
  const results = [];
  let failed = false;
  for (const c of cases) {
    const runs = kPlans.map((plan) => RunPlan(a, c, plan, dir));
    const same = runs.every((r) => r.sha256 === runs[0].sha256);
    failed ||= !same;
    results.push({name: c.name, sql: c.sql, target: c.target, duckdb_ms: duck[c.name], same, runs});
    for (const r of runs) {
      const ratio = r.total_ms / duck[c.name];
      console.log(`${c.name.padEnd(17)} ${r.plan.padEnd(8)} ${r.total_ms.toFixed(1).padStart(8)} ms` +
                  `  duckdb ${duck[c.name].toFixed(1).padStart(7)} ms  x${ratio.toFixed(2)}` +
                  `${c.target ? ` (target <= ${c.target})` : ''}  rss rank0 ` +
                  `${r.rank0_mib.toFixed(0)} MiB, data ranks <= ${r.data_max_mib.toFixed(0)} MiB` +
                  `  rows ${r.rows}  ${same ? 'identical' : 'DIFFERENT'}`);
    }
  }
  const out = path.join(kHere, 'results', 'exchange.json');
  fs.writeFileSync(out, JSON.stringify({ranks: a.ranks, data: a.data, results}, null, 2) + '\n');
  console.log(`wrote ${out}`);
  fs.rmSync(dir, {recursive: true, force: true});
  process.exit(failed ? 1 : 0);
}

Main();
