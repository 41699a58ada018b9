"""The `giamngheo` command line, in process (CliRunner) and as a real subprocess."""

import json

import pytest
from openpyxl import load_workbook

from giamngheo.transforms.columns import DEPRIVATIONS, NOT_POOR
from giamngheo.workbooks.reader import read_submission
from giamngheo.workbooks.template import GUIDE_SHEET
from tests.conftest import invoke

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.mark.slow
def test_sql_json_status_issues_report_and_template(shared_home, tmp_path):
    loaded_home = shared_home
    result = invoke(
        loaded_home,
        "sql",
        "--format",
        "json",
        "select * from commune_poverty where commune_code = '19834' and year = 2024",
    )
    [row] = json.loads(result.output)
    assert (row["total_households"], row["poor_households"], row["poor_rate_pct"]) == (
        1415,
        15,
        1.06,
    )
    csv = invoke(loaded_home, "sql", "--format", "csv", "select 1 as a")
    assert csv.output.splitlines() == ["\ufeffa", "1"]  # a BOM: Excel reads UTF-8
    status = json.loads(invoke(loaded_home, "status", "--year", "2024", "--json").output)
    assert len(status) == 11
    assert set(status[0]) >= {
        "submission_id",
        "file",
        "kind",
        "village_code",
        "year",
        "status",
        "issue_count",
    }
    assert json.loads(invoke(loaded_home, "issues", "--json").output) == []
    report = invoke(
        loaded_home, "report", "--year", "2024", "--unit", "476", "--out", str(tmp_path / "r")
    )
    assert report.exit_code == 0 and (tmp_path / "r" / "bao_cao_476_2024.xlsx").exists()
    template = invoke(
        loaded_home,
        "template",
        "--commune",
        "19834",
        "--year",
        "2025",
        "--out",
        str(tmp_path / "t"),
    )
    assert template.exit_code == 0 and len(list((tmp_path / "t").glob("*.xlsx"))) == 11


@pytest.mark.slow
def test_errors_are_messages_with_exit_codes(shared_home, tmp_path):
    loaded_home = shared_home
    bad = invoke(loaded_home, "sql", "select * from no_such_view")
    assert bad.exit_code == 2 and "no_such_view" in bad.output
    write = invoke(loaded_home, "sql", "delete from households")
    assert write.exit_code == 2
    unknown = invoke(
        loaded_home, "template", "--commune", "99999", "--year", "2025", "--out", str(tmp_path)
    )
    assert unknown.exit_code == 2 and "99999" in unknown.output
    missing = invoke(tmp_path / "empty-home", "status")
    assert missing.exit_code == 2 and "giamngheo ingest" in missing.output
    broken = tmp_path / "units.csv"
    broken.write_text(
        "code,level,name,parent_code,area\n19834,commune,X,476,rural\n", encoding="utf-8"
    )
    assert invoke(loaded_home, "registry", "load", str(broken)).exit_code == 2


@pytest.mark.slow
def test_templates_carry_each_village_s_last_list_to_update(shared_home, dien_hoa_lists, tmp_path):
    result = invoke(
        shared_home, "template", "--commune", "19834", "--year", "2026", "--out", str(tmp_path)
    )
    assert result.exit_code == 0 and "danh sách năm 2025" in result.output
    dropped = 0
    for v in (v for v in dien_hoa_lists if v.metadata["year"] == 2025):
        code = v.metadata["village_code"]
        sub = read_submission(tmp_path / f"{code}_2026.xlsx", "t")
        kept = v.households[v.households["claimed_class"] != NOT_POOR]
        dropped += len(v.households) - len(kept)
        assert sub.metadata["year"] == 2026 and sub.metadata["village_code"] == code
        assert sub.households["household_code"].tolist() == kept["household_code"].tolist()
        assert sub.households["seq"].tolist() == list(range(1, len(kept) + 1))
        for column in ("head_name", "members", "claimed_class"):
            assert sub.households[column].tolist() == kept[column].tolist(), column
        assert [tuple(d) for d in sub.households[DEPRIVATIONS]] == [
            tuple(d) for d in kept[DEPRIVATIONS]
        ]
    assert dropped > 0  # households that left poverty last year are not carried over
    guide = load_workbook(tmp_path / "19834-03_2026.xlsx")[GUIDE_SHEET]
    assert "danh sách năm 2025" in guide["A3"].value
    first = invoke(
        shared_home, "template", "--commune", "19834", "--year", "2024", "--out", str(tmp_path)
    )
    assert first.exit_code == 0 and "danh sách năm" not in first.output
    assert read_submission(tmp_path / "19834-03_2024.xlsx", "t").households.empty


def fake_flow(monkeypatch) -> list:
    """Replace the flow by a stub that records its calls."""
    import giamngheo.flows.nightly as nightly
    from giamngheo.flows.summary import RunSummary

    calls: list = []
    monkeypatch.setattr(
        nightly, "run_nightly", lambda *a, **k: calls.append(a) or RunSummary("fake")
    )
    return calls


def test_ingest_with_nothing_new_answers_without_a_flow_run(loaded_home, monkeypatch):
    monkeypatch.setenv("GIAMNGHEO_SETTLE_SECONDS", "0")
    calls = fake_flow(monkeypatch)
    result = invoke(loaded_home, "ingest", "--json")
    assert result.exit_code == 0 and calls == []
    summary = json.loads(result.stdout)
    assert (summary["seen"], summary["skipped"], summary["loaded"], summary["run_id"]) == (
        22,
        22,
        0,
        "",
    )
    assert "nothing new" in result.stderr
    assert json.loads(invoke(loaded_home, "ingest", "--force", "--json").stdout)["run_id"] == "fake"
    assert len(calls) == 1  # --force always runs the flow


def test_ingest_runs_the_flow_when_a_killed_run_left_staging_behind(loaded_home, monkeypatch):
    monkeypatch.setenv("GIAMNGHEO_SETTLE_SECONDS", "0")
    calls = fake_flow(monkeypatch)
    (loaded_home / "staging" / "20261128T000000-abcdef").mkdir(parents=True)
    assert invoke(loaded_home, "ingest").exit_code == 0 and len(calls) == 1


def test_standards_shows_what_is_in_force_before_anything_is_loaded(tmp_path):
    home = tmp_path / "home"
    shown = invoke(home, "standards", "--year", "2027")
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert "Nghị định 351/2025/NĐ-CP" in text and "Nghị định 07/2021" not in text
    assert "2.200.000" in text and "2.800.000" in text and "chưa công bố" in text
    assert "Chuẩn tạm (provisional)" in text and "Xử lý rác thải sinh hoạt" in text
    machines = json.loads(invoke(home, "standards", "--json").output)
    assert [s["standard_id"] for s in machines] == ["nd-07-2021", "nd-351-2025"]
    assert machines[0]["lines"]["rural"] == {
        "poverty_vnd": 1_500_000,
        "near_poor_vnd": None,
        "average_upper_vnd": 2_250_000,
    }
    none = invoke(home, "standards", "--year", "2019")
    assert none.exit_code == 0 and "Không có chuẩn nghèo nào" in none.output


def test_standards_import_refuses_a_bad_file_with_its_line_and_keeps_nothing(tmp_path):
    from tests.transforms.test_standards import PROVINCE

    home = tmp_path / "home"
    bad = tmp_path / "tinh-46.toml"
    bad.write_text(PROVINCE.replace("poverty = 30_000_000", "poverty = 0"), encoding="utf-8")
    refused = invoke(home, "standards", "import", str(bad))
    assert refused.exit_code == 2
    assert "dòng 11, lines.rural.poverty" in refused.output
    assert [s["standard_id"] for s in json.loads(invoke(home, "standards", "--json").output)] == [
        "nd-07-2021",
        "nd-351-2025",
    ]
    bad.write_text(PROVINCE, encoding="utf-8")
    done = invoke(home, "standards", "import", str(bad))
    assert done.exit_code == 0 and "Đã nhập chuẩn" in done.output
    shown = json.loads(invoke(home, "standards", "--province", "46", "--json").output)
    assert [s["standard_id"] for s in shown] == ["nd-07-2021", "nd-351-2025", "tinh-46"]
    assert shown[2]["unit"] == "year" and shown[2]["lines"]["rural"]["poverty_vnd"] == 2_500_000
    elsewhere = json.loads(invoke(home, "standards", "--province", "79", "--json").output)
    assert "tinh-46" not in [s["standard_id"] for s in elsewhere]
