-- The record of applied migrations (created before the first migration runs).
create table if not exists schema_migrations (
    version integer primary key,
    name varchar not null,
    applied_at timestamp not null default current_timestamp
)
