-- The rows of the current commune plans of some years, with where each plan's table sits and
-- the goal it states: their findings are computed again when their villages change.
select p.*, s.file_path, s.source_sheet, s.source_columns, s.goal_rate_pct, s.goal_at_most
from plan_rows as p
inner join submissions as s using (submission_id)
where s.kind = 'plan' and s.status = 'loaded' and p.year in (select unnest($years::integer[]))
order by p.submission_id, p.source_row
