-- One row per commune and year, summed from its villages' current lists; rates are computed
-- from the totals, never summed. total_persons is null when any village did not report it.
with villages as (
    select * from village_poverty
),

communes as (
    select
        c.code as commune_code,
        c.name as commune_name,
        c.valid_from,
        c.valid_to,
        c.parent_code,
        p.level as parent_level,
        p.parent_code as grandparent_code,
        p.valid_from as parent_from,
        p.valid_to as parent_to
    from admin_units as c
    left join admin_units as p on p.code = c.parent_code
    where c.level = 'commune'
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
        sum(average_persons)::bigint as average_persons,
        -- under the province's own standard, where it has one (null elsewhere)
        sum(local_poor_households)::bigint as local_poor_households,
        sum(local_near_poor_households)::bigint as local_near_poor_households
    from villages
    group by commune_code, year
),

final as (
    select
        t.commune_code,
        c.commune_name,
        case when c.parent_level = 'district' then c.parent_code end as district_code,
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
        rate_pct(t.average_persons, t.total_persons) as average_persons_rate_pct,
        t.local_poor_households,
        rate_pct(t.local_poor_households, t.total_households) as local_poor_rate_pct,
        t.local_near_poor_households,
        rate_pct(t.local_near_poor_households, t.total_households) as local_near_poor_rate_pct,
        -- since July 2025 a commune belongs to its province directly
        case
            when c.parent_level = 'province' then c.parent_code else c.grandparent_code
        end as province_code
    from totals as t
    left join communes as c
        on c.commune_code = t.commune_code
        and in_force(c.valid_from, c.valid_to, t.year)
        and (c.parent_level is null or in_force(c.parent_from, c.parent_to, t.year))
)

select * from final
