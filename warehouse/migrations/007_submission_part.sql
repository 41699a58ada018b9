-- The village a submission is of a commune-wide file, as the file names it ("Thôn 03"): one
-- file gives one submission per village, all with the file's sha256.
alter table submissions add column part varchar;
