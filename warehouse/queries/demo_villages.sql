-- `giamngheo demo`: the figures per village of one commune and year.
select
    village_name as "Thôn",
    total_households as "Tổng số hộ",
    poor_households as "Hộ nghèo",
    poor_rate_pct as "Tỷ lệ %"
from village_poverty
where commune_code = $commune and year = $year
order by village_code
