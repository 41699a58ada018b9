-- The files a discovery hashed ($hashed, registered) replace what was known of their paths.
delete from file_stats where path in (select path from hashed);
insert into file_stats (path, size, mtime_ns, ctime_ns, inode, sha256)
select path, size, mtime_ns, ctime_ns, inode, sha256 from hashed;
