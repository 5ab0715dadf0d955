-- The seed system's own queries, as plume statements.
SELECT count(*) FROM measurements WHERE parameter = 'PM2.5';
SELECT * FROM measurements WHERE parameter = 'PM2.5' AND aqi BETWEEN 0 AND 150;
SELECT parameter, count(*), avg(concentration), min(aqi), max(aqi)
  FROM measurements GROUP BY parameter ORDER BY parameter;
SELECT site_name, max(aqi) AS worst FROM measurements
  GROUP BY site_name ORDER BY worst DESC LIMIT 10;
