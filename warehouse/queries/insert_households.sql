-- The batch's staged households; household_key follows a household (its stable Mã hộ) across
-- years and villages without revealing the code: the first 16 hex digits of
-- sha256(salt || household_code).
insert into households by name
select
    *,
    substr(sha256(
        (select value from warehouse_settings where key = 'household_key_salt') || household_code
    ), 1, 16) as household_key
from read_parquet($parquet)
