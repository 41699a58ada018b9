-- A batch replaces every row of its submission ids (a rerun of the same file).
delete from households where submission_id in (select submission_id from batch_submissions);
delete from village_reports where submission_id in (select submission_id from batch_submissions);
delete from issues where submission_id in (select submission_id from batch_submissions);
delete from plan_rows where submission_id in (select submission_id from batch_submissions);
delete from submissions where submission_id in (select submission_id from batch_submissions);
