"""The command line at its edges: exit codes for every command, one-line errors, options in any
place, text from files printed as text, and no process left behind."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from giamngheo.cli import cli
from giamngheo.warehouse.registry import sample_registry_path
from tests.conftest import invoke

pytestmark = pytest.mark.usefixtures("prefect_harness")
EXE = Path(sys.executable).with_name("giamngheo")


def run_cli(home: Path, *args: str, env: dict | None = None, timeout: float = 300):
    environment = {**os.environ, "GIAMNGHEO_SETTLE_SECONDS": "0", **(env or {})}
    return subprocess.run(
        [str(EXE), "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
    )


# (arguments, expected exit code): a usage or configuration error is 2 for every command.
USAGE_ERRORS = [
    (["status", "--year", "two"], 2),
    (["issues", "--nope"], 2),
    (["sql", "select * from no_such_table"], 2),
    (["report", "--year", "1999", "--unit", "476"], 2),
    (["report", "--year", "2024", "--unit", "99999"], 2),
    (["plan", "--commune", "99999", "--year", "2024", "--goal-rate", "1"], 2),
    (["plan", "--commune", "19834", "--year", "2024", "--goal-rate", "-1"], 2),
    (["template", "--commune", "99999", "--year", "2025", "--out", "t"], 2),
    (["registry", "load", "no-such-file.csv"], 2),
    (["ingest", "--inbox", "no-such-folder"], 2),
    (["ingest", "--runner", "quantum"], 2),
    (["rerun"], 2),
    (["rerun", "0123456789abcdef"], 2),
    (["demo", "--runner", "quantum"], 2),
    (["serve", "--cron", "0 1 * * *"], 2),  # no Prefect server
    (["standards", "--year", "1800"], 2),
    (["standards", "import", "no-such-file.toml"], 2),
    (["standards", "import", str(Path(__file__))], 2),  # not a standard's file
    (["users", "add", "x.y", "--role", "commune", "--unit", "99999"], 2),  # no such commune
    (["users", "disable", "nobody"], 2),
    (["web", "--port", "0"], 2),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "code"), USAGE_ERRORS, ids=lambda v: " ".join(v) if isinstance(v, list) else str(v)
)
def test_every_command_exits_2_on_a_usage_or_configuration_error(shared_home, args, code):
    env = {"PREFECT_API_URL": ""} if args[0] == "serve" else {}
    runner = CliRunner(env={"GIAMNGHEO_SETTLE_SECONDS": "0", **env})
    result = runner.invoke(cli, ["--home", str(shared_home), *args])
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.strip() and "Traceback" not in result.output


SUCCESSES = [
    ["status", "--json"],
    ["issues", "--json"],
    ["sql", "select count(*) from households"],
    ["report", "--year", "2024", "--unit", "476"],
    ["plan", "--commune", "19834", "--year", "2025", "--goal-rate", "1"],
    ["template", "--commune", "19834", "--year", "2026", "--out", "templates"],
    ["registry", "load", str(sample_registry_path())],
    ["standards", "--year", "2027"],
    ["users", "list"],
    ["ingest"],
    ["rerun", "--failed"],
]


@pytest.mark.slow
@pytest.mark.parametrize("args", SUCCESSES, ids=" ".join)
def test_every_command_exits_0_when_it_did_its_work(shared_home, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner(env={"GIAMNGHEO_SETTLE_SECONDS": "0"}).invoke(
        cli, ["--home", str(shared_home), *args]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_exit_3_when_a_run_rejects_and_1_on_an_unexpected_failure(
    loaded_home,
    make_workbook,
    monkeypatch,
):
    make_workbook(
        "19834-02", folder=loaded_home / "inbox", name="x.xlsx", cells={(0, "members"): 45}
    )
    assert run_cli(loaded_home, "ingest").returncode == 3
    assert run_cli(loaded_home, "rerun", "--failed").returncode == 3  # still wrong
    from giamngheo.warehouse.store import Warehouse

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Warehouse, "fetch", broken)
    result = CliRunner().invoke(cli, ["--home", str(loaded_home), "status"])
    assert result.exit_code == 1 and "unexpected failure" in result.output


@pytest.mark.slow
def test_global_options_work_after_the_command_too(shared_home):
    after = run_cli(Path("/nonexistent"), "status", "--json", "--home", str(shared_home))
    assert after.returncode == 0 and len(json.loads(after.stdout)) == 22
    verbose = run_cli(shared_home, "sql", "select * from nope", "--verbose")
    assert verbose.returncode != 0 and "Traceback" in verbose.stderr  # details on request


@pytest.mark.slow
def test_an_unknown_id_is_refused_before_any_flow_starts(shared_home):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        before = len(client.read_flow_runs())
    done = run_cli(shared_home, "rerun", "0123456789abcdef")
    assert done.returncode == 2 and "0123456789abcdef" in done.stderr
    with get_client(sync_client=True) as client:
        assert len(client.read_flow_runs()) == before


@pytest.mark.slow
def test_text_from_files_is_printed_as_text(settings, registry, make_workbook):
    home = settings.home
    assert invoke(home, "registry", "load", str(sample_registry_path())).exit_code == 0
    make_workbook(
        "19834-01",
        folder=settings.inbox,
        name="\x1b[31mđỏ\x1b[0m.xlsx",
        metadata={"village_code": "19858-01 [/x]", "village_name": "[bold]Thôn[/bold]"},
    )
    done = run_cli(home, "ingest")
    assert done.returncode == 3, done.stdout + done.stderr  # rejected, and said so: not a crash
    assert "\x1b" not in done.stdout and "\\x1b[31mđỏ\\x1b[0m.xlsx" in done.stdout
    assert "19858-01[/x]" in done.stdout  # a code keeps no spaces; the markup stays text
    status = run_cli(home, "status")
    assert status.returncode == 0 and "19858-01[/x]" in status.stdout
    issues = run_cli(home, "issues")
    assert issues.returncode == 0 and "19858-01[/x]" in issues.stdout
    sid = json.loads(run_cli(home, "status", "--json").stdout)[0]["submission_id"]
    assert f"[{sid}]" in done.stdout  # an id that starts with a letter is not taken for markup


@pytest.mark.slow
def test_the_temporary_prefect_server_dies_with_the_command(settings, registry, dien_hoa_inbox):
    home = settings.home
    assert invoke(home, "registry", "load", str(sample_registry_path())).exit_code == 0
    marker = settings.home / "paused"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL" and k != "PREFECT_HOME"}
    env.update(
        GIAMNGHEO_PAUSE_AT="read",
        GIAMNGHEO_PAUSE_FILE=str(marker),
        GIAMNGHEO_SETTLE_SECONDS="0",
        PREFECT_HOME=str(settings.home.parent / "prefect"),
    )
    proc = subprocess.Popen(
        [str(EXE), "--home", str(home), "ingest"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "ingest never reached read"
        time.sleep(0.2)
    servers = [
        p
        for p in psutil.Process(proc.pid).children(recursive=True)
        if "uvicorn" in " ".join(p.cmdline())
    ]
    assert servers, "the command started no temporary server"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    gone, alive = psutil.wait_procs(servers, timeout=20)
    for p in alive:
        p.kill()
    assert not alive, "the temporary Prefect server outlived the command"


@pytest.mark.slow
def test_dask_logs_only_warnings_unless_verbose(settings, registry, dien_hoa_inbox):
    home = settings.home
    assert invoke(home, "registry", "load", str(sample_registry_path())).exit_code == 0
    done = run_cli(home, "ingest", "--runner", "dask")
    assert done.returncode == 0, done.stderr[-3000:]
    chatter = [line for line in done.stderr.splitlines() if "INFO" in line]
    assert chatter == [], chatter[:5]
