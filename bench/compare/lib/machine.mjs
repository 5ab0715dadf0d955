// What the numbers were measured on: CPU, cores, memory, versions, commit.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

function Try(cmd, args) {
  try {
    return execFileSync(cmd, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim();
  } catch {
    return null;
  }
}

export function MachineInfo(repo, duckdb_version) {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) || [])[1] || 'unknown';
  const mhz = (cpuinfo.match(/^cpu MHz\s*:\s*(.*)$/m) || [])[1] || null;
  const osr = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '';
  return {
    date_utc: new Date().toISOString(),

    cpu_model: model,
    cpu_mhz: mhz ? Number(mhz) : null,
    nproc: Number(Try('nproc', [])) || os.cpus().length,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: (osr.match(/^PRETTY_NAME="?(.*?)"?$/m) || [])[1] || os.type(),
    kernel: os.release(),
    gxx: (Try('g++', ['--version']) || '').split('\n')[0],
    mpirun: (Try('mpirun', ['--version']) || '').split('\n')[0],
    node: process.version,
    duckdb: duckdb_version,
    git_commit: Try('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']),
    git_dirty:
        (Try('git', ['-C', repo, 'status', '--porcelain', '--untracked-files=no']) || '') !== '',
  };
}
