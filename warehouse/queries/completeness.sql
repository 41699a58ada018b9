-- Chất lượng dữ liệu: villages expected and submitted per commune of a parent unit, and the
-- warnings of the loaded lists.
select q.*, coalesce(w.warnings, 0) as warnings
from submission_completeness as q
left join (
    select commune_code, year, sum(warning_count) as warnings
    from submissions
    where status = 'loaded'
    group by all
) as w using (commune_code, year)
where q.district_code = $unit and q.year = $year
order by q.commune_code
