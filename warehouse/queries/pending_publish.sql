-- How many changes the analyst snapshot does not include yet.
select count(*) as pending from runs where published_at is null
