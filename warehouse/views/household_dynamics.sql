-- Year-over-year movements (diễn biến) of poor and near-poor households, per village and year,
-- followed by household_key (the stable Mã hộ). One row per village, year, status
-- (poor | near_poor) and measure (households | persons). Official columns of "Tổng hợp diễn
-- biến hộ nghèo": 1 start, 2 out_improved_to_near_poor, 3 out_above_near_poor, 4 out_other,
-- 5 in_from_near_poor, 6 in_returning, 7 in_new, 8 in_other, 9 end. Of "… hộ cận nghèo":
-- 1 start, 2 out_above_near_poor, 3 out_to_poor, 4 out_other, 5 in_from_poor, 6 in_returning,
-- 7 in_new, 8 in_other, 9 end. end = start − outs + ins holds for every row. A household
-- leaves poverty (columns 2 and 3) only when this year's list shows it with a better class; a
-- household absent from this year's lists counts as "giảm khác" (column 4), never as an exit.
with lists as (
    select r.village_code, r.year
    from village_reports as r
    inner join submissions as s using (submission_id)
    where s.status = 'loaded'
),

pairs as (
    select cur.village_code, cur.year
    from lists as cur
    inner join lists as prev
        on prev.village_code = cur.village_code and prev.year = cur.year - 1
),

h as (
    select village_code, year, household_key, poverty_class, members
    from households_current
),

statuses as (
    select * from (values ('poor', 'near_poor'), ('near_poor', 'poor')) as t (status, other)
),

starts as (
    select
        p.village_code,
        p.year,
        st.status,
        a.members as before_members,
        b.members as after_members,
        case
            when b.village_code = p.village_code and b.poverty_class = st.status then 'stays'
            -- absent from this year's lists (dropped, not reviewed): not an exit
            when b.household_key is null then 'out_other'
            when b.village_code <> p.village_code then 'out_other'
            when b.poverty_class = st.other and st.status = 'poor' then 'out_improved_to_near_poor'
            when b.poverty_class = st.other then 'out_to_poor'
            else 'out_above_near_poor'
        end as movement
    from pairs as p
    cross join statuses as st
    inner join h as a
        on a.village_code = p.village_code and a.year = p.year - 1 and a.poverty_class = st.status
    left join h as b on b.household_key = a.household_key and b.year = p.year
),

ends as (
    select
        p.village_code,
        p.year,
        st.status,
        b.members as after_members,
        case
            when a.village_code = p.village_code and a.poverty_class = st.status then 'stays'
            when a.village_code is not null and a.village_code <> p.village_code then 'in_other'
            when a.poverty_class = st.other and st.status = 'poor' then 'in_from_near_poor'
            when a.poverty_class = st.other then 'in_from_poor'
            when exists (
                select 1 from h as e
                where e.household_key = b.household_key and e.year < p.year - 1
                  and e.poverty_class = st.status
            ) then 'in_returning'
            else 'in_new'
        end as movement
    from pairs as p
    cross join statuses as st
    inner join h as b
        on b.village_code = p.village_code and b.year = p.year and b.poverty_class = st.status
    left join h as a on a.household_key = b.household_key and a.year = p.year - 1
),

-- A household that stays changes the persons count by its change in members (giảm/tăng khác).
moves as (
    select village_code, year, status, movement, 1 as households, before_members as persons
    from starts where movement <> 'stays'
    union all
    select village_code, year, status, movement, 1, after_members
    from ends where movement <> 'stays'
    union all
    select village_code, year, status,
        case when before_members > after_members then 'out_other' else 'in_other' end,
        0, abs(before_members - after_members)
    from starts where movement = 'stays' and before_members <> after_members
    union all
    select village_code, year, status, 'start', 1, before_members from starts
    union all
    select village_code, year, status, 'end', 1, after_members from ends
),

units as (
    select p.village_code, p.year, st.status, m.measure
    from pairs as p
    cross join statuses as st
    cross join (values ('households'), ('persons')) as m (measure)
),

valued as (
    select
        u.village_code,
        u.year,
        u.status,
        u.measure,
        m.movement,
        case when u.measure = 'households' then m.households else m.persons end as amount
    from units as u
    left join moves as m using (village_code, year, status)
),

counted as (
    select
        village_code,
        year,
        status,
        measure,
        coalesce(sum(amount) filter (where movement = 'start'), 0)::bigint as start,
        coalesce(sum(amount) filter (where movement = 'out_improved_to_near_poor'), 0)::bigint
            as out_improved_to_near_poor,
        coalesce(sum(amount) filter (where movement = 'out_above_near_poor'), 0)::bigint
            as out_above_near_poor,
        coalesce(sum(amount) filter (where movement = 'out_to_poor'), 0)::bigint as out_to_poor,
        coalesce(sum(amount) filter (where movement = 'out_other'), 0)::bigint as out_other,
        coalesce(sum(amount) filter (where movement = 'in_from_near_poor'), 0)::bigint
            as in_from_near_poor,
        coalesce(sum(amount) filter (where movement = 'in_from_poor'), 0)::bigint as in_from_poor,
        coalesce(sum(amount) filter (where movement = 'in_returning'), 0)::bigint as in_returning,
        coalesce(sum(amount) filter (where movement = 'in_new'), 0)::bigint as in_new,
        coalesce(sum(amount) filter (where movement = 'in_other'), 0)::bigint as in_other,
        coalesce(sum(amount) filter (where movement = 'end'), 0)::bigint as "end"
    from valued
    group by village_code, year, status, measure
),

final as (
    select
        c.*,
        v.parent_code as commune_code,
        c.start - c.out_improved_to_near_poor - c.out_above_near_poor - c.out_to_poor
            - c.out_other + c.in_from_near_poor + c.in_from_poor + c.in_returning + c.in_new
            + c.in_other = c."end" as balances
    from counted as c
    left join admin_units as v
        on v.code = c.village_code and in_force(v.valid_from, v.valid_to, c.year)
)

select * from final
