-- Pending work of one kind done: for quarantine the submissions $keys, for reports the
-- '<unit>:<year>' pairs $keys.
delete from pending_work
where kind = $kind and (
    (kind = 'quarantine' and submission_id in (select unnest($keys::varchar[])))
    or (kind = 'report' and unit_code || ':' || year in (select unnest($keys::varchar[])))
)
