// Reading both engines' CSV results into typed values and comparing them.
//
// Both sides write RFC 4180 CSV with a header line and NULL as an empty unquoted field. Values
// are typed by DuckDB's result types: DOUBLE -> number (compared with relative tolerance 1e-9,
// since sums depend on the order of additions), BIGINT/HUGEINT -> BigInt (exact), TIMESTAMP ->
// 'YYYY-MM-DD HH:MM:SS' (DuckDB prints '2020-08-10 01:00:00', plume '2020-08-10T01:00'),
// everything else -> the exact text. DuckDB writes an empty string as "" and plume as an empty
// field; the data holds no empty strings (the test checks), so an empty field is NULL on both.
import fs from 'node:fs';

export const kRelTolerance = 1e-9;

// A quoted empty field ("") is an empty string; an unquoted empty field is NULL.
const kQuotedEmpty = '\u0000""';

// Splits one CSV record that starts at text[i]; returns [fields, next index]. Throws on
// malformed quoting.
function ParseRecord(text, i) {
  const fields = [];
  const n = text.length;
  for (;;) {
    if (text[i] === '"') {
      let field = '';
      ++i;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] !== '"') break;
        field += '"';
        ++i;
      }
      fields.push(field === '' ? kQuotedEmpty : field);
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') ++j;
      fields.push(text.slice(i, j));
      i = j;
    }
    if (i >= n || text[i] === '\n' || text[i] === '\r') {
      if (text[i] === '\r') ++i;
      if (text[i] === '\n') ++i;
      return [fields, i];
    }
    if (text[i] !== ',') throw new Error('text after a closing quote');
    ++i;
  }
}

// Splits CSV text into records of unquoted fields (lines without quotes take a fast path).
export function ParseCsv(text) {
  const records = [];
  let i = 0;
  let q = -1;  // the next '"' at or after i (-1: none left), found once per quote, not per line
  while (i < text.length) {
    const eol = text.indexOf('\n', i);
    const end = eol < 0 ? text.length : eol;
    if (q !== -1 && q < i) q = text.indexOf('"', i);
    if (q === -1 && i === 0) q = text.indexOf('"');
    if (q < 0 || q > end) {
      const line = text.slice(i, end > i && text[end - 1] === '\r' ? end - 1 : end);
      records.push(line.split(','));
      i = end + 1;
      continue;
    }
    try {
      const [fields, next] = ParseRecord(text, i);
      records.push(fields);
      i = next;
    } catch (e) {
      throw new Error(`${e.message} in record ${records.length + 1}`);
    }
  }
  return records;
}

// "2020-08-10T01:00", "2020-08-10 01:00:00", "2020-08-10 01:00:00.5" -> "2020-08-10 01:00:00[.5]".
export function NormaliseTimestamp(s) {
  const m = s.match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/);
  if (!m) return `bad-timestamp:${s}`;
  return `${m[1]} ${m[2]}:${m[3]}:${m[4] ?? '00'}${m[5] ?? ''}`;
}

function TypedValue(text, type) {
  if (text === '') return null;
  if (text === kQuotedEmpty) return type === 'VARCHAR' ? '' : `bad-empty:${type}`;
  if (type === 'DOUBLE' || type === 'FLOAT') {
    const v = Number(text);
    return Number.isNaN(v) && text !== 'nan' ? `bad-double:${text}` : v;
  }
  if (type.endsWith('INT')) {
    try {
      return BigInt(text);
    } catch {
      return `bad-integer:${text}`;
    }
  }
  if (type === 'TIMESTAMP') return NormaliseTimestamp(text);
  return text;
}

// Reads one engine's CSV result: {header: [names], rows: [[values]]}.
export function ReadResult(file, types) {
  const records = ParseCsv(fs.readFileSync(file, 'utf8'));
  if (records.length === 0) throw new Error(`${file}: empty (no header line)`);
  const header = records[0].map((f) => (f === kQuotedEmpty ? '' : f));
  const rows = records.slice(1).map((rec, r) => {
    if (rec.length !== types.length) {
      throw new Error(`${file}: row ${r + 1} has ${rec.length} fields, expected ${types.length}`);
    }
    return rec.map((f, c) => TypedValue(f, types[c]));
  });
  return {header, rows};
}

export function ValuesEqual(a, b) {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    return Math.abs(a - b) <= kRelTolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  return false;
}

export function RowsEqual(a, b) {
  return a.length === b.length && a.every((v, i) => ValuesEqual(v, b[i]));
}

export function RowText(row) {
  if (!row) return '-';
  return row.map((v) => (v === null ? 'NULL' : String(v))).join(' | ');
}

function CompareValues(a, b) {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function CompareRows(a, b) {
  for (let i = 0; i < a.length; ++i) {
    const c = CompareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

// Row-by-row comparison; returns up to `limit` differences as text.
export function OrderedDiff(plume_rows, duck_rows, limit = 5) {
  const out = [];
  const n = Math.max(plume_rows.length, duck_rows.length);
  for (let i = 0; i < n && out.length < limit; ++i) {
    if (!plume_rows[i] || !duck_rows[i] || !RowsEqual(plume_rows[i], duck_rows[i])) {
      out.push(`row ${i + 1}: plume [${RowText(plume_rows[i])}] duckdb [${RowText(duck_rows[i])}]`);
    }
  }
  return out;
}

// Multiset difference with tolerance: exact matches by key first, then the rest (rows whose
// doubles differ in the last bits) pairwise after sorting. Returns {only_plume, only_duck}.
export function MultisetDiff(plume_rows, duck_rows) {
  // A column holds one type, so the value's text (NULL aside) identifies it.
  const key = (row) => row.map((v) => (v === null ? '\\N' : v)).join('\x1f');
  const counts = new Map();
  for (const r of duck_rows) {
    const k = key(r);
    const e = counts.get(k);
    if (e)
      e.push(r);
    else
      counts.set(k, [r]);
  }
  const only_plume = [];
  for (const r of plume_rows) {
    const e = counts.get(key(r));
    if (e && e.length > 0)
      e.pop();
    else
      only_plume.push(r);
  }
  const only_duck = [];
  for (const e of counts.values()) only_duck.push(...e);
  if (only_plume.length === 0 || only_duck.length === 0) return {only_plume, only_duck};
  only_plume.sort(CompareRows);
  only_duck.sort(CompareRows);
  const left = {only_plume: [], only_duck: []};
  let i = 0, j = 0;
  while (i < only_plume.length || j < only_duck.length) {
    const a = only_plume[i], b = only_duck[j];
    if (a && b && RowsEqual(a, b)) {
      ++i;
      ++j;
    } else if (a && (!b || CompareRows(a, b) < 0)) {
      left.only_plume.push(a);
      ++i;
    } else {
      left.only_duck.push(b);
      ++j;
    }
  }
  return left;
}

export function Column(rows, header, names) {
  const idx = names.map((n) => header.indexOf(n));
  const missing = names.filter((n, i) => idx[i] < 0);
  if (missing.length > 0)
    throw new Error(`@keys column(s) ${missing.join(', ')} not in the result`);
  return rows.map((r) => idx.map((i) => r[i]));
}
