-- Per village, for a year: whether a list is loaded, whether only rejected files came, whether
-- a file rejected after the loaded list is waiting (its correction failed), and the warnings
-- of the loaded list.
select
    village_code,
    bool_or(status = 'loaded') as loaded,
    bool_or(status = 'rejected') and not bool_or(status = 'loaded') as rejected_only,
    bool_or(status = 'rejected') and bool_or(status = 'loaded') as rejected_kept,
    coalesce(sum(warning_count) filter (where status = 'loaded'), 0) as warnings
from submissions
where kind = 'households' and year = $year and village_code is not null
group by village_code
