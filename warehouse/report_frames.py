"""What every report of a year draws on, read from the warehouse once: the year's lists and the
years around it, targets, plans, findings and sources (`transforms.report_data.YearFrames`)."""

from __future__ import annotations

from giamngheo.transforms.planning import Goal
from giamngheo.transforms.registry import registry_now
from giamngheo.transforms.report_data import YearFrames
from giamngheo.warehouse import standards as standard_store


def year_frames(wh, year: int, current_units: bool = False) -> YearFrames:
    """What every report of `year` draws on, on the units in force for its lists, or with
    `current_units` on today's (a 2024 list then counts for the ward its village belongs to
    now)."""
    goals = wh.fetch("plan_goals", year=year)
    registry = wh.admin_units()
    return YearFrames(
        current_units=current_units,
        registry=registry,
        catalog=standard_store.catalog(wh),
        year=year,
        units=registry_now(registry) if current_units else wh.admin_units(year),
        villages=wh.view("village_poverty", year=year),
        listed_before=frozenset(wh.view("village_poverty", year=year - 1)["village_code"]),
        earlier=frozenset(wh.fetch("villages_listed_before", year=year - 1)["village_code"]),
        next_villages=wh.view("village_poverty", year=year + 1),
        targets=wh.fetch("plan_targets_of_year", year=year),
        dynamics=wh.view("household_dynamics", year=year),
        next_dynamics=wh.view("household_dynamics", year=year + 1),
        deprivation=wh.view("deprivation_by_indicator", year=year),
        plans=wh.fetch("current_plans", years=[year]),
        goals={
            row.commune_code: Goal(row.goal_rate_pct, row.goal_at_most is True)
            for row in goals.itertuples(index=False)
        },
        statuses=wh.fetch("village_statuses", year=year),
        findings=wh.fetch("report_findings", year=year),
        dropped=wh.fetch("dropped_households", year=year),
        sources=wh.fetch("sources_of_year", year=year),
    )
