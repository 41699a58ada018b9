-- A change made outside a batch load (a new registry, planner targets), to be published.
insert into runs (run_id, loaded_at, submissions, households)
values ($run_id, current_timestamp, 0, 0)
