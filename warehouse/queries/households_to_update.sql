-- The households a commune's villages last listed before $year (each village's most recent
-- current list), to pre-fill next year's templates: every listed household except those the
-- village itself marked as no longer poor ("Không nghèo"). Household codes and names: the
-- writer's warehouse only.
with latest as (
    select village_code, max(year) as year
    from households_current
    where village_code in (select unnest($villages::varchar[])) and year < $year
    group by village_code
),

final as (
    select h.*
    from households_current as h
    inner join latest using (village_code, year)
    where h.claimed_class is distinct from 'not_poor'
)

select * from final order by village_code, source_sheet, source_row
