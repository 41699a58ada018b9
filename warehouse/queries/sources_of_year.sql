-- Every file behind a year's figures, with its fingerprint.
select
    file_path,
    kind,
    village_code,
    commune_code,
    status,
    household_count,
    processed_at,
    sha256
from submissions
where year = $year
order by commune_code, village_code, file_path
