-- The web app's submissions: every processed file's lists, of one list year or all (or the
-- ones asked for by id), newest first.
select
    submission_id,
    file_name,
    file_path as file,
    part,
    kind,
    village_code,
    commune_code,
    year,
    status,
    error_count,
    warning_count,
    household_count,
    received_at,
    processed_at
from submissions
where ($year::integer is null or year = $year)
    and ($ids::varchar[] is null or submission_id in (select unnest($ids::varchar[])))
order by processed_at desc, file_path, village_code, part
