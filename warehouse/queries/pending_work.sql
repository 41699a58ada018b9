-- The work runs still owe (their own, or a killed run's), oldest first.
select kind, submission_id, unit_code, year
from pending_work
order by created_at, kind, submission_id, unit_code, year
