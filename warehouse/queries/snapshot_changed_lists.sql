-- The lists whose households the snapshot being updated (attached as snapshot) does not hold as
-- the warehouse does: new, processed again since (another processed_at), or gone.
create or replace temp table changed_lists as
select submission_id from (
    select submission_id, processed_at from submissions
    except
    select submission_id, processed_at from snapshot.submissions
)
union
select submission_id from (
    select submission_id, processed_at from snapshot.submissions
    except
    select submission_id, processed_at from submissions
)
