-- The texts of the standards imported with `giamngheo standards import`.
select standard_id, source_name, content, sha256, imported_at
from standard_files
order by imported_at, standard_id
