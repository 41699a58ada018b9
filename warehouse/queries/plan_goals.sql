-- The goal rate each commune's current plan of a year states.
select commune_code, goal_rate_pct, goal_at_most
from submissions
where kind = 'plan' and status = 'loaded' and year = $year and goal_rate_pct is not null
