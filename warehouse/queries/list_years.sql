-- The years that have at least one current village list.
select distinct year from village_poverty order by year
