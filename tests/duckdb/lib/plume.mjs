// The plume side: making the data set with plume-preprocess and running statements through one
// `mpirun -n 6 plume` batch invocation.
import {spawn} from 'node:child_process';
import fs from 'node:fs';

// Single-host Open MPI settings (docs: /work/shared/notes/MPI_NOTES.md), root allowed.
const kMpiEnv = {
  OMPI_ALLOW_RUN_AS_ROOT: '1',
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
  OMPI_MCA_btl: 'self,vader',
  OMPI_MCA_pml: 'ob1',
  OMPI_MCA_oob_tcp_if_include: 'lo',
};
export const kRanks = 6;

// Runs a command to completion; resolves {code, signal, stdout, stderr}. Never rejects unless
// the program cannot be started.
export function Run(program, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child =
        spawn(program, args, {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}));
  });
}

function Must(r, what) {
  if (r.code !== 0) {
    throw new Error(`${what} failed (exit ${r.code ?? r.signal}):\n${r.stderr}${r.stdout}`);
  }
  return r;
}

// args: ['--input', DIR] or ['--synthetic', N]. Returns the manifest's total_rows.
export async function Preprocess(preprocess, args, out, partitions = kRanks - 1) {
  fs.rmSync(out, {recursive: true, force: true});
  const full = [...args, '--out', out, '--partitions', String(partitions)];
  Must(await Run(preprocess, full), `plume-preprocess ${full.join(' ')}`);
  return JSON.parse(fs.readFileSync(`${out}/manifest.json`, 'utf8')).total_rows;
}

// Runs plume with `plume_args` under mpirun with its own --timeout (seconds).
export function Mpirun(opts, plume_args, timeout_s) {
  const args = [
    '--oversubscribe', '--timeout', String(timeout_s), '-n', String(opts.ranks ?? kRanks),
    opts.plume, '--data',
    opts.data, ...plume_args
  ];
  return Run(opts.mpiexec, args, kMpiEnv);
}

export async function ExportCsv(opts, file) {
  Must(
      await Mpirun(
          opts, ['-c', 'SELECT * FROM measurements', '--format', 'csv', '--output', file], 120),
      'plume export of SELECT * FROM measurements');
}

// Runs the batch script; returns {code, stderr, statements: [{status, error, rows, message}]}
// from the JSON report, with each failed statement's stderr line (`[statement N] Error: ...`).
export async function RunBatch(opts, script, report, timeout_s) {
  fs.rmSync(report, {force: true});
  const r = await Mpirun(
      opts, ['-f', script, '--format', 'csv', '--report', report, '--progress', 'off'], timeout_s);
  if (!fs.existsSync(report)) {
    throw new Error(`plume wrote no report (exit ${r.code ?? r.signal}):\n${r.stderr}${r.stdout}`);
  }
  const text = fs.readFileSync(report, 'utf8');
  if (text === '') {  // made at the start, written at the end: plume did not get there
    throw new Error(`plume left its report empty (exit ${r.code ?? r.signal}, mpirun --timeout ${
        timeout_s} s):\n${r.stderr}${r.stdout}`);
  }
  const parsed = JSON.parse(text);
  const messages = new Map();
  for (const line of r.stderr.split('\n')) {
    const m = line.match(/^\[statement (\d+)\] (.*)$/);
    if (m) messages.set(Number(m[1]), m[2]);
  }
  const statements = parsed.statements.map((s) => ({
                                             status: s.status,
                                             error: s.error,
                                             rows: s.rows,
                                             message: messages.get(s.statement) ?? null,
                                           }));
  return {code: r.code, stderr: r.stderr, statements};
}
