-- Deprivations (thiếu hụt) of poor and of near-poor households, per village, year, status and
-- indicator of the standard the village's list was classed under (each year under its own
-- indicator set): the households of that status, their deprivations in all, and per indicator
-- (number, code, name, dimension) the households deprived and their share of the status's
-- households (rounded half up).
with h as (
    select
        h.village_code,
        h.year,
        h.poverty_class as status,
        h.deprivation_count,
        h.deprivations,
        r.standard_id
    from households_current as h
    inner join village_reports as r using (submission_id)
    where h.poverty_class in ('poor', 'near_poor')
),

by_status as (
    select
        village_code,
        year,
        status,
        standard_id,
        count(*) as households,
        sum(deprivation_count)::bigint as deprivations
    from h
    group by village_code, year, status, standard_id
),

deprived as (
    select village_code, year, status, code, count(*) as deprived_households
    from (select village_code, year, status, unnest(deprivations) as code from h)
    group by village_code, year, status, code
),

final as (
    select
        s.village_code,
        v.parent_code as commune_code,
        s.year,
        s.status,
        s.standard_id,
        s.households,
        s.deprivations,
        i.number as indicator_number,
        i.code as indicator_code,
        i.name as indicator_name,
        i.dimension,
        coalesce(d.deprived_households, 0) as deprived_households,
        rate_pct(coalesce(d.deprived_households, 0), s.households) as deprived_pct
    from by_status as s
    inner join standard_indicators as i using (standard_id)
    left join deprived as d
        on d.village_code = s.village_code
        and d.year = s.year
        and d.status = s.status
        and d.code = i.code
    left join admin_units as v
        on v.code = s.village_code and in_force(v.valid_from, v.valid_to, s.year)
)

select * from final
