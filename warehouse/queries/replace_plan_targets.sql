-- A commune's current plan table sets its targets for that year (over the planner's). A village
-- whose target cell the plan left blank was given none: it has no row (a blank is not 0).
delete from plan_targets as t
where exists (
    select 1 from batch_submissions as b
    where b.kind = 'plan' and b.commune_code = t.commune_code and b.year = t.year
);
insert into plan_targets (commune_code, village_code, year, target_households, source)
select
    p.commune_code,
    p.village_code,
    p.year,
    p.target_households::integer,
    s.file_path
from plan_rows as p
inner join submissions as s using (submission_id)
where s.status = 'loaded' and not p.is_total and p.village_code is not null
    and p.target_households is not null
    and exists (
        select 1 from batch_submissions as b
        where b.kind = 'plan' and b.commune_code = p.commune_code and b.year = p.year
    );
