-- Macros the views use; created before the views, in the warehouse and in the snapshot.

-- n ÷ d × 100 rounded half up to 2 decimals, in integer arithmetic (null when d is 0 or null).
create or replace macro rate_pct(n, d) as
    case when d > 0 then ((2 * n * 10000 + d) // (2 * d)) / 100.0 end;
