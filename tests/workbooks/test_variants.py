"""Every shape a village list takes reads back to the canonical frame, row for row."""

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from giamngheo.transforms.columns import DEPRIVATIONS, HOUSEHOLD_COLUMNS
from giamngheo.workbooks.reader import read_submission
from tests.workbooks.variants import VARIANTS, write_variant

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Variants also converted by LibreOffice (a real writer) to .xls and .ods.
CONVERTED = {
    "xls": ["canonical", "two_row_merged_header", "numbers_as_text", "tcvn3_font", "vni_font"],
    "ods": ["canonical", "two_row_merged_header", "labels_above_table", "other_marks"],
}


@pytest.fixture(scope="session")
def village(dien_hoa_lists):
    return next(
        v
        for v in dien_hoa_lists
        if v.metadata["village_code"] == "19834-06" and v.metadata["year"] == 2025
    )


@pytest.fixture(scope="session")
def variant_files(tmp_path_factory, village) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("variants")
    files = {
        (name, "xlsx"): write_variant(folder / f"{name}.xlsx", village, seed=i, **kwargs)
        for i, (name, (kwargs, _)) in enumerate(VARIANTS.items())
    }
    if SOFFICE:
        for fmt, names in CONVERTED.items():
            out = folder / fmt
            subprocess.run(
                [
                    SOFFICE,
                    "--headless",
                    f"-env:UserInstallation=file://{folder}/lo-profile",
                    "--convert-to",
                    fmt,
                    "--outdir",
                    str(out),
                    *(str(files[(n, "xlsx")]) for n in names),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            for name in names:
                files[(name, fmt)] = out / f"{name}.{fmt}"
    return files


CASES = [(name, "xlsx") for name in VARIANTS] + [
    (n, fmt) for fmt, names in CONVERTED.items() for n in names
]


@pytest.mark.parametrize(("name", "fmt"), CASES, ids=[f"{n}.{f}" for n, f in CASES])
def test_variant_reads_to_the_canonical_frame(name, fmt, variant_files, village):
    if (name, fmt) not in variant_files:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    sub = read_submission(variant_files[(name, fmt)], "s1")
    expected_warnings = VARIANTS[name][1]
    assert [i.code for i in sub.issues] == expected_warnings, [i.message_en for i in sub.issues]
    got = sub.households[[*HOUSEHOLD_COLUMNS, DEPRIVATIONS]].reset_index(drop=True)
    want = village.households[[*HOUSEHOLD_COLUMNS, DEPRIVATIONS]].astype(got.dtypes.to_dict())
    pd.testing.assert_frame_equal(got, want)
    assert sub.metadata["village_code"] == "19834-06"
    assert (sub.metadata["year"], sub.metadata["total_households"]) == (
        2025,
        village.metadata["total_households"],
    )


def test_extra_column_values_are_kept_aside(variant_files):
    import json

    sub = read_submission(variant_files[("shuffled_and_extra_column", "xlsx")], "s1")
    kept = json.loads(sub.households.loc[0, "extra"])
    assert list(kept) == ["Số điện thoại"] and kept["Số điện thoại"].startswith("09")


def test_title_block_gives_names_when_codes_are_missing(tmp_path, village, registry):
    from giamngheo.transforms.registry import resolve_village

    path = write_variant(tmp_path / "t.xlsx", village, title_only_metadata=True)
    sub = read_submission(path, "s1")
    meta = sub.metadata
    assert meta.get("village_code") is None and meta["year"] == 2025
    code = resolve_village(registry, None, meta["village_name"], None, meta["commune_name"])
    assert code == "19834-06"
    assert meta["total_households"] == village.metadata["total_households"]
