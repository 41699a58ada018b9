-- Initial schema of the giamngheo warehouse.

create table admin_units (
    code        varchar primary key,   -- GSO code; villages: <commune code>-<2 digits>
    level       varchar not null,      -- province | district | commune | village
    name        varchar not null,
    parent_code varchar,
    area        varchar                -- rural | urban (communes and villages)
);

create table submissions (
    submission_id  varchar primary key,  -- first 16 hex digits of the file's sha256
    file_name      varchar not null,     -- name as received
    file_path      varchar not null,     -- path relative to the inbox
    sha256         varchar not null,
    size_bytes     bigint not null,
    kind           varchar not null,     -- households | unreadable
    village_code   varchar,
    year           integer,
    status         varchar not null,     -- loaded | rejected | superseded
    household_count integer not null default 0,
    error_count    integer not null default 0,
    warning_count  integer not null default 0,
    received_at    timestamp not null,   -- file modification time when discovered
    processed_at   timestamp not null,
    flow_run_id    varchar
);

create table village_reports (
    submission_id    varchar primary key,
    village_code     varchar not null,
    year             integer not null,
    area             varchar not null,
    total_households integer not null,
    total_persons    integer,
    prepared_by      varchar,
    prepared_on      varchar,
    source_sheet     varchar
);

create table households (
    submission_id     varchar not null,
    village_code      varchar not null,
    year              integer not null,
    household_code    varchar not null,
    head_name         varchar,
    ethnicity         varchar,
    members           integer not null,
    income_kvnd       double not null,
    d01 boolean not null, d02 boolean not null, d03 boolean not null, d04 boolean not null,
    d05 boolean not null, d06 boolean not null, d07 boolean not null, d08 boolean not null,
    d09 boolean not null, d10 boolean not null, d11 boolean not null, d12 boolean not null,
    deprivation_count integer not null,
    has_merit         boolean not null,
    social_protection boolean not null,
    claimed_class     varchar not null,
    poverty_class     varchar not null,    -- poor | near_poor | average | not_poor (the standard's)
    note              varchar,
    source_sheet      varchar not null,
    source_row        integer not null,    -- Excel row number in source_sheet
    primary key (submission_id, source_row)
);

create table issues (
    submission_id varchar not null,
    code          varchar not null,
    severity      varchar not null,        -- error | warning
    file          varchar not null,
    sheet         varchar,
    cell          varchar,
    column_name   varchar,
    value         varchar,
    message_vi    varchar not null,
    message_en    varchar not null
);

create table plan_targets (
    commune_code       varchar not null,
    village_code       varchar not null,
    year               integer not null,
    target_households  integer not null,   -- households to lift out of poverty in the year
    source             varchar not null,   -- plan table file, or 'planner'
    primary key (village_code, year)
);
