"""A batch of read submissions assembled into the tables the checks look at and the warehouse
loads: the village reports (metadata resolved against the registry, each list's standards),
the households classified under them, and the plan rows (their communes and villages
resolved)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from giamngheo.transforms.checks import CheckInput
from giamngheo.transforms.classify import classify
from giamngheo.transforms.issues import Finding
from giamngheo.transforms.registry import (
    Hierarchy,
    ancestors,
    ended_on,
    list_date,
    match_village,
    registry_on,
    resolve_commune,
    resolve_village,
)
from giamngheo.transforms.standards import Catalog, shipped
from giamngheo.transforms.submission import HOUSEHOLDS, PLAN, Submission, empty_households
from giamngheo.transforms.tables import TABLES

if TYPE_CHECKING:
    from giamngheo.transforms.batch import Reference


@dataclass
class Assembled:
    """A batch's frames before its checks: what the checks and suites look at."""

    submissions: list[Submission]
    reports: pd.DataFrame
    households: pd.DataFrame
    plans: pd.DataFrame
    findings: list[Finding]  # from resolving the plans' communes and villages
    unmatched: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    old_communes: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)

    def check_input(self, reference: Reference) -> CheckInput:
        """What the checks over the batch as read look at."""
        readable = self.readable()
        return CheckInput(
            registry=reference.registry,
            catalog=reference.catalog,
            reports=self.reports,
            households=self.households,
            totals=pd.DataFrame(
                [{"submission_id": s.submission_id, **t} for s in readable for t in s.totals]
            ),
            unmatched=self.unmatched,
            old_communes=self.old_communes,
        )

    def readable(self) -> list[Submission]:
        """Lists whose household table was found (a file without one has FILE-NO-TABLE)."""
        return [s for s in self.submissions if s.kind == HOUSEHOLDS and s.sheet is not None]


def assemble(
    submissions: list[Submission],
    registry: pd.DataFrame,
    households: pd.DataFrame | None = None,
    catalog: Catalog | None = None,
) -> Assembled:
    """The batch's village reports, classified households and plan rows.

    `households` holds the rows of all the submissions when they were read as one frame;
    otherwise they come from each submission's own frame. Each list is classed under the
    national standard of its year in `catalog`, and under its province's own, if any.
    """
    catalog = catalog or shipped()
    readable = [s for s in submissions if s.kind == HOUSEHOLDS and s.sheet is not None]
    unmatched: dict[str, tuple[str, list[str]]] = {}
    old_communes: dict[str, tuple[str, str | None, str | None]] = {}
    reports = _village_reports(readable, registry, unmatched, old_communes, catalog)
    rows = _households(readable, reports, households, catalog)
    plans, findings = _plan_rows([s for s in submissions if s.kind == PLAN], registry)
    return Assembled(submissions, reports, rows, plans, findings, unmatched, old_communes)


def _village_reports(
    submissions: list[Submission],
    registry: pd.DataFrame,
    unmatched: dict[str, tuple[str, list[str]]],
    old_communes: dict[str, tuple[str, str | None, str | None]],
    catalog: Catalog,
) -> pd.DataFrame:
    """One row per list, placed in the hierarchy in force for its year, with the standards it
    is classed under; `unmatched` gets the lists whose village name fits no village of their
    commune, or several; `old_communes` those that name a commune not in force in their year
    (see `_commune_as_it_was`)."""
    hierarchy = Hierarchy(registry)
    rows = []
    for s in submissions:
        meta = s.metadata
        registry = hierarchy.at(meta.get("year"))
        village = resolve_village(
            registry,
            meta.get("village_code"),
            meta.get("village_name"),
            meta.get("commune_code"),
            meta.get("commune_name"),
        )
        written = meta.get("commune_code") or meta.get("commune_name")
        if written and meta.get("year") is not None and not _commune_known(hierarchy, meta):
            old, village = _commune_as_it_was(hierarchy, meta, village)
            new = hierarchy.parent(village, meta["year"]) if village else None
            old_communes[s.submission_id] = (str(written), old, new)
        name = meta.get("village_name")
        if village is None and name and not meta.get("village_code"):
            commune = resolve_commune(registry, meta.get("commune_code"), meta.get("commune_name"))
            fits = match_village(registry, str(name), commune) if commune else []
            unmatched[s.submission_id] = (str(name), fits)
        if village and not meta.get("village_code"):
            s.metadata_cells.setdefault(
                "village_code", s.metadata_cells.get("village_name", (None, None))
            )
        area = meta.get("area") or (_area(registry, village) if village else None)
        prepared_on = meta.get("prepared_on")
        national = catalog.national(meta.get("year"))
        province = _province_of(registry, village, meta)
        local = catalog.local(meta.get("year"), province)
        rows.append(
            {
                "submission_id": s.submission_id,
                "village_code": village,
                "year": meta.get("year"),
                "area": area,
                "total_households": meta.get("total_households"),
                "total_persons": meta.get("total_persons"),
                "prepared_by": meta.get("prepared_by"),
                "prepared_on": None if prepared_on is None else str(prepared_on),
                "source_sheet": s.sheet,
                "standard_id": national.id if national else None,
                "local_standard_id": local.id if local else None,
                "province_code": province,
            }
        )
    frame = pd.DataFrame(rows)
    out = TABLES["village_reports"].frame(frame)
    out["province_code"] = (
        frame["province_code"].astype("string") if len(frame) else pd.Series(dtype="string")
    )
    return out


def _province_of(registry: pd.DataFrame, village: str | None, meta: dict) -> str | None:
    """The province a list belongs to: its village's, or the one it names."""
    if village:
        known = registry.set_index("code")
        found = ancestors(known, village).get("province")
        if found:
            return found
    code = meta.get("province_code")
    return str(code) if code else None


def _commune_known(hierarchy: Hierarchy, meta: dict) -> bool:
    """Whether the commune a list names holds in the list's year."""
    code = meta.get("commune_code")
    if code:
        return code in hierarchy.codes(meta["year"], "commune")
    registry = hierarchy.at(meta["year"])
    return resolve_commune(registry, None, meta.get("commune_name")) is not None


def _commune_as_it_was(hierarchy: Hierarchy, meta: dict, village: str | None):
    """(code, village) of the commune a list names when that commune is not in force in the
    list's year: one that ended before (a 2026 list still naming its old commune), whose
    village is found among those it had the day before it ended; (None, village) when the
    commune holds in no period up to the list's year."""
    everything = hierarchy.at(None)
    old = resolve_commune(everything, meta.get("commune_code"), meta.get("commune_name"))
    ended = ended_on(hierarchy.units, old) if old else None
    if ended is None or ended > list_date(int(meta["year"])):
        return None, village
    if village is None and meta.get("village_name"):
        before = registry_on(hierarchy.units, ended - dt.timedelta(days=1))
        village = resolve_village(before, None, meta["village_name"], old, None)
    return old, village


def _area(registry: pd.DataFrame, code: str) -> str | None:
    found = registry.loc[registry["code"] == code, "area"]
    return found.iloc[0] if len(found) and pd.notna(found.iloc[0]) else None


def _plan_rows(plans: list[Submission], units: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Plan tables with their commune and villages resolved against the registry of their
    year."""
    frames, findings = [], []
    hierarchy = Hierarchy(units)
    for sub in plans:
        meta = sub.metadata
        sid = sub.submission_id
        registry = hierarchy.at(meta.get("year"))
        commune = resolve_commune(registry, meta.get("commune_code"), meta.get("commune_name"))
        if commune is None:
            value = meta.get("commune_name") or "?"
            findings.append(Finding("PLAN-UNKNOWN-COMMUNE", sid, "commune_name", value=value))
        if meta.get("year") is None:
            findings.append(Finding("PLAN-NO-YEAR", sid, "year"))
        frame = sub.plan.copy()
        frame["village_code"] = [
            None
            if total or commune is None
            else resolve_village(registry, None, name, commune, None)
            for name, total in zip(frame["unit_name"], frame["is_total"], strict=True)
        ]
        unknown = frame[~frame["is_total"] & frame["village_code"].isna()]
        if commune is not None:
            findings += [
                Finding("PLAN-UNKNOWN-VILLAGE", sid, "unit_name", row=int(r), value=name)
                for r, name in zip(unknown["source_row"], unknown["unit_name"], strict=True)
            ]
        frames.append(frame.assign(submission_id=sid, commune_code=commune, year=meta.get("year")))
    plan_rows = TABLES["plan_rows"]
    if not frames:
        return plan_rows.empty_frame(), findings
    return plan_rows.frame(pd.concat(frames, ignore_index=True)), findings


def _households(
    submissions: list[Submission],
    reports: pd.DataFrame,
    combined: pd.DataFrame | None,
    catalog: Catalog,
) -> pd.DataFrame:
    if combined is None:
        frames = [s.households for s in submissions if not s.households.empty]
        combined = pd.concat(frames or [empty_households()], ignore_index=True)
    keyed = reports[["submission_id", "village_code", "year", "area", "province_code"]]
    combined = combined.merge(keyed, on="submission_id", how="left")
    return classify(combined, catalog)
