select * from admin_units order by code
