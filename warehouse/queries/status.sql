-- `giamngheo status`: every processed submission, of one list year or all. The villages of a
-- commune-wide file follow one another, under their file.
select
    submission_id,
    file_path as file,
    part,
    kind,
    village_code,
    year,
    status,
    error_count + warning_count as issue_count,
    household_count,
    processed_at
from submissions
where $year::integer is null or year = $year
order by year, file_path, sha256, village_code, part, processed_at
