-- What each file of the inbox hashed to, with what its metadata said then: discovery hashes a
-- file again only when its size, modification time, change time or inode differ. Writing a
-- file's bytes always moves its change time (which no program can set back), so a file
-- rewritten with its old size and modification time is still hashed again.
create table file_stats (
    path     varchar not null,  -- absolute
    size     bigint not null,
    mtime_ns bigint not null,
    ctime_ns bigint not null,
    inode    bigint not null,
    sha256   varchar not null
);
