-- The goal a commune plan states ("giảm còn dưới 1% hộ nghèo"), kept with its submission.
alter table submissions add column goal_rate_pct double;
