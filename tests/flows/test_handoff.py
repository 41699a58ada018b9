"""A run handed to the warm service (`giamngheo serve`): the same records as a run of its own,
and the command behaves the same when the service fails or is gone."""

import shutil
import socket
import threading
from dataclasses import replace

import pytest
from click.testing import CliRunner

from giamngheo.cli import cli
from giamngheo.flows.admin import load_registry
from giamngheo.flows.handoff import Service, socket_path
from giamngheo.flows.serve import run_handed_off
from giamngheo.flows.settings import secure_home
from tests.flows.test_reliability import content, quarantined, reports

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def ingest(home, *args: str):
    runner = CliRunner(env={"GIAMNGHEO_SETTLE_SECONDS": "0"})
    return runner.invoke(cli, ["--home", str(home), "ingest", *args])


def test_a_handed_off_run_writes_what_a_run_of_its_own_writes(
    settings, registry, dien_hoa_inbox, make_workbook
):
    make_workbook(
        "19834-02", 2025, folder=dien_hoa_inbox, name="broken.xlsx", cells={(0, "members"): 45}
    )
    own = replace(
        settings, home=settings.home.parent / "own", inbox=settings.home.parent / "own" / "inbox"
    )
    shutil.copytree(settings.inbox, own.inbox)  # same bytes, same modification times
    load_registry(settings, registry)
    load_registry(own, registry)
    with Service(settings.home, run_handed_off):
        handed = ingest(settings.home, "--json")
    alone = ingest(own.home, "--json")
    assert handed.exit_code == alone.exit_code == 3, handed.output
    assert "dịch vụ" in handed.stderr and "dịch vụ" not in alone.stderr
    assert '"loaded": 22' in handed.stdout and '"rejected": 1' in handed.stdout
    assert content(settings.warehouse_path) == content(own.warehouse_path)
    assert content(settings.published_path) == content(own.published_path)
    assert quarantined(settings.quarantine) == quarantined(own.quarantine)
    assert reports(settings.reports) == reports(own.reports) != {}
    assert not socket_path(settings.home).exists()  # the service took its socket away


def test_an_error_in_the_service_is_the_commands_error(settings, dien_hoa_inbox):
    with Service(settings.home, run_handed_off):
        result = ingest(settings.home)  # no registry loaded yet
    assert result.exit_code == 2
    assert "registry load" in result.output and "Traceback" not in result.output


def test_a_socket_left_by_a_killed_service_is_passed_over(settings, registry, dien_hoa_inbox):
    load_registry(settings, registry)
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left.bind(str(socket_path(settings.home)))
    left.close()  # the file stays, nobody listens
    result = ingest(settings.home, "--json")
    assert result.exit_code == 0, result.output
    assert '"loaded": 22' in result.stdout and "dịch vụ" not in result.stderr


def test_progress_comes_back_and_a_second_run_waits_its_turn_then_gives_up(settings):
    from giamngheo.errors import WarehouseBusy
    from giamngheo.flows.handoff import hand_off
    from giamngheo.flows.summary import RunSummary

    started, release = threading.Event(), threading.Event()

    def run(settings, request, progress):
        progress(1, 2)
        started.set()
        release.wait(30)
        return RunSummary(run_id="r", loaded=2)

    seen, results = [], {}
    with Service(settings.home, run):
        first = threading.Thread(
            target=lambda: results.update(first=hand_off(settings, {}, lambda *p: seen.append(p)))
        )
        first.start()
        assert started.wait(30)
        with pytest.raises(WarehouseBusy):
            hand_off(replace(settings, lock_timeout=0.2), {})
        release.set()
        first.join(30)
    assert seen == [(1, 2)] and results["first"].loaded == 2


def test_a_service_that_stops_during_the_run_is_a_failure_not_a_summary(settings):
    secure_home(settings.home)
    listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listening.bind(str(socket_path(settings.home)))
    listening.listen()

    def take_the_run_then_die() -> None:  # what the command sees of a killed service
        conn, _ = listening.accept()
        with conn:
            conn.makefile("rb").readline()
            conn.sendall(b'{"progress": [0, 22]}\n')

    service = threading.Thread(target=take_the_run_then_die)
    service.start()
    result = ingest(settings.home)
    service.join(30)
    listening.close()
    assert result.exit_code == 1
    assert "run ingest again" in result.output and "Traceback" not in result.output


def test_a_home_too_deep_for_a_socket_gets_no_service_and_runs_alone(tmp_path):
    home = tmp_path / ("d" * 120)
    assert Service(home, run_handed_off).start() is False
    assert not socket_path(home).exists()


def test_the_service_answers_nothing_new_without_a_flow_run(loaded_home, monkeypatch):
    """The command hands over first: the warm service finds that nothing is new, as the command
    would have, and starts no flow run (a command handed over imports neither pandas nor
    DuckDB: see test_cli_imports)."""
    from giamngheo.flows import serve

    def no_run(*args, **kwargs):
        raise AssertionError("a flow run started with nothing new")

    monkeypatch.setattr(serve, "run_nightly", no_run)
    with Service(loaded_home, run_handed_off):
        result = ingest(loaded_home, "--json")
    assert result.exit_code == 0, result.output
    assert '"skipped": 22' in result.stdout and '"run_id": ""' in result.stdout
    assert "nothing new" in result.stderr and "dịch vụ" not in result.stderr
