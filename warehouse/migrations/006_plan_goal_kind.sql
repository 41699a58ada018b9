-- Whether a plan's goal is a rate to reach ("giảm xuống còn 0,9 %": at most) rather than one
-- to fall strictly below ("giảm còn dưới 1 %", the default of plans loaded before).
alter table submissions add column goal_at_most boolean;
