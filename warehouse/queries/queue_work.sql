-- What the run owes once its load commits, recorded in the same transaction: the quarantine
-- folder of every submission of the batch or whose status changed ($changed), and the report
-- of every parent unit whose figures the batch touched: for each list's commune, the year
-- before (its targets' results), its own year and every later year (their movements follow
-- households across years). The snapshot it owes is its run's `published_at`, still null.
insert into pending_work (run_id, kind, submission_id)
select distinct $run_id, 'quarantine', submission_id
from (
    select submission_id from batch_submissions
    union all
    select unnest($changed::varchar[])
);
insert into pending_work (run_id, kind, unit_code, year)
with touched as (
    select distinct b.commune_code, b.year
    from batch_submissions as b
    inner join submissions as s using (submission_id)
    where s.error_count = 0 and b.commune_code is not null and b.year is not null
),

last_year as (
    select greatest(max(year), (select max(year) from touched)) as year from submissions
),

years as (
    select t.commune_code, y.year
    from touched as t
    cross join last_year as l
    cross join range(t.year - 1, l.year + 1) as y (year)
)

select distinct $run_id, 'report', c.parent_code, y.year
from years as y
inner join admin_units as c
    on c.code = y.commune_code and in_force(c.valid_from, c.valid_to, y.year)
where c.parent_code is not null;
