-- Households of the current (loaded, not superseded) list of every village and year.
with submissions as (
    select submission_id from submissions where status = 'loaded'
),

final as (
    select h.*
    from households as h
    inner join submissions using (submission_id)
)

select * from final
