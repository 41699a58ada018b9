-- `giamngheo plan`: the villages of a commune with their poor and total households in a year.
select village_code, village_name, poor_households, total_households
from village_poverty
where commune_code = $commune and year = $year
order by village_code
