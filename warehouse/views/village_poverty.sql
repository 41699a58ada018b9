-- One row per village and year: households and persons by class, with rates (2 decimals,
-- rounded half up). Villages whose list names no household have zero counts. The average-living
-- counts are null where the list's standard has not published that band (2027–2030, so far).
-- Under a province's own standard (local_standard_id), its poor and near-poor counts beside.
with reports as (
    select r.*
    from village_reports as r
    inner join submissions as s using (submission_id)
    where s.status = 'loaded'
),

villages as (
    select
        code as village_code,
        name as village_name,
        parent_code as commune_code,
        valid_from,
        valid_to
    from admin_units
    where level = 'village'
),

counts as (
    select
        submission_id,
        count(*) filter (where poverty_class = 'poor') as poor_households,
        count(*) filter (where poverty_class = 'near_poor') as near_poor_households,
        count(*) filter (where poverty_class = 'average') as average_households,
        coalesce(sum(members) filter (where poverty_class = 'poor'), 0)::bigint as poor_persons,
        coalesce(sum(members) filter (where poverty_class = 'near_poor'), 0)::bigint as near_poor_persons,
        coalesce(sum(members) filter (where poverty_class = 'average'), 0)::bigint as average_persons,
        count(*) filter (where local_class = 'poor') as local_poor_households,
        count(*) filter (where local_class = 'near_poor') as local_near_poor_households
    from households_current
    group by submission_id
),

bands as (
    select standard_id, area, average_upper_vnd is not null as average_published
    from standards
),

joined as (
    select
        r.village_code,
        v.village_name,
        v.commune_code,
        r.year,
        r.area,
        r.submission_id,
        r.total_households,
        r.total_persons,
        r.standard_id,
        r.local_standard_id,
        coalesce(c.poor_households, 0) as poor_households,
        coalesce(c.near_poor_households, 0) as near_poor_households,
        case when coalesce(b.average_published, true) then coalesce(c.average_households, 0) end
            as average_households,
        coalesce(c.poor_persons, 0) as poor_persons,
        coalesce(c.near_poor_persons, 0) as near_poor_persons,
        case when coalesce(b.average_published, true) then coalesce(c.average_persons, 0) end
            as average_persons,
        case when r.local_standard_id is not null then coalesce(c.local_poor_households, 0) end
            as local_poor_households,
        case when r.local_standard_id is not null then coalesce(c.local_near_poor_households, 0) end
            as local_near_poor_households
    from reports as r
    left join villages as v
        on v.village_code = r.village_code and in_force(v.valid_from, v.valid_to, r.year)
    left join counts as c using (submission_id)
    left join bands as b on b.standard_id = r.standard_id and b.area = r.area
),

final as (
    select
        *,
        rate_pct(poor_households, total_households) as poor_rate_pct,
        rate_pct(near_poor_households, total_households) as near_poor_rate_pct,
        rate_pct(average_households, total_households) as average_rate_pct,
        rate_pct(poor_persons, total_persons) as poor_persons_rate_pct,
        rate_pct(near_poor_persons, total_persons) as near_poor_persons_rate_pct,
        rate_pct(average_persons, total_persons) as average_persons_rate_pct,
        rate_pct(local_poor_households, total_households) as local_poor_rate_pct,
        rate_pct(local_near_poor_households, total_households) as local_near_poor_rate_pct
    from joined
)

select * from final
