// The statements both engines run, and how each side runs and delivers them.
//   plume:  'null' -> --format null, 'csv' -> --format csv --output FILE
//   duckdb: 'read' -> runAndReadAll (rows into the client), 'table' -> CREATE TEMP TABLE AS,
//           'copy' -> COPY (sql) TO FILE (HEADER)
//   ordered: the result's row order is part of the answer (ORDER BY); otherwise compared as a
//            multiset. approx: DOUBLE columns are aggregates whose last digits depend on the
//            summation order, compared with a relative tolerance.
export const kSeedSql =
    'SELECT * FROM measurements WHERE parameter = \'PM2.5\' AND aqi BETWEEN 0 AND 150';

export const kCases = [
  {
    name: 'filtered_count',
    title: 'filtered count',
    sql: 'SELECT count(*) FROM measurements WHERE parameter = \'PM2.5\' AND aqi > 100',
    plume: 'null',
    duckdb: 'read',
    ordered: true,
    approx: false,
    target: null,
  },
  {
    name: 'seed_null',
    title: 'seed query, no formatting',
    sql: kSeedSql,
    plume: 'null',
    duckdb: 'table',
    ordered: false,
    approx: false,
    target: 0.2,
  },
  {
    name: 'seed_csv',
    title: 'seed query to CSV file',
    sql: kSeedSql,
    plume: 'csv',
    duckdb: 'copy',
    ordered: false,
    approx: false,
    target: 0.8,
  },
  {
    name: 'group_by',
    title: 'GROUP BY parameter',
    sql: 'SELECT parameter, count(*), avg(concentration), min(aqi), max(aqi) FROM measurements ' +
        'GROUP BY parameter ORDER BY parameter',
    plume: 'null',
    duckdb: 'read',
    ordered: true,
    approx: true,
    target: 1.0,
  },
  {
    name: 'top10_sites',
    title: 'top 10 sites by max AQI',
    sql: 'SELECT site_name, max(aqi) AS max_aqi FROM measurements GROUP BY site_name ' +
        'ORDER BY max_aqi DESC, site_name LIMIT 10',
    plume: 'null',
    duckdb: 'read',
    ordered: true,
    approx: false,
    target: null,
  },
  {
    name: 'select_all_csv',
    title: 'SELECT * to CSV file',
    sql: 'SELECT * FROM measurements',
    plume: 'csv',
    duckdb: 'copy',
    ordered: false,
    approx: false,
    target: null,
  },
];

// Selective statements whose time should not grow with the data (issue 14 item 2: zone maps,
// the partitions' sort order), run by the size series (lib/size_sweep.mjs).
export const kSelectiveCases = [
  {
    name: 'site_day',
    title: 'one site, one day',
    sql: 'SELECT * FROM measurements WHERE site_name = \'Albuquerque Airport\' AND ' +
        'utc >= TIMESTAMP \'2020-09-10 00:00:00\' AND utc < TIMESTAMP \'2020-09-11 00:00:00\'',
    plume: 'null',
    duckdb: 'read',
    ordered: false,
    approx: false,
    target: null,
  },
  {
    name: 'box_hour',
    title: 'lat/lon box, one hour',
    sql: 'SELECT * FROM measurements WHERE latitude BETWEEN 34.0 AND 35.0 AND longitude ' +
        'BETWEEN -107.0 AND -106.0 AND utc = TIMESTAMP \'2020-09-10 13:00:00\'',
    plume: 'null',
    duckdb: 'read',
    ordered: false,
    approx: false,
    target: null,
  },
];
// The hash exchange's cases (issue 10 item 6), run by bench/compare/exchange.mjs with each merge
// plan (--merge tree|exchange|auto); duckdb_side.mjs knows them too (--cases).
export const kExchangeCases = [
  {
    name: 'groups_677k',
    title: '677,000 groups, top 3',
    sql: 'SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc ' +
        'ORDER BY 3 DESC LIMIT 3',
    plume: 'null',
    duckdb: 'read',
    ordered: true,
    approx: false,
    target: 0.7,
  },
  {
    name: 'groups_every_row',
    title: 'every row its own group',
    sql: 'SELECT full_aqs_id, parameter, utc, count(*) AS n FROM measurements GROUP BY ALL',
    plume: 'null',
    duckdb: 'table',
    ordered: false,
    approx: false,
    target: null,
  },
  {
    name: 'groups_distinct',
    title: 'SELECT DISTINCT, many groups',
    sql: 'SELECT DISTINCT site_name, concentration FROM measurements',
    plume: 'null',
    duckdb: 'table',
    ordered: false,
    approx: false,
    target: null,
  },
  {
    // no utc key: the planner's estimate (site dictionaries x unknown latitudes) takes the
    // exchange, though the groups are few
    name: 'groups_site_lat',
    title: 'GROUP BY site_name, round(latitude, 1)',
    sql: 'SELECT site_name, round(latitude, 1) AS lat, count(*) FROM measurements GROUP BY 1, 2',
    plume: 'null',
    duckdb: 'table',
    ordered: false,
    approx: false,
    target: null,
  },
];

export function Median(values) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
