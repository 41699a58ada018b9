-- The current status of some submissions.
select submission_id, status from submissions
where submission_id in (select unnest($ids::varchar[]))
