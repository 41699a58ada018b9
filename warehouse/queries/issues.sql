-- `giamngheo issues`: the issues of one submission or of all, by place in the file.
select
    code,
    severity,
    submission_id,
    file,
    sheet,
    cell,
    column_name as "column",
    value,
    message_vi,
    message_en
from issues
where $submission_id::varchar is null or submission_id = $submission_id
order by submission_id, severity, sheet, length(cell), cell, code
