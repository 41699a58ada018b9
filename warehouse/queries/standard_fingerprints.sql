-- Each standard the views know of, and the fingerprint of the text it was read from.
select distinct standard_id, sha256 from standards
