-- Accepted summaries (every year) of some villages, for the year-over-year checks, with the
-- standard each list was classed under.
select village_code, year, total_households, poor_households, poor_rate_pct, standard_id
from village_poverty
where village_code in (select unnest($villages::varchar[]))
