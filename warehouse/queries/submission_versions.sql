-- Every version of one village's (or plan's commune's) list of a year, in the order received.
select submission_id, file_path as file, part, status, error_count, warning_count, processed_at
from submissions
where kind = $kind
    and year = $year
    and coalesce(village_code, commune_code) = $unit
order by received_seq nulls first, processed_at
