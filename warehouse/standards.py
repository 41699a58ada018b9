"""The standards in use, kept in the warehouse: the texts of those imported (`standard_files`)
and, for the views and analysts, every standard's lines and indicators (`standards`,
`standard_indicators`), rewritten whenever the shipped or imported ones change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from giamngheo.errors import ConfigurationError
from giamngheo.transforms.registry import ancestors, registry_at
from giamngheo.transforms.standards import (
    Catalog,
    Standard,
    StandardError,
    catalog_of,
    parse_standard,
)
from giamngheo.transforms.tables import TABLES


def catalog(wh) -> Catalog:
    """The shipped standards with those imported into the warehouse `wh`."""
    files = wh.fetch("standard_files")
    return catalog_of(list(zip(files["content"], files["source_name"], strict=True)))


def sync(wh) -> bool:
    """Rewrite `standards` and `standard_indicators` from the catalog when it changed; True
    when it did."""
    current = catalog(wh)
    have = wh.fetch("standard_fingerprints")
    wanted = sorted((s.id, s.sha256) for s in current.standards)
    if sorted(zip(have["standard_id"], have["sha256"], strict=True)) == wanted:
        return False
    lines, indicators = tables_of(current)
    with wh._registered(new_standards=lines, new_indicators=indicators), wh._transaction():
        wh.run("replace_standards")
    return True


def tables_of(current: Catalog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `standards` (one row per standard and area) and `standard_indicators` rows."""
    lines = [
        {
            "standard_id": s.id,
            "name": s.name,
            "legal_basis": s.legal_basis,
            "first_year": s.first_year,
            "last_year": s.last_year,
            "province_code": s.province,
            "area": area,
            "poverty_line_vnd": line.poverty,
            "unit": s.unit,
            "near_poor_line_vnd": line.near_poor,
            "average_upper_vnd": line.average_upper,
            "min_deprivations_poor": s.min_deprivations_poor,
            "provisional": s.provisional,
            "provisional_note": s.provisional_note or None,
            "source": s.source_name or "imported",
            "sha256": s.sha256,
        }
        for s in current.standards
        for area, line in s.lines.items()
    ]
    indicators = [
        {
            "standard_id": s.id,
            "number": i.number,
            "code": i.code,
            "name": i.name,
            "dimension": i.dimension,
        }
        for s in current.standards
        for i in (s.indicators or _national_set(current, s))
    ]
    return (
        TABLES["standards"].frame(pd.DataFrame(lines)),
        TABLES["standard_indicators"].frame(pd.DataFrame(indicators)),
    )


def _national_set(current: Catalog, standard: Standard):
    """A provincial standard without a set of its own counts the national one's."""
    national = current.national(standard.first_year)
    return national.indicators if national else ()


@dataclass(frozen=True)
class Imported:
    """What `giamngheo standards import` did: the standard read, whether it replaced one of
    the same id (and which), and whether anything changed."""

    standard: Standard
    replaced: Standard | None
    changed: bool


def import_file(wh, path: Path) -> Imported:
    """Read a standard's TOML file and keep it in the warehouse (replacing a standard of the
    same id, shipped or imported); importing the same text again changes nothing. A file that
    cannot be used is refused, naming the line and field."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"Không đọc được tệp chuẩn nghèo {path} (cannot read the standard's file): {exc}"
        ) from exc
    try:
        standard = parse_standard(text, path.name)
    except StandardError as exc:
        raise ConfigurationError(f"Tệp {path.name}: {exc}") from exc
    before = catalog(wh)
    replaced = before.get(standard.id)
    _check_overlap(before, standard)
    if replaced is not None and replaced.sha256 == standard.sha256:
        return Imported(standard, replaced, changed=False)
    row = pd.DataFrame(
        [
            {
                "standard_id": standard.id,
                "source_name": path.name,
                "content": text,
                "sha256": standard.sha256,
                "imported_at": dt.datetime.now(),
            }
        ]
    )
    with wh._registered(new_file=TABLES["standard_files"].frame(row)), wh._transaction():
        wh.run("replace_standard_file", standard_id=standard.id)
    sync(wh)
    return Imported(standard, replaced, changed=True)


def _check_overlap(before: Catalog, standard: Standard) -> None:
    """Two standards of one scope may not cover the same year (which would apply?)."""
    for other in before.standards:
        if other.id == standard.id or other.province != standard.province:
            continue
        if other.first_year <= standard.last_year and standard.first_year <= other.last_year:
            scope = f"tỉnh {standard.province}" if standard.province else "quốc gia"
            raise ConfigurationError(
                f"Chuẩn '{standard.id}' ({standard.period}) trùng thời gian với chuẩn "
                f"'{other.id}' ({other.period}) cùng phạm vi {scope}: hãy dùng cùng mã id để "
                f"thay chuẩn cũ. (Standard '{standard.id}' overlaps '{other.id}' of the same "
                "scope: give it the same id to replace it.)"
            )


def lists_covered(wh, standard: Standard) -> int:
    """How many current village lists fall under `standard` (its years, and its province for
    a provincial one): the lists `ingest --force` classes again after it changed."""
    lists = wh.fetch("lists_in_years", first=standard.first_year, last=standard.last_year)
    if standard.province is None:
        return len(lists)
    units = wh.admin_units()
    at = {int(y): registry_at(units, int(y)).set_index("code") for y in lists["year"].unique()}
    return sum(
        ancestors(at[int(year)], village).get("province") == standard.province
        for village, year in zip(lists["village_code"], lists["year"], strict=True)
    )


def described(lines: pd.DataFrame, indicators: pd.DataFrame) -> list[dict]:
    """One JSON-ready dict per standard of the `standards` rows given (in their order): its
    fields, its lines by area and its indicator set (`standard_indicators` rows)."""
    out = []
    for sid, rows in lines.groupby("standard_id", sort=False):
        first = rows.iloc[0]
        own = indicators[indicators["standard_id"] == sid]
        out.append(
            {
                "standard_id": sid,
                "name": first["name"],
                "legal_basis": first["legal_basis"],
                "first_year": int(first["first_year"]),
                "last_year": int(first["last_year"]),
                "province_code": _none(first["province_code"]),
                "provisional": bool(first["provisional"]),
                "provisional_note": _none(first["provisional_note"]),
                "min_deprivations_poor": int(first["min_deprivations_poor"]),
                "source": first["source"],
                "sha256": first["sha256"],
                "unit": first["unit"],
                "lines": {
                    row.area: {
                        "poverty_vnd": _none(row.poverty_line_vnd),
                        "near_poor_vnd": _none(row.near_poor_line_vnd),
                        "average_upper_vnd": _none(row.average_upper_vnd),
                    }
                    for row in rows.itertuples(index=False)
                },
                "indicators": [
                    {
                        "number": int(i.number),
                        "code": i.code,
                        "name": i.name,
                        "dimension": i.dimension,
                    }
                    for i in own.itertuples(index=False)
                ],
            }
        )
    return out


def _none(value: object) -> object:
    return None if value is None or pd.isna(value) else value
