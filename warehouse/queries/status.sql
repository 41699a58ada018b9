-- `giamngheo status`: every processed submission, of one list year or all.
select
    submission_id,
    file_path as file,
    kind,
    village_code,
    year,
    status,
    error_count + warning_count as issue_count,
    household_count,
    processed_at
from submissions
where $year::integer is null or year = $year
order by year, village_code, processed_at, file_path
