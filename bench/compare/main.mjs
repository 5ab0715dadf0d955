// plume vs DuckDB and plume's sweeps, in one run. Called by bench/compare/run (which builds plume
// and installs what is missing); see docs/BENCHMARKS.md.
//   node main.mjs --build DIR [--quick] [--no-sweeps] [--plots-only] [--keep-outputs]
//                 [--only STEPS] [--sizes 1,10,100] [--size-cases a,b] [--rounds N]
// Results: bench/compare/results/*.json|csv; plots: docs/bench_*.png; scratch and data sets:
// $PLUME_BENCH_DIR (default /tmp/plume-bench). Exit 1 when plume and DuckDB returned different
// rows or a step failed; a missed target is reported, not an error.
import os from 'node:os';
import path from 'node:path';

import {RunComparison} from './lib/comparison.mjs';
import {AirnowDir, EnsureDataSet, kDefaultRows} from './lib/datasets.mjs';
import {MachineInfo} from './lib/machine.mjs';
import {CompareRows, PrintTable, ResultsDir, WriteCsv, WriteJson} from './lib/output.mjs';
import {MakePlots} from './lib/plots.mjs';
import {FindBinary} from './lib/plume.mjs';
import {WriteSummary} from './lib/summary.mjs';
import {LoadSize, PrintSize, SaveSize} from './lib/size_output.mjs';
import {SizeSweep} from './lib/size_sweep.mjs';
import {CacheSweep, ChunkSweep, ConcurrencySweep, WorldSweep} from './lib/sweeps.mjs';

const kHere = path.dirname(new URL(import.meta.url).pathname);
const kRepo = path.resolve(kHere, '..', '..');

function ParseArgs(argv) {
  const a = {
    build: path.join(kRepo, 'build-bench'),
    quick: false,
    sweeps: true,
    plots_only: false,
    wait_quiet_min: 0,
    keep_outputs: false,
    sizes: [1, 10],
    size_cases: null,
    rounds: null,
    only: null
  };
  for (let i = 0; i < argv.length; ++i) {
    const k = argv[i];
    if (k === '--build')
      a.build = argv[++i];
    else if (k === '--quick')
      a.quick = true;
    else if (k === '--no-sweeps')
      a.sweeps = false;
    else if (k === '--plots-only')
      a.plots_only = true;
    else if (k === '--keep-outputs')
      a.keep_outputs = true;
    else if (k === '--wait-quiet')
      a.wait_quiet_min = Number(argv[++i]);
    else if (k === '--only')
      a.only = argv[++i].split(',');
    else if (k === '--sizes')  // data size factors of the size sweep, e.g. 1,10,100
      a.sizes = argv[++i].split(',').map(Number);
    else if (k === '--size-cases')  // only these cases in the size sweep (lib/size_sweep.mjs)
      a.size_cases = argv[++i].split(',');
    else if (k === '--rounds')  // size sweep: plume/DuckDB rounds (default 2, 1 from 100x on)
      a.rounds = Number(argv[++i]);
    else
      throw new Error(`unknown option ${k} (see bench/compare/run --help)`);
  }
  return a;
}

function Context(args) {
  const quick = args.quick;
  return {
    plume: FindBinary(args.build, 'plume'),
    preprocess: FindBinary(args.build, 'plume-preprocess'),
    bench_dir: process.env.PLUME_BENCH_DIR || '/tmp/plume-bench',
    repeat: quick ? 6 : 8,  // plume --repeat; the first execution is dropped
    runs: quick ? 5 : 7,    // DuckDB timed runs after one untimed warm-up
    chunk: 1000,            // plume's default --chunk
    keep_outputs: args.keep_outputs,
    cpu: true,  // comparison only: CPU per execution (one more plume job per case)
    quick,
    timeout_s: Number(process.env.PLUME_BENCH_TIMEOUT || 300),  // mpirun --timeout per job
  };
}

// Other work on the machine skews the comparison: CFS gives plume's 6 processes a bigger share
// than DuckDB's threads. --wait-quiet M waits up to M minutes for a 1-minute load below 1.
async function WaitQuiet(minutes) {
  const until = Date.now() + minutes * 60000;
  while (os.loadavg()[0] >= 1 && Date.now() < until) {
    process.stderr.write(
        `bench: load ${os.loadavg()[0].toFixed(2)}, waiting for a quiet machine\n`);
    await new Promise((r) => setTimeout(r, 30000));
  }
}

function Wants(args, step) {
  return !args.only || args.only.includes(step);
}

// One sweep; a failing sweep is reported and the others still run.
function Step(name, fn) {
  try {
    fn();
  } catch (e) {
    process.stderr.write(`bench: ${name} sweep failed: ${e.stack || e.message}\n`);
  }
}

async function SizeStep(ctx, args, res) {
  try {
    const run = await SizeSweep({...ctx, cpu: false}, {
      partitions: 5,
      factors: args.sizes,
      cases: args.size_cases,
      rounds: (f) => args.rounds ?? (f >= 100 ? 1 : 2),
      duckdb_scan: process.env.PLUME_BENCH_DUCKDB_SCAN || 'file',
      duckdb_budget_s: Number(process.env.PLUME_BENCH_DUCKDB_BUDGET_S || 900),
      plume_budget_s: Number(process.env.PLUME_BENCH_PLUME_BUDGET_S || 1800),
      previous: LoadSize(res).rows,
    });
    SaveSize(res, run);
    PrintSize(run);
    return run.rows.every((r) => r.same_rows !== 'NO');
  } catch (e) {
    process.stderr.write(`bench: size sweep failed: ${e.stack || e.message}\n`);
    return true;
  }
}

function Sweeps(ctx, args, primary_spec, res) {
  ctx = {...ctx, cpu: false};
  const p5 = () => EnsureDataSet(ctx.bench_dir, ctx.preprocess, {...primary_spec, partitions: 5});
  if (Wants(args, 'chunk')) {
    Step(
        'chunk',
        () => WriteCsv(
            res('chunk.csv'), ChunkSweep(ctx, p5(), 6, [100, 500, 1000, 5000, 10000, 50000]), [
              'chunk', 'first_chunk_ms', 'total_ms', 'rows_per_s', 'rows', 'chunks', 'warm', 'error'
            ]));
  }
  if (Wants(args, 'concurrency')) {
    Step(
        'concurrency',
        () => WriteCsv(res('concurrency.csv'), ConcurrencySweep(ctx, p5(), 6, [1, 2, 5, 8]), [
          'concurrency', 'statements', 'latency_ms', 'first_chunk_ms', 'span_ms', 'span_from',
          'statements_per_s', 'error'
        ]));
  }
  if (Wants(args, 'cache')) {
    const names = ['seed_null', 'seed_csv', 'group_by', 'top10_sites'];
    Step('cache', () => WriteCsv(res('cache.csv'), CacheSweep(ctx, p5(), 6, names), [
      'case', 'rows', 'first_total_ms', 'first_first_chunk_ms', 'cached_total_ms',
      'cached_first_chunk_ms', 'repeats', 'error'
    ]));
  }
  if (Wants(args, 'world')) {
    const sizes = ctx.quick ? [2, 4, 6, 8] : [2, 3, 4, 5, 6, 7, 8];
    const cases = ['filtered_count', 'seed_null', 'seed_csv', 'group_by'];
    Step(
        'world',
        () => WriteCsv(
            res('world.csv'), WorldSweep(ctx, primary_spec, sizes, cases),
            ['ranks', 'partitions', 'case', 'total_ms', 'first_chunk_ms', 'rows_per_s', 'error']));
  }
}

async function Main() {
  const args = ParseArgs(process.argv.slice(2));
  const res = ResultsDir(path.join(kHere, 'results'));
  const docs = path.join(kRepo, 'docs');
  if (args.plots_only) {
    WriteSummary(path.dirname(res('x')));
    MakePlots(path.dirname(res('x')), docs);
    return 0;
  }
  const ctx = Context(args);
  const airnow = AirnowDir(kRepo);
  const spec = airnow ? {kind: 'airnow', input: airnow} : {kind: 'synthetic', rows: kDefaultRows};
  process.stderr.write(
      `bench: data ${airnow ? airnow : `synthetic ${kDefaultRows} rows`}, ` +
      `scratch ${ctx.bench_dir}\n`);
  let ok = true;
  if (Wants(args, 'compare')) {
    if (args.wait_quiet_min > 0) await WaitQuiet(args.wait_quiet_min);
    const load_before = os.loadavg()[0];
    const ds = EnsureDataSet(ctx.bench_dir, ctx.preprocess, {...spec, partitions: 5});
    const cmp = await RunComparison(ctx, ds, 6, airnow ? ['airnow', airnow] : null);
    WriteJson(res('compare.json'), cmp);
    WriteCsv(res('compare.csv'), CompareRows(cmp), Object.keys(CompareRows(cmp)[0]));
    const machine = MachineInfo(kRepo, cmp.duckdb.version);
    machine.loadavg_1m = {before: load_before, after: os.loadavg()[0]};
    WriteJson(res('machine.json'), machine);
    PrintTable(cmp);
    ok = cmp.cases.every((c) => c.check.rows_match);
    if (!ok) process.stderr.write('bench: plume and DuckDB returned DIFFERENT rows (see above)\n');
  }
  if (args.sweeps) Sweeps(ctx, args, spec, res);
  if (args.sweeps && Wants(args, 'size') && !(await SizeStep(ctx, args, res))) {
    process.stderr.write('bench: plume and DuckDB returned DIFFERENT rows in the size series\n');
    ok = false;
  }
  WriteSummary(path.dirname(res('x')));
  MakePlots(path.dirname(res('x')), docs);
  return ok ? 0 : 1;
}

Main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`bench: error: ${e.stack || e.message}\n`);
  process.exit(1);
});
