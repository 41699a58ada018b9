-- HH-ID-OTHER-VILLAGE: each household code of the run's lists (relation run_codes:
-- submission_id, source_row, village_code, year, household_code) that another village's list
-- of the same year holds: another list of the run, or a current list of a village the run
-- brings no list for (the run's lists replace those). Only the current households whose code
-- and year are among the run's are read into the join: a corrected file's run against the
-- nation's ten million must not hold them all.
with run as (
    select submission_id, source_row, village_code, year, household_code
    from run_codes
    where household_code is not null and village_code is not null and year is not null
),
held as (
    select distinct village_code, year, household_code from run
    union
    select current.village_code, current.year, current.household_code
    from households_current as current
    semi join run using (year, household_code)
    where current.village_code not in (select village_code from run)
)
select
    run.submission_id,
    run.source_row,
    run.household_code,
    run.year,
    held.village_code as other_village
from run
join held using (year, household_code)
where held.village_code <> run.village_code
