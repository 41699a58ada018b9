-- Per-commune figures of the given years, for a run's summary.
select
    commune_code,
    commune_name,
    year,
    village_count,
    total_households,
    poor_households,
    poor_rate_pct,
    near_poor_households,
    near_poor_rate_pct
from commune_poverty
where year in (select unnest($years::integer[]))
order by year, commune_code
