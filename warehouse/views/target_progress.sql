-- Targets against actual exits, per village and target year Y. The plan for Y starts from
-- the list of Y ("Hộ nghèo năm Y"); the households that actually left poverty during Y show
-- in the list of Y + 1 (household_dynamics, poor, columns 2 + 3). actual_exits is null until
-- that list is loaded.
with targets as (
    select village_code, commune_code, year, target_households, source from plan_targets
),

poor as (
    select village_code, year, poor_households, total_households from village_poverty
),

exits as (
    select village_code, year - 1 as year, out_improved_to_near_poor + out_above_near_poor as actual_exits
    from household_dynamics
    where status = 'poor' and measure = 'households'
),

final as (
    select
        t.village_code,
        t.commune_code,
        t.year,
        t.target_households,
        p.poor_households,
        p.total_households,
        rate_pct(t.target_households, p.total_households) as target_rate_pct,
        e.actual_exits,
        case when e.actual_exits is not null then e.actual_exits >= t.target_households end as met,
        t.source
    from targets as t
    left join poor as p using (village_code, year)
    left join exits as e using (village_code, year)
)

select * from final
