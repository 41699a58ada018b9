-- Accepted summaries (every year) of some villages, for the year-over-year checks.
select village_code, year, total_households, poor_households, poor_rate_pct
from village_poverty
where village_code in (select unnest($villages::varchar[]))
