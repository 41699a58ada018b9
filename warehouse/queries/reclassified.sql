-- Households of lists processed again (rerun --failed, ingest --force) whose class under the
-- national or the provincial standard is not the one they had (`remember_classes`): what a
-- changed standard changed.
select count(*) as households
from households as new
inner join previous_classes as old using (submission_id, source_row)
where old.poverty_class is distinct from new.poverty_class
    or old.local_class is distinct from new.local_class
