-- `giamngheo demo`: the figures of the given years on today's communes (each year's lists
-- summed onto the commune their village belongs to now; no commune: not yet assigned).
select
    coalesce(commune_code, '') as commune_code,
    coalesce(commune_name, '(chưa thuộc xã nào)') as commune_name,
    year,
    total_households,
    poor_households,
    poor_rate_pct
from commune_poverty_current_units
where year in (select unnest($years::integer[]))
order by commune_code nulls last, year
