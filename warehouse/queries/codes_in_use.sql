-- Current lists' rows sharing a year and household code with the batch (table batch_codes):
-- the candidates for a household listed in two villages.
select h.village_code, h.year, h.household_code
from households_current as h
semi join batch_codes as b using (year, household_code)
