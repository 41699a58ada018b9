-- Commune plan tables read from the inbox, and columns outside the template kept aside.

alter table households add column extra varchar;   -- JSON {header: value}

alter table submissions add column commune_code varchar;  -- plan tables: the commune they plan
update submissions set commune_code = (
    select parent_code from admin_units where code = submissions.village_code);

create table plan_rows (
    submission_id      varchar not null,
    commune_code       varchar not null,
    year               integer not null,
    village_code       varchar,            -- null on the totals row
    unit_name          varchar not null,   -- as written ("Thôn 1", "Tổng cộng")
    poor_households    double,
    poor_rate_pct      double,
    target_households  double,
    target_rate_pct    double,
    is_total           boolean not null,
    source_row         integer not null,   -- Excel row number
    primary key (submission_id, source_row)
);
