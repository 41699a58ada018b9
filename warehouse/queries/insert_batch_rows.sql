-- A batch's rows, from the frames registered as batch_<table>.
insert into submissions by name select * from batch_submissions;
insert into village_reports by name select * from batch_village_reports;
insert into issues by name select * from batch_issues;
insert into plan_rows by name select * from batch_plan_rows;
