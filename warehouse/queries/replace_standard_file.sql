-- An imported standard's text, replacing the one of its id (registered as new_file).
delete from standard_files where standard_id = $standard_id;
insert into standard_files by name select * from new_file;
