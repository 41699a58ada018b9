-- Per village-year (household lists) or commune-year (plan tables) touched by the batch: the
-- accepted file (no error) received last is current (loaded), every other accepted one
-- superseded, and a rejected one received before it superseded too (its correction loaded).
-- Returns every submission whose status changed.
update submissions as s set status = r.new_status
from (
    select
        submission_id,
        case
            when accepted and received_seq = current_seq then 'loaded'
            when accepted then 'superseded'
            when received_seq < current_seq then 'superseded'
            else 'rejected'
        end as new_status
    from (
        select
            submission_id,
            received_seq,
            error_count = 0 as accepted,
            max(received_seq) filter (where error_count = 0) over (
                partition by kind, unit_code, year
            ) as current_seq
        from (
            select *, coalesce(village_code, commune_code) as unit_code
            from submissions
            where coalesce(village_code, commune_code) is not null and year is not null
        ) as units
        semi join (
            select distinct kind, coalesce(village_code, commune_code) as unit_code, year
            from batch_submissions
        ) as touched using (kind, unit_code, year)
    ) as ranked
) as r
where s.submission_id = r.submission_id and s.status <> r.new_status
returning s.submission_id, s.status;
