-- Reporting rate per commune and year: villages the registry expects against villages whose
-- list is loaded, and villages that sent only rejected files.
with villages as (
    select code as village_code, parent_code as commune_code, valid_from, valid_to
    from admin_units
    where level = 'village'
),

years as (
    select distinct year from submissions where year is not null
),

expected as (
    select v.commune_code, y.year, v.village_code
    from villages as v
    inner join years as y on in_force(v.valid_from, v.valid_to, y.year)
),

by_village as (
    select
        village_code,
        year,
        bool_or(status = 'loaded') as loaded,
        bool_or(status = 'rejected') as rejected
    from submissions
    where kind = 'households'
    group by village_code, year
),

counted as (
    select
        e.commune_code,
        e.year,
        count(*) as villages_expected,
        count(*) filter (where b.loaded) as villages_submitted,
        count(*) filter (where b.rejected and not coalesce(b.loaded, false)) as villages_rejected_only,
        count(*) filter (where b.village_code is null) as villages_missing
    from expected as e
    left join by_village as b using (village_code, year)
    group by e.commune_code, e.year
),

final as (
    select
        c.commune_code,
        u.name as commune_name,
        u.parent_code as district_code,
        c.year,
        c.villages_expected,
        c.villages_submitted,
        c.villages_rejected_only,
        c.villages_missing,
        rate_pct(c.villages_submitted, c.villages_expected) as reporting_rate_pct
    from counted as c
    left join admin_units as u
        on u.code = c.commune_code and in_force(u.valid_from, u.valid_to, c.year)
)

select * from final
