-- The current plan tables of a commune for a year (its own, not the planner's targets), whether
-- or not they set a target for any village.
select distinct file_path as source
from submissions
where kind = 'plan' and status = 'loaded' and commune_code = $commune and year = $year
