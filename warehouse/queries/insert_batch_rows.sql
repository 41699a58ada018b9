-- A batch's rows, from the frames registered as batch_<table>; each submission keeps the
-- place in the order of receipt it had, and a new one comes after every earlier one (inside
-- the batch by modification time, then path).
insert into submissions by name select * exclude (received_seq) from batch_submissions;
update submissions as s set received_seq = k.received_seq
from kept_receipts as k
where s.submission_id = k.submission_id;
update submissions as s set received_seq = n.seq
from (
    select
        submission_id,
        (select coalesce(max(received_seq), 0) from submissions)
        + row_number() over (order by received_at, file_path, submission_id) as seq
    from submissions
    where received_seq is null
) as n
where s.submission_id = n.submission_id;
insert into village_reports by name select * from batch_village_reports;
insert into issues by name select * from batch_issues;
insert into plan_rows by name select * from batch_plan_rows;
