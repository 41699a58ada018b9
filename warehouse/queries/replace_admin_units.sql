-- The admin registry, replaced by the frame registered as new_admin_units.
delete from admin_units;
insert into admin_units select * from new_admin_units;
