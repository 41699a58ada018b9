-- The classes the batch's lists had when loaded before (a file processed again), to tell what
-- a changed standard changed (`reclassified`).
create or replace temporary table previous_classes as
select submission_id, source_row, poverty_class, local_class
from households
where submission_id in (select submission_id from batch_submissions);
