-- Chất lượng dữ liệu: the issues of the current and rejected lists of a year (superseded lists
-- are history), with the submission they belong to.
select
    s.village_code,
    s.commune_code,
    s.kind,
    s.status,
    s.file_path,
    i.code,
    i.severity,
    i.sheet,
    i.cell,
    i.column_name,
    i.value,
    i.message_vi,
    i.message_en
from issues as i
inner join submissions as s using (submission_id)
where s.year = $year and s.status in ('loaded', 'rejected')
order by s.commune_code, s.village_code, s.file_path, i.severity, i.sheet, length(i.cell), i.cell
