-- Every standard's lines and indicators, from the frames registered as new_standards and
-- new_indicators.
delete from standards;
delete from standard_indicators;
insert into standards by name select * from new_standards;
insert into standard_indicators by name select * from new_indicators;
