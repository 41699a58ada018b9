-- The planner's targets for a commune and year, from the frame registered as planned.
delete from plan_targets where commune_code = $commune and year = $year;
insert into plan_targets by name
select commune_code, village_code, year, target_households::integer as target_households, source
from planned;
