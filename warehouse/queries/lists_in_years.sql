-- The current village lists of the years first..last: village and year.
select r.village_code, r.year
from village_reports as r
inner join submissions as s using (submission_id)
where s.status = 'loaded' and r.year between $first and $last
