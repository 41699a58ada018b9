-- What a quarantine folder needs of each submission: its status, its file and, when it is
-- rejected, its issues (a submission that is not gets one row, to remove its folder).
select s.submission_id, s.status, s.file_path, s.sha256, i.* exclude (submission_id)
from submissions as s
left join issues as i on i.submission_id = s.submission_id and s.status = 'rejected'
where s.submission_id in (select unnest($ids::varchar[]))
order by s.submission_id
