-- Macros the views use; created before the views, in the warehouse and in the snapshot.

-- n ÷ d × 100 rounded half up to 2 decimals, in integer arithmetic (null when d is 0 or null).
create or replace macro rate_pct(n, d) as
    case when d > 0 then ((2 * n * 10000 + d) // (2 * d)) / 100.0 end;

-- The day whose hierarchy a list of `year` is placed in (transforms/registry.py LIST_DAY).
create or replace macro list_date(year) as make_date(year::integer, 1, 1);

-- Whether a registry row holds for lists of `year` (a null bound: since always / still).
create or replace macro in_force(valid_from, valid_to, year) as
    (valid_from is null or valid_from <= list_date(year))
    and (valid_to is null or valid_to > list_date(year));
