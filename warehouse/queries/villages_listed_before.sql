-- The villages with a current list of a year before $year: where a household coming back into
-- poverty can be told from a new one.
select distinct r.village_code
from village_reports as r
inner join submissions as s using (submission_id)
where s.status = 'loaded' and r.year < $year
