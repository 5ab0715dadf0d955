-- Multi-stage statements (docs/SQL.md "WITH and subqueries"): CTEs, subqueries in FROM, scalar
-- and IN subqueries, run by plume as stages (engine/staged.h) and by DuckDB, compared as
-- suite.sql (ctest duckdb.multistage.N runs them at 2, 3, 6 and 8 ranks).

-- ---------------------------------------------------------------- WITH
-- Days over the 35 ug/m3 24-hour PM2.5 standard per site: an aggregate of an aggregate.
WITH daily AS (SELECT site_name, CAST(utc AS DATE) AS d, avg(concentration) AS c FROM measurements WHERE parameter = 'PM2.5' GROUP BY site_name, d) SELECT site_name, count(*) FROM daily WHERE c > 35 GROUP BY site_name;
-- @ordered
WITH daily AS (SELECT site_name, CAST(utc AS DATE) AS d, avg(concentration) AS c FROM measurements WHERE parameter = 'PM2.5' GROUP BY site_name, d) SELECT d, count(*) AS sites, max(c) FROM daily WHERE c > 35 GROUP BY d ORDER BY d;
-- @ordered
WITH a AS (SELECT site_name, parameter, aqi FROM measurements WHERE aqi > 150), b AS (SELECT site_name, count(*) AS n, max(aqi) AS top FROM a GROUP BY site_name) SELECT n, count(*) AS sites, max(top) FROM b GROUP BY n ORDER BY n;
-- @keys utc
WITH s AS (SELECT site_name AS name, utc, aqi FROM measurements WHERE site_name = '${SITE_TOP}') SELECT * FROM s WHERE aqi IS NOT NULL ORDER BY utc;
WITH s AS (SELECT * FROM measurements WHERE parameter = 'CO') SELECT s.site_name, count(*) FROM s GROUP BY s.site_name;
WITH t AS (SELECT parameter, unit, count(*) AS n FROM measurements GROUP BY parameter, unit) SELECT * FROM t;
WITH t AS (SELECT utc, aqi > 100 AS unhealthy FROM measurements WHERE parameter = 'OZONE') SELECT unhealthy, count(*) FROM t GROUP BY unhealthy;
WITH t AS (SELECT CAST(utc AS DATE) AS d, concentration FROM measurements WHERE parameter = 'PM10') SELECT count(*) FROM t WHERE d >= DATE '${DAY}' AND concentration > 50;
WITH unused AS (SELECT * FROM measurements), t AS (SELECT max(aqi) AS m FROM measurements) SELECT m FROM t;
WITH t AS (SELECT site_name, aqi FROM measurements WHERE aqi > 250) SELECT count(*) FROM t WHERE site_name IN (SELECT site_name FROM t WHERE aqi > 400);
-- @ordered
WITH t AS (SELECT site_name, utc, aqi FROM measurements WHERE aqi > 200) SELECT site_name, utc, aqi FROM t ORDER BY aqi DESC, utc, site_name LIMIT 7;
WITH t AS (SELECT site_name, aqi FROM measurements ORDER BY aqi DESC NULLS LAST, site_name, utc LIMIT 20) SELECT site_name, sum(aqi) FROM t GROUP BY site_name;
WITH t AS (SELECT DISTINCT parameter FROM measurements) SELECT count(*) FROM t;
WITH t AS (SELECT parameter, avg(concentration) AS c FROM measurements GROUP BY parameter) SELECT parameter, round(c, 3) FROM t WHERE c IS NOT NULL;
WITH t AS (SELECT * FROM measurements WHERE aqi > 1000) SELECT count(*), max(aqi) FROM t;
-- A HUGEINT (the sums) as the next stage's GROUP BY and DISTINCT key and aggregate input.
-- @ordered
WITH t AS (SELECT site_name, sum(aqi) AS s FROM measurements GROUP BY site_name) SELECT s, count(*) FROM t GROUP BY s ORDER BY s NULLS FIRST LIMIT 20;
WITH t AS (SELECT site_name, parameter, sum(aqi) AS s FROM measurements GROUP BY ALL) SELECT parameter, count(DISTINCT s), sum(DISTINCT s), quantile_disc(s, 0.9), arg_max(site_name, s) FROM t GROUP BY parameter;
SELECT s, count(*) FROM (SELECT sum(aqi) OVER (PARTITION BY site_name) AS s FROM measurements) GROUP BY s;
-- @error
WITH nope AS (SELECT aqi FROM measurements) SELECT utc FROM nope;
-- @error
WITH a AS (SELECT * FROM b), b AS (SELECT aqi FROM measurements) SELECT * FROM a;

-- ---------------------------------------------------------------- subqueries in FROM
SELECT n, count(*) FROM (SELECT site_name, count(*) AS n FROM measurements GROUP BY site_name) GROUP BY n;
SELECT x.parameter, x.n FROM (SELECT parameter, count(*) AS n FROM measurements GROUP BY parameter) AS x WHERE x.n > 1000;
SELECT * FROM (SELECT site_name, max(aqi) AS top FROM measurements GROUP BY site_name) t WHERE top > 300;
SELECT count(*) FROM (SELECT DISTINCT site_name, parameter FROM measurements);
SELECT avg(n) FROM (SELECT utc, count(*) AS n FROM measurements WHERE aqi > 150 GROUP BY utc);
-- @ordered
SELECT p, c FROM (SELECT parameter AS p, count(*) AS c FROM (SELECT parameter FROM measurements WHERE aqi > 100) GROUP BY p) ORDER BY c DESC;

-- ---------------------------------------------------------------- scalar subqueries
SELECT count(*) FROM measurements WHERE aqi > (SELECT avg(aqi) FROM measurements);
SELECT site_name, utc, aqi FROM measurements WHERE aqi = (SELECT max(aqi) FROM measurements);
SELECT parameter, count(*) FROM measurements WHERE utc = (SELECT max(utc) FROM measurements) GROUP BY parameter;
SELECT parameter, max(aqi) - (SELECT min(aqi) FROM measurements) AS spread FROM measurements GROUP BY parameter;
SELECT count(*) FROM measurements WHERE concentration > (SELECT avg(concentration) FROM measurements WHERE parameter = 'PM2.5') AND parameter = 'PM2.5';
SELECT count(*) FROM measurements WHERE aqi > (SELECT aqi FROM measurements WHERE aqi > 100000);
-- @error
SELECT count(*) FROM measurements WHERE aqi > (SELECT aqi FROM measurements);
-- @error
SELECT count(*) FROM measurements WHERE aqi > (SELECT aqi, utc FROM measurements LIMIT 1);

-- ---------------------------------------------------------------- IN (subquery)
SELECT count(*) FROM measurements WHERE site_name IN (SELECT site_name FROM measurements WHERE aqi > 400);
SELECT parameter, count(*) FROM measurements WHERE site_name NOT IN (SELECT site_name FROM measurements WHERE aqi > 150) GROUP BY parameter;
SELECT count(*) FROM measurements WHERE aqi IN (SELECT aqi FROM measurements WHERE site_name = '${SITE_TOP}');
SELECT count(*) FROM measurements WHERE site_name IN (SELECT site_name FROM measurements WHERE aqi > 100000);
SELECT count(*) FROM measurements WHERE site_name NOT IN (SELECT site_name FROM measurements WHERE aqi > 100000);
SELECT count(*) FROM measurements WHERE utc IN (SELECT max(utc) FROM measurements GROUP BY parameter);

-- ---------------------------------------------------------------- window functions
-- Every site's series spans several partitions (they are utc ranges): the data ranks exchange
-- the window's rows by their PARTITION BY keys (docs/SQL.md "Window functions"), so partitions
-- and frames cross partition boundaries at every world size.
-- Ozone's 8-hour rolling mean per site. Frames by position need a total order: site names are
-- not unique (5,493 (site_name, parameter, utc) repeat), full_aqs_id is.
SELECT site_name, utc, avg(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS o8 FROM measurements WHERE parameter = 'OZONE' AND site_name LIKE 'A%';
-- The top three sites of every hour by AQI (ties share a rank).
SELECT utc, site_name, aqi FROM measurements WHERE parameter = 'PM2.5' AND aqi IS NOT NULL QUALIFY rank() OVER (PARTITION BY utc ORDER BY aqi DESC) <= 3;
-- The previous reading of a site.
SELECT site_name, utc, concentration, lag(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS prev FROM measurements WHERE site_name = '${SITE_TOP}';
SELECT site_name, utc, lead(aqi, 2) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS next2 FROM measurements WHERE parameter = 'PM10';
SELECT site_name, utc, row_number() OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS n, dense_rank() OVER (PARTITION BY parameter ORDER BY CAST(utc AS DATE)) AS day FROM measurements WHERE parameter = 'CO';
SELECT site_name, utc, sum(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS running, count(*) OVER (PARTITION BY site_name, parameter) AS n, max(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING) AS m FROM measurements WHERE parameter = 'SO2';
SELECT site_name, utc, first_value(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS f, last_value(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS l, min(concentration) OVER (PARTITION BY site_name, parameter) AS lo FROM measurements WHERE parameter = 'NO2';
-- min/max windows over every row: one partition of all 1,167,525 rows (OVER ()), a running max
-- per series and a 49-hour sliding min (linear: a scan of each frame took minutes).
SELECT count(*), min(m), max(m), avg(r), min(w), avg(w) FROM (SELECT max(aqi) OVER () AS m, max(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS r, min(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 24 PRECEDING AND 24 FOLLOWING) AS w FROM measurements) t;
SELECT site_name, utc, ntile(4) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS q FROM measurements WHERE parameter = 'OZONE' AND agency = '${AGENCY_TOP}';
WITH top AS (SELECT parameter, site_name, aqi FROM measurements WHERE aqi IS NOT NULL QUALIFY row_number() OVER (PARTITION BY site_name, parameter ORDER BY aqi DESC, utc) = 1) SELECT parameter, count(*), max(aqi) FROM top GROUP BY parameter;
-- Windows after GROUP BY and HAVING, as DuckDB computes them.
SELECT site_name, count(*), rank() OVER (ORDER BY site_name) FROM measurements GROUP BY site_name;
SELECT site_name, avg(aqi), rank() OVER (ORDER BY avg(aqi) DESC) FROM measurements WHERE parameter = 'PM2.5' GROUP BY site_name HAVING count(*) > 100;
-- @ordered
SELECT utc, site_name, aqi, rank() OVER (ORDER BY aqi DESC) AS r FROM measurements WHERE aqi > 300 ORDER BY r, utc, site_name LIMIT 20;
WITH daily AS (SELECT site_name, CAST(utc AS DATE) AS d, avg(concentration) AS c FROM measurements WHERE parameter = 'PM2.5' GROUP BY site_name, d) SELECT site_name, d, c, avg(c) OVER (PARTITION BY site_name ORDER BY d ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS c3 FROM daily;
-- Windows over a CTE's or subquery's aggregate run on the data ranks: the aggregate's final
-- groups stay where its exchange put them, hashed by the windows' PARTITION BY keys (site_name,
-- d), or all on one data rank (no PARTITION BY), or take a second exchange (PARTITION BY n, an
-- aggregate, not a GROUP BY key).
WITH daily AS (SELECT site_name, CAST(utc AS DATE) AS d, avg(concentration) AS c FROM measurements WHERE parameter = 'PM2.5' GROUP BY site_name, d) SELECT d, site_name, c FROM daily QUALIFY rank() OVER (PARTITION BY d ORDER BY c DESC) <= 3;
WITH daily AS (SELECT site_name, parameter, CAST(utc AS DATE) AS d, max(aqi) AS m FROM measurements WHERE aqi IS NOT NULL GROUP BY ALL) SELECT site_name, parameter, d, m, m - lag(m) OVER (PARTITION BY site_name, parameter ORDER BY d) AS rise, dense_rank() OVER (PARTITION BY parameter, site_name ORDER BY m DESC) AS k FROM daily WHERE site_name LIKE 'B%';
WITH t AS (SELECT site_name, parameter, count(*) AS n FROM measurements GROUP BY ALL) SELECT site_name, parameter, n, rank() OVER (PARTITION BY n ORDER BY site_name, parameter) AS r FROM t;
SELECT site_name, m, row_number() OVER (ORDER BY m DESC, site_name) AS r FROM (SELECT site_name, max(aqi) AS m FROM measurements WHERE parameter = 'OZONE' GROUP BY site_name HAVING count(*) > 500);
SELECT site_name, count(*), max(c3) FROM (SELECT site_name, avg(c) OVER (PARTITION BY site_name ORDER BY d ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS c3 FROM (SELECT site_name, CAST(utc AS DATE) AS d, avg(concentration) AS c FROM measurements WHERE parameter = 'PM2.5' GROUP BY ALL)) WHERE c3 > 35 GROUP BY site_name;
-- Windows partitioned differently in one SELECT: hashed by the keys they share (parameter).
SELECT site_name, utc, lag(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS p, count(*) OVER (PARTITION BY parameter, CAST(utc AS DATE)) AS n FROM measurements WHERE parameter IN ('SO2', 'CO');
-- No key in common: every row to one data rank.
SELECT site_name, utc, row_number() OVER (PARTITION BY full_aqs_id ORDER BY utc) AS k, sum(aqi) OVER (PARTITION BY utc) AS s FROM measurements WHERE parameter = 'NO2' AND aqi > 20;
-- After the window on the data ranks: WHERE, ORDER BY and LIMIT of the outer query.
-- @ordered
SELECT full_aqs_id, utc, o8 FROM (SELECT full_aqs_id, utc, avg(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS o8 FROM measurements WHERE parameter = 'OZONE') WHERE o8 > 60 ORDER BY o8 DESC, full_aqs_id, utc LIMIT 25;
-- Windows partitioned by utc or a day / hour bucket of it are partition-local over the day cuts
-- (no exchange: each data rank computes its own partition's windows); EXPLAIN says which.
SELECT utc, site_name, aqi FROM measurements WHERE parameter = 'PM10' AND aqi IS NOT NULL QUALIFY dense_rank() OVER (PARTITION BY date_trunc('hour', utc) ORDER BY aqi DESC) = 1;
SELECT d, count(*), max(aqi) FROM (SELECT CAST(utc AS DATE) AS d, aqi, rank() OVER (PARTITION BY CAST(utc AS DATE) ORDER BY aqi DESC) AS r FROM measurements WHERE parameter = 'OZONE' AND aqi IS NOT NULL) WHERE r <= 5 GROUP BY d;
-- Aggregates over window results run on the data ranks that computed the windows (the subquery
-- that filters them too); only the partial groups travel.
SELECT count(*) FROM (SELECT full_aqs_id, utc, lag(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS prev FROM measurements WHERE parameter = 'CO') WHERE prev IS NOT NULL;
SELECT parameter, count(*), max(rise), min(rise) FROM (SELECT parameter, aqi - lag(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS rise FROM measurements WHERE parameter IN ('SO2', 'NO2')) WHERE rise > 0 GROUP BY parameter;
WITH w AS (SELECT site_name, utc, row_number() OVER (PARTITION BY utc ORDER BY aqi DESC, full_aqs_id) AS r FROM measurements WHERE aqi IS NOT NULL) SELECT r, count(*) FROM w WHERE r <= 2 GROUP BY r;
-- A GROUP BY over windowed rows with many groups (a site's days) takes the hash exchange
-- between the data ranks, as one over measurements would (EXPLAIN says so); one whose keys
-- include the windows' PARTITION BY keys (or whose windows all ran on one rank) finalizes its
-- groups where they are; few groups (site_name) still merge through the tree. The thresholds
-- (35.003) fall between the 8-row means of one-decimal values, so no mean ties them.
WITH w AS (SELECT full_aqs_id, utc, avg(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS c8 FROM measurements WHERE parameter IN ('PM2.5', 'CO')) SELECT full_aqs_id, CAST(utc AS DATE) AS d, count(*) FILTER (WHERE c8 > 35.003) AS n, count(*) FROM w GROUP BY full_aqs_id, d;
-- @ordered
SELECT full_aqs_id, CAST(utc AS DATE) AS d, max(p) AS top, count(p) FROM (SELECT full_aqs_id, utc, lag(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS p FROM measurements) GROUP BY full_aqs_id, d HAVING count(p) > 20 ORDER BY top DESC, full_aqs_id, d LIMIT 30;
WITH w AS (SELECT full_aqs_id, parameter, utc, aqi, lag(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS p FROM measurements WHERE parameter IN ('SO2', 'NO2')) SELECT full_aqs_id, parameter, CAST(utc AS DATE) AS d, count(*) FILTER (WHERE aqi > p) AS rises FROM w GROUP BY full_aqs_id, parameter, d;
SELECT site_name, d, max(c3), count(*) FROM (SELECT site_name, d, avg(c) OVER (PARTITION BY site_name ORDER BY d ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS c3 FROM (SELECT site_name, CAST(utc AS DATE) AS d, avg(concentration) AS c FROM measurements WHERE parameter = 'PM2.5' GROUP BY ALL)) GROUP BY site_name, d;
SELECT full_aqs_id, CAST(utc AS DATE) AS d, min(r), max(r) FROM (SELECT full_aqs_id, utc, row_number() OVER (ORDER BY utc, full_aqs_id) AS r FROM measurements WHERE parameter = 'CO') GROUP BY full_aqs_id, d;
WITH w AS (SELECT site_name, utc, avg(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS c8 FROM measurements) SELECT site_name, count(*) FILTER (WHERE c8 > 35.003) FROM w GROUP BY site_name;
-- The statement tests/ranks/memory_limit_test.sh spills at --memory-limit 16M (issue 11 item 4):
-- lag and two ROWS frames over every (site_name, parameter) series, totally ordered, counted.
SELECT count(*) AS n, count(l) AS nl, sum(l) AS sl, sum(CAST(s AS BIGINT)) AS ss, round(max(a), 6) AS ma FROM (SELECT lag(aqi) OVER (PARTITION BY site_name, parameter ORDER BY utc, full_aqs_id) AS l, sum(aqi) OVER (PARTITION BY site_name, parameter ORDER BY utc, full_aqs_id ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS s, avg(concentration) OVER (PARTITION BY site_name, parameter ORDER BY utc, full_aqs_id ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS a FROM measurements);
-- @error
SELECT aqi FROM measurements WHERE rank() OVER (ORDER BY aqi) = 1;
-- DISTINCT after the windows and QUALIFY; QUALIFY sees the select list's aliases (a column of
-- the source of that name comes first); GROUP BY a position with windows
SELECT DISTINCT parameter, max(aqi) OVER (PARTITION BY parameter) AS mx, count(*) OVER (PARTITION BY parameter, CAST(utc AS DATE)) AS n FROM measurements;
SELECT DISTINCT site_name, parameter, max(aqi) OVER (PARTITION BY site_name, parameter) AS mx FROM measurements QUALIFY mx > 150;
SELECT site_name, utc, aqi, rank() OVER (PARTITION BY utc ORDER BY aqi DESC) AS r FROM measurements WHERE parameter = 'PM2.5' AND aqi IS NOT NULL QUALIFY r <= 3;
SELECT parameter, utc, rank() OVER (PARTITION BY parameter, CAST(utc AS DATE) ORDER BY concentration DESC, full_aqs_id) AS aqi FROM measurements QUALIFY aqi = 1;
WITH t AS (SELECT parameter AS p, site_name AS s, aqi AS a FROM measurements WHERE aqi IS NOT NULL) SELECT p, s, row_number() OVER (PARTITION BY p ORDER BY a DESC, s) AS a FROM t QUALIFY a = 7;
SELECT parameter, count(*) AS c, rank() OVER (ORDER BY count(*)) AS r FROM measurements GROUP BY 1;
SELECT DISTINCT parameter, count(*) AS c, rank() OVER (ORDER BY count(*)) AS r FROM measurements GROUP BY parameter;
-- lag/lead with a default, cast to the argument's type (0.5 to BIGINT is 1; a per-row default)
SELECT full_aqs_id, parameter, utc, aqi, lag(aqi, 1, 0) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS l, lead(aqi, 2, 0.5) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS ld, lag(concentration, 3, aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS lc, lead(site_name, 1, 'none') OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS ls FROM measurements WHERE parameter IN ('PM2.5', 'CO');
-- @error
SELECT lag(aqi, 1, 'z') OVER (ORDER BY utc, full_aqs_id, parameter) FROM measurements;
-- RANGE frames with offsets: an INTERVAL over a TIMESTAMP (ozone's 8-hour means over the hours
-- that exist), an integer over a number, ascending and descending, NULL keys among them
SELECT full_aqs_id, parameter, utc, avg(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc RANGE BETWEEN INTERVAL 7 HOUR PRECEDING AND CURRENT ROW) AS o8, count(*) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc DESC RANGE BETWEEN INTERVAL '1 day' PRECEDING AND INTERVAL 2 HOURS FOLLOWING) AS c FROM measurements WHERE parameter IN ('OZONE', 'CO');
SELECT parameter, aqi, count(*) OVER (PARTITION BY parameter ORDER BY aqi RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS c, min(concentration) OVER (PARTITION BY parameter ORDER BY aqi DESC RANGE BETWEEN 10 PRECEDING AND 2 PRECEDING) AS lo, sum(aqi) OVER (PARTITION BY parameter ORDER BY aqi NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND 3 FOLLOWING) AS s FROM measurements WHERE site_name LIKE 'S%';
SELECT site_name, concentration, count(*) OVER (PARTITION BY site_name ORDER BY concentration RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS near FROM measurements WHERE parameter = 'PM2.5' AND site_name LIKE 'A%';
-- @error
SELECT sum(aqi) OVER (ORDER BY aqi, utc RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM measurements;
-- percent_rank, cume_dist (peers share a value; one row's partition is 0 and 1) and nth_value
-- (of the frame; a per-row n cast to BIGINT; a NULL, zero, negative or too large n is NULL)
SELECT full_aqs_id, parameter, utc, aqi, percent_rank() OVER (PARTITION BY full_aqs_id, parameter ORDER BY aqi DESC) AS pr, cume_dist() OVER (PARTITION BY full_aqs_id, parameter ORDER BY aqi) AS cd, nth_value(aqi, 3) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS n3, nth_value(site_name, 2) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS n2 FROM measurements WHERE parameter IN ('PM10', 'CO');
SELECT parameter, count(*) AS n, sum(pr) AS spr, sum(cd) AS scd, percent_rank() OVER () AS p0, cume_dist() OVER () AS c0 FROM (SELECT parameter, percent_rank() OVER (PARTITION BY utc ORDER BY concentration) AS pr, cume_dist() OVER (PARTITION BY site_name, parameter ORDER BY aqi NULLS FIRST) AS cd FROM measurements) GROUP BY parameter;
SELECT full_aqs_id, parameter, utc, nth_value(concentration, aqi % 4 - 1) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING) AS v, nth_value(aqi, NULL) OVER (PARTITION BY full_aqs_id, parameter) AS z, nth_value(utc, 1.5) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc RANGE BETWEEN INTERVAL 4 HOUR PRECEDING AND CURRENT ROW) AS t FROM measurements WHERE parameter = 'SO2';
-- @error
SELECT nth_value(aqi) OVER (ORDER BY utc) FROM measurements;
-- @error
SELECT percent_rank(aqi) OVER (ORDER BY utc) FROM measurements;
-- named windows: OVER name, OVER (name ...) adding what the named one lacks, a named window
-- building on an earlier one, names case-insensitive, in the select list, QUALIFY and ORDER BY
-- @ordered
SELECT parameter, count(*) AS c, rank() OVER w AS r, sum(count(*)) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM measurements GROUP BY parameter WINDOW w AS (ORDER BY count(*) DESC) ORDER BY r;
SELECT full_aqs_id, parameter, utc, aqi, count(*) OVER w, lag(aqi) OVER v, avg(aqi) OVER (w ORDER BY utc ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM measurements WHERE parameter = 'CO' WINDOW w AS (PARTITION BY full_aqs_id, parameter), v AS (W ORDER BY utc) QUALIFY row_number() OVER v <= 5;
-- DuckDB's OVER (v ...) drops the PARTITION BY that v takes from w (docs/SQL.md)
-- @plume-error
SELECT full_aqs_id, avg(aqi) OVER (v ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM measurements WHERE parameter = 'CO' WINDOW w AS (PARTITION BY full_aqs_id, parameter), v AS (w ORDER BY utc);
-- @ordered
SELECT full_aqs_id, utc, aqi FROM measurements WHERE parameter = 'SO2' AND aqi IS NOT NULL WINDOW w AS (ORDER BY aqi DESC, full_aqs_id, utc) ORDER BY row_number() OVER w LIMIT 5;
-- a window built on one defined after it
SELECT full_aqs_id, utc, sum(aqi) OVER w2 AS s FROM measurements WHERE parameter = 'CO' WINDOW w2 AS (w ORDER BY utc ROWS 2 PRECEDING), w AS (PARTITION BY full_aqs_id, parameter);
-- @error
SELECT sum(aqi) OVER x FROM measurements WINDOW w AS (ORDER BY utc);
-- @error
SELECT sum(aqi) OVER (w ORDER BY utc) FROM measurements WINDOW w AS (ORDER BY aqi);
-- @error
SELECT sum(aqi) OVER (w) FROM measurements WINDOW w AS (ORDER BY aqi ROWS 1 PRECEDING);
-- GROUPS frames (offsets count peer groups; without ORDER BY one group) and EXCLUDE CURRENT
-- ROW / GROUP / TIES / NO OTHERS over every frame kind and function, exact DOUBLE sums included
SELECT full_aqs_id, parameter, utc, aqi, sum(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE CURRENT ROW) AS s, avg(concentration) OVER (PARTITION BY parameter, CAST(utc AS DATE) ORDER BY aqi GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) AS a, count(*) OVER (PARTITION BY full_aqs_id, parameter ORDER BY aqi // 10 RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE TIES) AS c, min(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY aqi // 10 GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES) AS mn, max(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) AS mx, sum(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY aqi RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING EXCLUDE NO OTHERS) AS sc FROM measurements WHERE parameter IN ('SO2', 'CO');
SELECT full_aqs_id, parameter, utc, first_value(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) AS f, last_value(site_name) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc GROUPS BETWEEN CURRENT ROW AND 2 FOLLOWING EXCLUDE CURRENT ROW) AS l, nth_value(concentration, 2) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc GROUPS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE CURRENT ROW) AS n, count(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc GROUPS 3 PRECEDING) AS k FROM measurements WHERE parameter = 'NO2';
SELECT parameter, utc, aqi, count(*) OVER (PARTITION BY parameter GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS n, sum(aqi) OVER (PARTITION BY parameter ORDER BY utc DESC GROUPS BETWEEN 9223372036854775807 PRECEDING AND 3 PRECEDING) AS s, avg(aqi) OVER (PARTITION BY parameter ORDER BY aqi NULLS FIRST GROUPS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING EXCLUDE TIES) AS t FROM measurements WHERE site_name LIKE 'B%';
-- @error
SELECT sum(aqi) OVER (ORDER BY utc ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM measurements;
-- @error
SELECT sum(aqi) OVER (ORDER BY utc ROWS 1 FOLLOWING) FROM measurements;
-- @error
SELECT sum(aqi) OVER (ORDER BY utc GROUPS BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW) FROM measurements;
-- @error
SELECT sum(aqi) OVER (ORDER BY utc ROWS 1 PRECEDING EXCLUDE OTHERS) FROM measurements;
-- RANGE offsets that are decimals (over DOUBLE, integer and DECIMAL keys, exact), over a DATE
-- key (whole days or an INTERVAL); a decimal ROWS or GROUPS count is cast to BIGINT (1.5: 2)
SELECT full_aqs_id, parameter, utc, concentration, count(*) OVER (PARTITION BY parameter, CAST(utc AS DATE) ORDER BY concentration RANGE BETWEEN 0.5 PRECEDING AND 0.25 FOLLOWING) AS near, avg(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY aqi DESC RANGE BETWEEN 2.5 PRECEDING AND 0.50 FOLLOWING) AS a, sum(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY CAST(concentration AS DECIMAL(9,2)) RANGE BETWEEN 1 PRECEDING AND 0.05 FOLLOWING) AS s, count(*) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 1.5 PRECEDING AND 0.4 FOLLOWING) AS r FROM measurements WHERE parameter IN ('CO', 'SO2');
SELECT full_aqs_id, parameter, utc, count(*) OVER (PARTITION BY full_aqs_id, parameter ORDER BY CAST(utc AS DATE) RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS d2, max(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY CAST(utc AS DATE) DESC RANGE BETWEEN INTERVAL 36 HOUR PRECEDING AND INTERVAL 1 DAY FOLLOWING) AS m FROM measurements WHERE parameter = 'NO2';
-- @error
SELECT count(*) OVER (ORDER BY CAST(utc AS DATE) RANGE BETWEEN 0.5 PRECEDING AND CURRENT ROW) FROM measurements;
-- IGNORE NULLS (RESPECT NULLS: the default) for lag, lead, first_value, last_value, nth_value
SELECT full_aqs_id, parameter, utc, aqi, lag(aqi IGNORE NULLS) OVER w AS l, lead(aqi, 2 IGNORE NULLS) OVER w AS ld, lag(aqi, 1, -1 IGNORE NULLS) OVER w AS lf, lag(aqi, 0 IGNORE NULLS) OVER w AS l0, first_value(aqi IGNORE NULLS) OVER (w ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS f, last_value(aqi IGNORE NULLS) OVER w AS lv, nth_value(aqi, 2 IGNORE NULLS) OVER (w ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) AS n, first_value(site_name RESPECT NULLS) OVER w AS fr FROM measurements WHERE parameter IN ('PM10', 'CO') WINDOW w AS (PARTITION BY full_aqs_id, parameter ORDER BY utc);
SELECT parameter, count(*) AS n, count(l) AS nl, sum(l) AS sl, count(v) AS nv FROM (SELECT parameter, lead(aqi IGNORE NULLS) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS l, last_value(aqi IGNORE NULLS) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING) AS v FROM measurements) GROUP BY parameter;
-- @error
SELECT sum(aqi IGNORE NULLS) OVER (ORDER BY utc) FROM measurements;
-- @error
SELECT lag(aqi IGNORE NULLS) FROM measurements;
-- offsets at INT64's largest value, a decimal zero; ntile takes (and ignores) IGNORE NULLS
SELECT full_aqs_id, parameter, utc, sum(aqi) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN CURRENT ROW AND 9223372036854775807 FOLLOWING) AS s, count(*) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc ROWS BETWEEN 9223372036854775807 PRECEDING AND 0.0 PRECEDING) AS c, count(*) OVER (PARTITION BY full_aqs_id, parameter ORDER BY aqi RANGE BETWEEN 0.0 PRECEDING AND 0.00 FOLLOWING) AS p, ntile(3 IGNORE NULLS) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS t FROM measurements WHERE parameter = 'SO2';
-- @error
SELECT sum(aqi RESPECT NULLS) OVER (ORDER BY utc) FROM measurements;
-- @error
SELECT count(*) OVER (ORDER BY CAST(concentration / 1000 AS DECIMAL(38,37)) RANGE BETWEEN 100 PRECEDING AND CURRENT ROW) FROM measurements;
-- ---------------------------------------------------------------- HUGEINT through stages
-- sum of an integer is HUGEINT (docs/SQL.md "HUGEINT"): a CTE's gathered column, a scalar subquery
-- @ordered
WITH t AS (SELECT parameter, sum(aqi) AS s FROM measurements GROUP BY parameter) SELECT parameter, s, s * 2 AS d, typeof(s) AS ts FROM t WHERE s > 10 ORDER BY s;
SELECT (SELECT sum(aqi) FROM measurements) AS x, typeof((SELECT sum(aqi) FROM measurements)) AS t;
