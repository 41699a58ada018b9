-- Per village-year (household lists) or commune-year (plan tables) touched by the batch: the
-- accepted file received last is current (loaded), every other accepted one superseded.
update submissions as s set status = r.new_status
from (
    select
        submission_id,
        case when row_number() over (
            partition by kind, unit_code, year
            order by received_at desc, file_path desc, submission_id desc
        ) = 1 then 'loaded' else 'superseded' end as new_status
    from (
        select *, coalesce(village_code, commune_code) as unit_code
        from submissions
        where status in ('loaded', 'superseded')
    ) as accepted
    semi join (
        select distinct kind, coalesce(village_code, commune_code) as unit_code, year
        from batch_submissions
    ) as touched using (kind, unit_code, year)
) as r
where s.submission_id = r.submission_id and s.status <> r.new_status
