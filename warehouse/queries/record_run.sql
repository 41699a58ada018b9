-- The run that loaded a batch, with how many submissions and households it wrote.
insert into runs (run_id, flow_run_id, loaded_at, submissions, households)
select $run_id, $flow_run_id, current_timestamp, $submissions, count(*)
from households
where submission_id in (select submission_id from batch_submissions)
