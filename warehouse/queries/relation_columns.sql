-- Every column of every table and view, in order: what an analyst may query.
select table_name, column_name, data_type
from information_schema.columns
where table_schema = 'main'
order by table_name, ordinal_position
