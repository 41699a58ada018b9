-- The sha256 of every file already processed (loaded, rejected or superseded).
select sha256 from submissions
