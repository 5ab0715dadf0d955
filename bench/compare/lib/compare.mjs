// Checks that plume and DuckDB returned the same rows, from the CSV files both wrote (header line,
// NULL as an empty field, utc as YYYY-MM-DDTHH:MM). Rows are canonicalised per column type: DOUBLE
// as the shortest round-trip number (10 significant digits for aggregates, whose last digits
// depend on summation order), BIGINT/HUGEINT as an integer, everything else as unquoted text.
// Unordered results compare as multisets (order-independent hash, exact diff on mismatch);
// ordered results compare row by row. The exact CSV lines are hashed first (fast path); only when
// they differ are records parsed: rows_match compares values, text_match the unquoted field texts
// (so "17" vs "17.0" is a text difference, while DuckDB's optional quoting of '#' is not).
import fs from 'node:fs';
import readline from 'node:readline';

// Splits one CSV record into unquoted fields; returns null when a quoted field is still open.
export function ParseCsvRecord(line) {
  const fields = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      ++i;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(field);
      if (i >= line.length) return fields;
      if (line[i] !== ',') throw new Error(`text after closing quote at column ${i}: ${line}`);
      ++i;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

async function* Records(file) {
  const rl = readline.createInterface({input: fs.createReadStream(file), crlfDelay: Infinity});
  let pending = null;
  for await (const line of rl) {
    const text = pending === null ? line : `${pending}\n${line}`;
    const fields = ParseCsvRecord(text);
    if (fields === null) {
      pending = text;
      continue;
    }
    pending = null;
    yield {text, fields};
  }
  if (pending !== null) throw new Error(`${file}: unterminated quoted field at end of file`);
}

function Canonical(fields, types, approx) {
  return fields
      .map((f, i) => {
        if (f === '') return '\\N';
        const t = types[i] || 'VARCHAR';
        if (t === 'DOUBLE' || t === 'FLOAT') {
          const v = Number(f);
          if (Number.isNaN(v)) return `bad-number:${f}`;
          return approx ? v.toPrecision(10) : String(v);
        }
        if (t === 'BIGINT' || t === 'HUGEINT' || t === 'INTEGER') {
          try {
            return BigInt(f).toString();
          } catch {
            return `bad-integer:${f}`;
          }
        }
        return f;
      })
      .join('\x1f');
}

// Two 32-bit lanes of a multiplicative string hash, in one pass.
function Hash64(s) {
  let a = 0x9747b28c, b = 0x1b873593;
  for (let i = 0; i < s.length; ++i) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x5bd1e995);
    b = Math.imul(b ^ c, 0xcc9e2d51);
    a ^= a >>> 15;
    b ^= b >>> 13;
  }
  return [Math.imul(a ^ (a >>> 13), 0xc2b2ae35) >>> 0, Math.imul(b ^ (b >>> 16), 0x85ebca6b) >>> 0];
}

function Accumulate(acc, s, ordered) {
  const [a, b] = Hash64(s);
  if (ordered) {
    acc[0] = (Math.imul(acc[0], 31) + a) >>> 0;
    acc[1] = (Math.imul(acc[1], 37) + b) >>> 0;
  } else {
    acc[0] = (acc[0] + a) >>> 0;
    acc[1] = (acc[1] + b) >>> 0;
  }
}

// Fast pass: digest of the exact text of every line after the header (no CSV parsing).
async function TextDigest(file, ordered) {
  const rl = readline.createInterface({input: fs.createReadStream(file), crlfDelay: Infinity});
  const d = {header: null, lines: 0, text: [0, 0]};
  for await (const line of rl) {
    if (d.header === null) {
      d.header = line;
      continue;
    }
    ++d.lines;
    Accumulate(d.text, line, ordered);
  }
  if (d.header === null) throw new Error(`${file}: empty file (no header line)`);
  return d;
}

// Slow pass: digest of the canonical values of every record (run when the text differs).
async function ValueDigest(file, types, ordered, approx, keep) {
  const d = {header: null, rows: 0, value: [0, 0], fields: [0, 0], kept: keep ? [] : null};
  for await (const rec of Records(file)) {
    if (d.header === null) {
      d.header = rec.fields;
      continue;
    }
    const canon = Canonical(rec.fields, types, approx);
    ++d.rows;
    Accumulate(d.value, canon, ordered);
    Accumulate(d.fields, rec.fields.join('\x1f'), ordered);
    if (d.kept) d.kept.push(canon);
  }
  if (d.header === null) throw new Error(`${file}: empty file (no header line)`);
  return d;
}

// First few rows present on one side only (multiset difference), for the report.
function Differences(plume_rows, duck_rows, ordered, limit = 5) {
  if (ordered) {
    const out = [];
    const n = Math.max(plume_rows.length, duck_rows.length);
    for (let i = 0; i < n && out.length < limit; ++i) {
      if (plume_rows[i] !== duck_rows[i]) {
        out.push(`row ${i + 1}: plume [${plume_rows[i] ?? '-'}] duckdb [${duck_rows[i] ?? '-'}]`);
      }
    }
    return out.map((s) => s.replaceAll('\x1f', '|'));
  }
  const counts = new Map();
  for (const r of duck_rows) counts.set(r, (counts.get(r) || 0) + 1);
  const extra = [];
  for (const r of plume_rows) {
    const c = counts.get(r) || 0;
    if (c > 0)
      counts.set(r, c - 1);
    else if (extra.length < limit)
      extra.push(r);
  }
  const missing = [];
  for (const [r, c] of counts)
    if (c > 0 && missing.length < limit) missing.push(r);
  return [
    ...extra.map((r) => `only in plume: ${r}`), ...missing.map((r) => `only in duckdb: ${r}`)
  ].map((s) => s.replaceAll('\x1f', '|'));
}

// Returns {rows_match, text_match, header_match, plume_rows, duckdb_rows, detail[]}.
export async function CompareCsv(plume_file, duck_file, types, {ordered, approx}) {
  const pt = await TextDigest(plume_file, ordered);
  const dt = await TextDigest(duck_file, ordered);
  const same = (x, y) => x[0] === y[0] && x[1] === y[1];
  const r = {
    rows_match: true,
    text_match: pt.lines === dt.lines && same(pt.text, dt.text),
    header_match: pt.header === dt.header,
    plume_rows: pt.lines,
    duckdb_rows: dt.lines,
    detail: [],
  };
  if (!r.header_match) r.detail.push(`header: plume [${pt.header}] duckdb [${dt.header}]`);
  if (r.text_match) return r;
  const small = fs.statSync(duck_file).size < 64 << 20;
  const p = await ValueDigest(plume_file, types, ordered, approx, small);
  const d = await ValueDigest(duck_file, types, ordered, approx, small);
  r.plume_rows = p.rows;
  r.duckdb_rows = d.rows;
  r.rows_match = p.rows === d.rows && same(p.value, d.value);
  // Same field texts means the lines differ only in optional quoting (DuckDB quotes '#').
  r.text_match = p.rows === d.rows && same(p.fields, d.fields);
  if (!r.rows_match && small) r.detail.push(...Differences(p.kept, d.kept, ordered));
  if (!r.rows_match && !small) r.detail.push(`${p.rows} vs ${d.rows} rows; digests differ`);
  return r;
}
