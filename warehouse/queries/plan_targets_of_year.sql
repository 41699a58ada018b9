select village_code, year, target_households from plan_targets where year = $year
