-- Submissions `giamngheo rerun --failed` reads again: every rejected one.
select submission_id, file_path, sha256, status
from submissions
where status = 'rejected'
