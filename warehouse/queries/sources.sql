-- Every file behind a parent unit's figures of a year, with its fingerprint.
select
    s.file_path,
    s.kind,
    s.village_code,
    s.commune_code,
    s.status,
    s.household_count,
    s.processed_at,
    s.sha256
from submissions as s
inner join admin_units as c
    on c.code = s.commune_code and in_force(c.valid_from, c.valid_to, s.year)
where c.parent_code = $unit and s.year = $year
order by s.commune_code, s.village_code, s.file_path
