-- A batch replaces every row of its submission ids (a file processed again), keeping the
-- order in which each was first received.
create or replace temporary table kept_receipts as
select submission_id, received_seq, status
from submissions
where submission_id in (select submission_id from batch_submissions);
delete from households where submission_id in (select submission_id from batch_submissions);
delete from village_reports where submission_id in (select submission_id from batch_submissions);
delete from issues where submission_id in (select submission_id from batch_submissions);
delete from plan_rows where submission_id in (select submission_id from batch_submissions);
delete from submissions where submission_id in (select submission_id from batch_submissions);
