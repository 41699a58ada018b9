-- A village whose target cell its commune's plan left blank was given no target: its row, which
-- earlier versions stored with 0 households, goes (a blank target is not a target of 0).
delete from plan_targets as t
where t.source <> 'planner'
    and t.target_households = 0
    and exists (
        select 1
        from plan_rows as p
        inner join submissions as s using (submission_id)
        where s.status = 'loaded'
            and s.file_path = t.source
            and p.village_code = t.village_code
            and p.year = t.year
            and p.target_households is null
    );
