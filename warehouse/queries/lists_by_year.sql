-- How many village lists each year has (the years a report can be written for).
select year, count(*) as n from village_poverty group by year
