-- Deprivations (thiếu hụt) of poor and of near-poor households, per village, year and status:
-- households of that status, their deprivations in all, and per indicator 1–12 the households
-- deprived (d01 … d12) and their share of the status's households (d01_pct … d12_pct).
with h as (
    select * from households_current where poverty_class in ('poor', 'near_poor')
),

counted as (
    select
        village_code,
        year,
        poverty_class as status,
        count(*) as households,
        sum(deprivation_count)::bigint as deprivations,
        count(*) filter (where d01) as d01, count(*) filter (where d02) as d02,
        count(*) filter (where d03) as d03, count(*) filter (where d04) as d04,
        count(*) filter (where d05) as d05, count(*) filter (where d06) as d06,
        count(*) filter (where d07) as d07, count(*) filter (where d08) as d08,
        count(*) filter (where d09) as d09, count(*) filter (where d10) as d10,
        count(*) filter (where d11) as d11, count(*) filter (where d12) as d12
    from h
    group by village_code, year, poverty_class
),

final as (
    select
        c.village_code,
        v.parent_code as commune_code,
        c.year,
        c.status,
        c.households,
        c.deprivations,
        c.d01, c.d02, c.d03, c.d04, c.d05, c.d06, c.d07, c.d08, c.d09, c.d10, c.d11, c.d12,
        rate_pct(c.d01, c.households) as d01_pct, rate_pct(c.d02, c.households) as d02_pct,
        rate_pct(c.d03, c.households) as d03_pct, rate_pct(c.d04, c.households) as d04_pct,
        rate_pct(c.d05, c.households) as d05_pct, rate_pct(c.d06, c.households) as d06_pct,
        rate_pct(c.d07, c.households) as d07_pct, rate_pct(c.d08, c.households) as d08_pct,
        rate_pct(c.d09, c.households) as d09_pct, rate_pct(c.d10, c.households) as d10_pct,
        rate_pct(c.d11, c.households) as d11_pct, rate_pct(c.d12, c.households) as d12_pct
    from counted as c
    left join admin_units as v
        on v.code = c.village_code and in_force(v.valid_from, v.valid_to, c.year)
)

select * from final
