-- A registry with time: each row of a unit holds for [valid_from, valid_to) (null: since
-- always / still). A unit whose name or parent changed has one row per period, so the code is
-- no longer a key (`transforms.registry.registry_problems` refuses overlapping periods). The
-- rows loaded before keep null periods: valid always.
create table admin_units_periods (
    code        varchar not null,
    level       varchar not null,
    name        varchar not null,
    parent_code varchar,
    area        varchar,
    valid_from  date,
    valid_to    date
);
insert into admin_units_periods
select code, level, name, parent_code, area, null, null from admin_units;
drop table admin_units;
alter table admin_units_periods rename to admin_units;
