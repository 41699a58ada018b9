-- Work a run owes after its load commits (quarantine folders, the snapshot, reports), recorded
-- in the load's transaction so that a run killed afterwards is completed by the next one; the
-- order in which files were received; where each list's table sits in its file.

create table pending_work (
    run_id        varchar not null,
    kind          varchar not null,     -- quarantine | publish | report
    submission_id varchar,              -- quarantine: the rejected submission
    unit_code     varchar,              -- report: the parent unit
    year          integer,              -- report: the list year
    created_at    timestamp not null default current_timestamp
);

-- Which version of a village's list is current follows the order files were received (first
-- seen; inside one run, by modification time, then path), not modification times alone.
alter table submissions add column received_seq bigint;
update submissions as s set received_seq = o.seq
from (
    select submission_id, row_number() over (order by received_at, file_path, submission_id) as seq
    from submissions
) as o
where s.submission_id = o.submission_id;

alter table submissions add column source_sheet varchar;    -- the sheet of the table read
alter table submissions add column source_columns varchar;  -- JSON {field: column letter}
