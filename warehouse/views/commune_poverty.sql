-- One row per commune and year, summed from its villages' current lists; rates are computed
-- from the totals, never summed. total_persons is null when any village did not report it.
with villages as (
    select * from village_poverty
),

communes as (
    select code as commune_code, name as commune_name, parent_code as district_code
    from admin_units
    where level = 'commune'
),

totals as (
    select
        commune_code,
        year,
        count(*) as village_count,
        sum(total_households)::bigint as total_households,
        case when count(total_persons) = count(*) then sum(total_persons)::bigint end as total_persons,
        sum(poor_households)::bigint as poor_households,
        sum(near_poor_households)::bigint as near_poor_households,
        sum(average_households)::bigint as average_households,
        sum(poor_persons)::bigint as poor_persons,
        sum(near_poor_persons)::bigint as near_poor_persons,
        sum(average_persons)::bigint as average_persons
    from villages
    group by commune_code, year
),

final as (
    select
        t.commune_code,
        c.commune_name,
        c.district_code,
        t.year,
        t.village_count,
        t.total_households,
        t.total_persons,
        t.poor_households,
        rate_pct(t.poor_households, t.total_households) as poor_rate_pct,
        t.near_poor_households,
        rate_pct(t.near_poor_households, t.total_households) as near_poor_rate_pct,
        t.average_households,
        rate_pct(t.average_households, t.total_households) as average_rate_pct,
        t.poor_persons,
        rate_pct(t.poor_persons, t.total_persons) as poor_persons_rate_pct,
        t.near_poor_persons,
        rate_pct(t.near_poor_persons, t.total_persons) as near_poor_persons_rate_pct,
        t.average_persons,
        rate_pct(t.average_persons, t.total_persons) as average_persons_rate_pct
    from totals as t
    left join communes as c using (commune_code)
)

select * from final
