-- Every row of the registry: a unit whose name or parent changed has one row per period.
select * from admin_units order by code, valid_from nulls first
