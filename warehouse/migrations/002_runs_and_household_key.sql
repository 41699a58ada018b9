-- Runs that changed the warehouse (for publishing and audit), and a pseudonymous household key.

create table runs (
    run_id        varchar primary key,
    flow_run_id   varchar,
    loaded_at     timestamp not null,
    published_at  timestamp,            -- null until the analyst snapshot includes this run
    submissions   integer not null,
    households    integer not null
);

-- Per-warehouse secrets and settings; never copied to the analyst snapshot.
create table warehouse_settings (
    key   varchar primary key,
    value varchar not null
);
insert into warehouse_settings values ('household_key_salt', gen_random_uuid()::varchar);

-- household_key follows a household (its stable Mã hộ) across years and villages without
-- revealing the code: the first 16 hex digits of sha256(salt || household_code).
alter table households add column household_key varchar;
update households set household_key = substr(sha256(
    (select value from warehouse_settings where key = 'household_key_salt')
    || household_code), 1, 16);
