select table_name from duckdb_tables() order by table_name
