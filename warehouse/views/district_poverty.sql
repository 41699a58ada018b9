-- One row per district and year, summed from its communes; rates from the totals. Years
-- after the districts ended (July 2025) have none: see province_poverty.
with communes as (
    select * from commune_poverty
),

districts as (
    select
        code as district_code,
        name as district_name,
        parent_code as province_code,
        valid_from,
        valid_to
    from admin_units
    where level = 'district'
),

totals as (
    select
        district_code,
        year,
        count(*) as commune_count,
        sum(village_count)::bigint as village_count,
        sum(total_households)::bigint as total_households,
        case when count(total_persons) = count(*) then sum(total_persons)::bigint end as total_persons,
        sum(poor_households)::bigint as poor_households,
        sum(near_poor_households)::bigint as near_poor_households,
        sum(average_households)::bigint as average_households,
        sum(poor_persons)::bigint as poor_persons,
        sum(near_poor_persons)::bigint as near_poor_persons,
        sum(average_persons)::bigint as average_persons,
        -- under the province's own standard, where it has one (null elsewhere)
        sum(local_poor_households)::bigint as local_poor_households,
        sum(local_near_poor_households)::bigint as local_near_poor_households
    from communes
    where district_code is not null  -- no districts after July 2025
    group by district_code, year
),

final as (
    select
        t.district_code,
        d.district_name,
        d.province_code,
        t.year,
        t.commune_count,
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
        rate_pct(t.average_persons, t.total_persons) as average_persons_rate_pct,
        t.local_poor_households,
        rate_pct(t.local_poor_households, t.total_households) as local_poor_rate_pct,
        t.local_near_poor_households,
        rate_pct(t.local_near_poor_households, t.total_households) as local_near_poor_rate_pct
    from totals as t
    left join districts as d
        on d.district_code = t.district_code and in_force(d.valid_from, d.valid_to, t.year)
)

select * from final
