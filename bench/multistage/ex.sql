WITH daily AS (SELECT site_name, CAST(utc AS DATE) AS d, avg(concentration) AS c FROM measurements WHERE parameter = 'PM2.5' GROUP BY site_name, d) SELECT site_name, count(*) FROM daily WHERE c > 35 GROUP BY site_name;
SELECT site_name, utc, avg(concentration) OVER (PARTITION BY site_name, parameter ORDER BY utc ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS o8 FROM measurements WHERE parameter = 'OZONE';
SELECT utc, site_name, aqi FROM measurements WHERE aqi IS NOT NULL QUALIFY rank() OVER (PARTITION BY utc ORDER BY aqi DESC) <= 3;
SELECT count(*) FROM (SELECT full_aqs_id, utc, lag(concentration) OVER (PARTITION BY full_aqs_id, parameter ORDER BY utc) AS prev FROM measurements) WHERE prev IS NOT NULL;
WITH daily AS (SELECT site_name, CAST(utc AS DATE) AS d, avg(concentration) AS c FROM measurements WHERE parameter = 'PM2.5' GROUP BY ALL) SELECT site_name, d, avg(c) OVER (PARTITION BY site_name ORDER BY d ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS c3 FROM daily;
