-- Whether the updated snapshot holds as many households as the warehouse (else it is built
-- anew).
select (select count(*) from snapshot.households) = (select count(*) from households) as whole
