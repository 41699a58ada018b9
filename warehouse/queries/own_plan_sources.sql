-- The plan tables (not the planner) that set a commune's targets for a year.
select distinct source
from plan_targets
where commune_code = $commune and year = $year and source <> 'planner'
