-- Standards as data and households' deprivations by indicator, not by position: the twelve
-- d01…d12 columns (the indicators of Nghị định 07/2021, by their number) become the list of
-- the codes of the indicators a household is deprived in, so that lists under another
-- indicator set (Nghị định 351/2025 for 2027–2030) live beside them. Each list records the
-- standard it was classed under, and a province's own standard's class beside the national.
-- DuckDB drops no column that an index's later column depends on: the table is built anew.
-- poverty_class may now be null (a standard that has not published its average band gives no
-- class above its lines).
create table households_new (
    submission_id     varchar not null,
    village_code      varchar not null,
    year              integer not null,
    household_code    varchar not null,
    head_name         varchar,
    ethnicity         varchar,
    members           integer not null,
    income_kvnd       double not null,
    deprivation_count integer not null,
    has_merit         boolean not null,
    social_protection boolean not null,
    claimed_class     varchar not null,
    poverty_class     varchar,             -- the national standard's class
    note              varchar,
    source_sheet      varchar not null,
    source_row        integer not null,    -- Excel row number in source_sheet
    household_key     varchar,
    extra             varchar,             -- JSON {header: value}
    deprivations      varchar[] not null,  -- codes of the indicators of the list's standard
    local_class       varchar,             -- the class under its province's own standard
    primary key (submission_id, source_row)
);
insert into households_new
select
    submission_id, village_code, year, household_code, head_name, ethnicity, members,
    income_kvnd, deprivation_count, has_merit, social_protection, claimed_class, poverty_class,
    note, source_sheet, source_row, household_key, extra,
    list_filter(
        [
            case when d01 then 'employment' end,
            case when d02 then 'dependants' end,
            case when d03 then 'nutrition' end,
            case when d04 then 'health_insurance' end,
            case when d05 then 'adult_education' end,
            case when d06 then 'child_schooling' end,
            case when d07 then 'housing_quality' end,
            case when d08 then 'housing_area' end,
            case when d09 then 'drinking_water' end,
            case when d10 then 'sanitation' end,
            case when d11 then 'telecom' end,
            case when d12 then 'information_means' end
        ],
        lambda x: x is not null
    ),
    null
from households;
drop table households;
alter table households_new rename to households;

alter table village_reports add column standard_id varchar;
alter table village_reports add column local_standard_id varchar;
update village_reports set standard_id = 'nd-07-2021' where year between 2022 and 2026;

-- The standards in use, one row per standard and area (kept from the shipped files and the
-- imported ones), and their indicator sets.
create table standards (
    standard_id            varchar not null,
    name                   varchar not null,
    legal_basis            varchar not null,
    first_year             integer not null,
    last_year              integer not null,
    province_code          varchar,           -- null: national
    area                   varchar not null,  -- rural | urban
    poverty_line_vnd       double not null,   -- đồng per person per month
    unit                   varchar not null,  -- how the text gives its amounts: month | year
    near_poor_line_vnd     double,
    average_upper_vnd      double,            -- null: not published
    min_deprivations_poor  integer not null,
    provisional            boolean not null,
    provisional_note       varchar,           -- what is not yet official, for a provisional one
    source                 varchar not null,  -- shipped:<file>, or the file imported
    sha256                 varchar not null
);
create table standard_indicators (
    standard_id  varchar not null,
    number       integer not null,
    code         varchar not null,
    name         varchar not null,
    dimension    varchar not null
);
-- The text of every standard imported with `giamngheo standards import`.
create table standard_files (
    standard_id  varchar not null,
    source_name  varchar not null,
    content      varchar not null,
    sha256       varchar not null,
    imported_at  timestamp not null
);
