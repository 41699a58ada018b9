-- Submissions `giamngheo rerun ID…` reads again.
select submission_id, file_path, sha256, status
from submissions
where submission_id in (select unnest($ids::varchar[]))
