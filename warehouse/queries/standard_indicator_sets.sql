-- Each standard's indicator set, in its order.
select * from standard_indicators order by standard_id, number
