-- Households on the year before's current poor lists that no current list of the year names,
-- in the villages that have a list this year: they count as "giảm khác", not as exits, and
-- the commune should say why. Codes come from the writer's warehouse only.
with before as (
    select village_code, household_key, household_code
    from households_current
    where year = $year - 1 and poverty_class = 'poor'
),

listed_now as (
    select distinct village_code from households_current where year = $year
    union
    select distinct r.village_code
    from village_reports as r
    inner join submissions as s using (submission_id)
    where s.status = 'loaded' and r.year = $year
),

now as (
    select distinct household_key from households_current where year = $year
),

final as (
    select b.village_code, b.household_code
    from before as b
    semi join listed_now as l using (village_code)
    anti join now as n using (household_key)
)

select * from final order by village_code, household_code
