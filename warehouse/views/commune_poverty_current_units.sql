-- Every year's village lists summed onto today's communes (the rows of the registry still
-- open), so that years on both sides of the 2025 reorganisation compare on the same units. A
-- village that belongs to no commune today (its commune merged in part and the village not
-- yet assigned) is counted in a row with no commune: reported, never dropped.
with villages as (
    select * from village_poverty
),

today as (
    select code as village_code, parent_code as commune_code
    from admin_units
    where level = 'village' and valid_to is null
),

communes as (
    select code as commune_code, name as commune_name, parent_code
    from admin_units
    where level = 'commune' and valid_to is null
),

totals as (
    select
        t.commune_code,
        v.year,
        count(*) as village_count,
        sum(v.total_households)::bigint as total_households,
        case
            when count(v.total_persons) = count(*) then sum(v.total_persons)::bigint
        end as total_persons,
        sum(v.poor_households)::bigint as poor_households,
        sum(v.near_poor_households)::bigint as near_poor_households,
        sum(v.average_households)::bigint as average_households,
        sum(v.poor_persons)::bigint as poor_persons,
        sum(v.near_poor_persons)::bigint as near_poor_persons,
        sum(v.average_persons)::bigint as average_persons,
        -- under the province's own standard, where it has one (null elsewhere)
        sum(v.local_poor_households)::bigint as local_poor_households,
        sum(v.local_near_poor_households)::bigint as local_near_poor_households,
        list(v.village_code order by v.village_code) as village_codes
    from villages as v
    left join today as t using (village_code)
    group by t.commune_code, v.year
),

final as (
    select
        t.commune_code,
        c.commune_name,
        c.parent_code,
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
        t.village_codes
    from totals as t
    left join communes as c using (commune_code)
)

select * from final
