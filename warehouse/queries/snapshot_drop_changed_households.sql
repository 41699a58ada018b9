-- The households the snapshot being updated holds of the lists that changed since it was made.
delete from snapshot.households
where submission_id in (select submission_id from changed_lists)
