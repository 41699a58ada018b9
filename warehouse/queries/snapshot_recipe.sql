-- The recipe the snapshot being updated (attached as snapshot) was made by: its households
-- table's comment.
select comment
from duckdb_tables()
where database_name = 'snapshot' and schema_name = 'main' and table_name = 'households'
