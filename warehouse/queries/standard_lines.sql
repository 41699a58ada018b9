-- The standards in use, one row per standard and area: national first, then by province and
-- period.
select * from standards order by province_code nulls first, first_year, standard_id, area
