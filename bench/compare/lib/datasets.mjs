// The data sets the benchmark runs on, made once by plume-preprocess into a cache directory
// outside the repository ($PLUME_BENCH_DIR, default /tmp/plume-bench) and reused while the
// command that made them is unchanged (a stamp file holds it).
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const kDefaultRows = 1167525;  // the default synthetic data set (scripts/run)
export const kSeed = 1;

// The AirNow folder (airnow-2020fire, holding data/YYYYMMDD/*.csv), or null when absent.
export function AirnowDir(repo) {
  const d =
      process.env.PLUME_AIRNOW_DIR || path.join(repo, '..', 'shared', 'data', 'airnow-2020fire');
  return fs.existsSync(d) ? path.resolve(d) : null;
}

// spec: {kind: 'airnow'|'synthetic', partitions, rows (synthetic), input (airnow)}.
// Returns {dir, label, kind, partitions, rows, made_ms}.
export function EnsureDataSet(bench_dir, preprocess, spec) {
  const label = spec.kind === 'airnow' ? `airnow-p${spec.partitions}` :
                                         `synthetic-${spec.rows}-p${spec.partitions}`;
  const dir = path.join(bench_dir, 'data', label);
  const args = spec.kind === 'airnow' ?
      ['--input', spec.input, '--out', dir, '--partitions', String(spec.partitions)] :
      [
        '--synthetic', String(spec.rows), '--seed', String(kSeed), '--out', dir, '--partitions',
        String(spec.partitions)
      ];
  const stamp = path.join(dir, '.bench-stamp');
  const want = JSON.stringify({args, binary_mtime: fs.statSync(preprocess).mtimeMs});
  const result = {dir, label, kind: spec.kind, partitions: spec.partitions, rows: spec.rows};
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want)
    return {...result, made_ms: 0};
  fs.rmSync(dir, {recursive: true, force: true});
  fs.mkdirSync(path.dirname(dir), {recursive: true});
  process.stderr.write(`bench: making ${label} (plume-preprocess ${args.join(' ')})\n`);
  const t0 = Date.now();
  const r = spawnSync(preprocess, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
  if (r.status !== 0) {
    throw new Error(`plume-preprocess ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  }
  fs.writeFileSync(stamp, want);
  return {...result, made_ms: Date.now() - t0};
}
