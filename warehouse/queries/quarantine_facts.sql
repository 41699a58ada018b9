-- What a quarantine folder needs of each submission: its status, its file and its issues.
select s.submission_id, s.status, s.file_path, s.sha256, i.* exclude (submission_id)
from submissions as s
left join issues as i using (submission_id)
where s.submission_id in (select unnest($ids::varchar[]))
order by s.submission_id
