-- Plans outside the batch whose villages changed ($plans): their findings that depend on the
-- village lists ($codes) are replaced by the ones just computed (registered as
-- reevaluated_issues), and their issue counts follow.
delete from issues
where code in (select unnest($codes::varchar[]))
    and submission_id in (select unnest($plans::varchar[]))
    and submission_id not in (select submission_id from batch_submissions);
insert into issues by name
select * from reevaluated_issues
where submission_id in (select unnest($plans::varchar[]))
    and submission_id not in (select submission_id from batch_submissions);
update submissions as s set
    warning_count = (
        select count(*) from issues as i
        where i.submission_id = s.submission_id and i.severity = 'warning'
    ),
    error_count = (
        select count(*) from issues as i
        where i.submission_id = s.submission_id and i.severity = 'error'
    )
where s.submission_id in (select unnest($plans::varchar[]))
    and s.submission_id not in (select submission_id from batch_submissions);
