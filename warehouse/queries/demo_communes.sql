-- `giamngheo demo`: the figures per commune of one year, with Vietnamese column names.
select
    commune_code as "Mã xã",
    commune_name as "Xã, phường",
    village_count as "Số thôn",
    total_households as "Tổng số hộ",
    poor_households as "Hộ nghèo",
    poor_rate_pct as "Tỷ lệ %",
    near_poor_households as "Hộ cận nghèo",
    near_poor_rate_pct as "Tỷ lệ % cận nghèo"
from commune_poverty
where year = $year
order by commune_code
