-- The fingerprint of each file discovery hashed, and the metadata it had then.
select path, size, mtime_ns, ctime_ns, inode, sha256 from file_stats
