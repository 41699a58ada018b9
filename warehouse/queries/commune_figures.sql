-- Per-commune figures of the communes and years a run's accepted lists belong to (the lists
-- $communes[i] made for $years[i]), for its summary.
select
    p.commune_code,
    p.commune_name,
    p.year,
    p.village_count,
    p.total_households,
    p.poor_households,
    p.poor_rate_pct,
    p.near_poor_households,
    p.near_poor_rate_pct
from commune_poverty as p
semi join (
    select unnest($communes::varchar[]) as commune_code, unnest($years::integer[]) as year
) as touched using (commune_code, year)
order by p.year, p.commune_code
