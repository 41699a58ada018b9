"""`make bench`: the ingest benchmark, side by side in one run.

1. floor: python-calamine reading every cell of every file (2 processes, like ingest);
2. naive baseline: per file pandas.read_excel + the same GX suite + a DuckDB insert;
3. the fixed start-up of a flow run, with Prefect's temporary server and with a running one;
4. `giamngheo ingest` cold (empty warehouse); 5. again, nothing changed; 6. after 1 % of the
files changed; 4–6 against a Prefect server the benchmark starts once, as a district server
runs one. Each stage runs as a child process whose tree's peak RSS is sampled. Prints one
table and appends it, with the machine's description, to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psutil

from benchmarks import national
from benchmarks.generate import PROFILE, inbox, registry_csv, write_file
from benchmarks.plainxlsx import write_plain_workbook
from giamngheo.transforms.synthetic import sample_lists

ROOT = Path(__file__).parents[1]
RESULTS = Path(__file__).parent / "RESULTS.md"
BIN = Path(sys.executable).parent


@dataclass
class Stage:
    name: str
    seconds: float
    peak_rss_mb: float
    households: int | None = None
    output: str = ""


def measure(name: str, command: list[str], env: dict | None = None) -> Stage:
    """Run a command; wall time and the peak summed RSS of its process tree."""
    start = time.perf_counter()
    environ = {k: v for k, v in {**os.environ, **(env or {})}.items() if v != ""}
    # Output goes to files, not pipes: a pipe nobody drains while the stage runs fills up and
    # blocks it (a 20,000-village summary is larger than a pipe's buffer).
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        proc = subprocess.Popen(
            command, stdout=out_file, stderr=err_file, text=True, env=environ, cwd=ROOT
        )
        parent = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            try:
                rss = parent.memory_info().rss + sum(
                    c.memory_info().rss for c in parent.children(recursive=True) if c.is_running()
                )
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.05)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{name} failed ({proc.returncode}):\n{err[-3000:]}")
    return Stage(name, seconds, peak / 1e6, output=out)


def ingest(home: Path, inbox_dir: Path, name: str, api_url: str | None, *extra: str) -> Stage:
    """`giamngheo ingest`, against the running Prefect server at `api_url` (as on a district
    server where `giamngheo serve` runs), or a temporary one (`api_url` None)."""
    env = {"GIAMNGHEO_SETTLE_SECONDS": "0", "PREFECT_API_URL": api_url or ""}
    stage = measure(
        name,
        [
            str(BIN / "giamngheo"),
            "--home",
            str(home),
            "ingest",
            "--inbox",
            str(inbox_dir),
            "--json",
            *extra,
        ],
        env=env,
    )
    try:
        summary = json.loads(stage.output)
    except json.JSONDecodeError as exc:
        raise SystemExit(
            f"{name}: the output is not the JSON summary ({exc}):\n{stage.output[:3000]}"
        ) from exc
    stage.households = summary["households_loaded"]
    return stage


@contextmanager
def prefect_server(folder: Path):
    """A Prefect server of its own for the run (started once, like a district server's)."""
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "PREFECT_HOME": str(folder),
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the Prefect server did not start")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def warm_service(home: Path, api_url: str):
    """`giamngheo serve` for the home, once it takes runs (its socket is there)."""
    env = {**os.environ, "PREFECT_API_URL": api_url, "GIAMNGHEO_SETTLE_SECONDS": "0"}
    served = subprocess.Popen(
        [str(BIN / "giamngheo"), "--home", str(home), "serve", "--cron", "0 1 1 1 *"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not (home / "serve.sock").is_socket():
            if served.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"giamngheo serve did not start: {served.stderr.read()[-3000:]}")
            time.sleep(0.2)
        yield
    finally:
        served.terminate()
        served.wait(timeout=30)


def change_one_percent(
    inbox_dir: Path,
    units: pd.DataFrame,
    year: int,
    national: bool,
    only: int | None = None,
    version: str = "v2",
) -> int:
    """Rewrite 1 % of the files (every hundredth village; the first `only` of them) as
    corrected versions: new bytes, same villages. Each village's list is drawn on its own, so
    only those are generated."""
    villages = units[units["level"] == "village"].sort_values("code")
    chosen = pd.concat([units[units["level"] != "village"], villages.iloc[::100][:only]])
    seed = 99 + int(version[1:])  # another correction, other bytes
    lists = sample_lists(chosen, years=(year,), seed=seed, profile=PROFILE)
    for k, village in enumerate(lists):
        meta = village.metadata
        path = inbox_dir / meta["commune_code"] / f"{meta['village_code']}_{year}_{version}.xlsx"
        if national:
            write_plain_workbook(path, meta, village.households)
        else:
            write_file(path, k * 100, village)  # the position of the village in the inbox
    return len(lists)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = cpu
    return (
        f"{os.cpu_count()} CPUs ({model}), {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--villages", type=int, default=2000)
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the naive baseline (large N)"
    )
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument(
        "--national",
        action="store_true",
        help="the national inbox: the communes of 1 July 2025, 2026 lists (benchmarks.national)",
    )
    args = parser.parse_args()

    source = national.inbox(args.villages) if args.national else inbox(args.villages)
    work = Path(tempfile.mkdtemp(prefix="giamngheo-bench-"))
    try:
        stages = run_stages(args, source, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = render(args.villages, stages)
    print(table)
    if not args.no_results:
        with RESULTS.open("a", encoding="utf-8") as fh:
            title = f"N = {args.villages:,} villages" + (
                ", national inbox" if args.national else ""
            )
            fh.write(f"\n## {dt.date.today().isoformat()}: {title}\n\n{machine()}\n\n{table}\n")


def run_stages(args, source: Path, work: Path) -> dict[str, Stage]:
    stages: dict[str, Stage] = {}
    env = {"PYTHONPATH": str(ROOT)}
    stages["floor"] = measure(
        "floor", [sys.executable, "-m", "benchmarks.floor", str(source), "2"], env
    )
    if not args.no_baseline:
        stages["baseline"] = measure(
            "naive baseline",
            [sys.executable, "-m", "benchmarks.baseline", str(source), str(work / "base.duckdb")],
            env,
        )
        stages["baseline"].households = int(stages["baseline"].output.split()[2])
    home = work / "home"
    subprocess.run(
        [
            str(BIN / "giamngheo"),
            "--home",
            str(home),
            "registry",
            "load",
            str(
                national.registry_csv(args.villages)
                if args.national
                else registry_csv(args.villages)
            ),
        ],
        check=True,
        capture_output=True,
    )
    empty = work / "empty-inbox"
    empty.mkdir()
    with prefect_server(work / "prefect") as api_url:
        # The fixed cost of a flow run (--force: run it even with nothing to read).
        stages["startup-temporary"] = ingest(
            home, empty, "start-up, temporary Prefect server", None, "--force"
        )
        stages["startup"] = ingest(
            home, empty, "start-up, running Prefect server", api_url, "--force"
        )
        inbox_copy = work / "inbox"
        shutil.copytree(source, inbox_copy)
        stages["cold"] = ingest(home, inbox_copy, "ingest, cold", api_url)
        stages["again"] = ingest(home, inbox_copy, "ingest, nothing changed", api_url)
        units = pd.read_csv(
            national.registry_csv(args.villages) if args.national else registry_csv(args.villages),
            dtype=str,
            keep_default_na=False,
        ).replace({"": None})
        year = national.YEAR if args.national else 2024
        change_one_percent(inbox_copy, units, year, args.national)
        stages["changed"] = ingest(home, inbox_copy, "ingest, 1 % changed", api_url)
        # An officer drops one corrected file: with the district's server running, and without.
        change_one_percent(inbox_copy, units, year, args.national, only=1, version="v3")
        stages["one"] = ingest(home, inbox_copy, "one corrected file, running server", api_url)
        change_one_percent(inbox_copy, units, year, args.national, only=1, version="v4")
        stages["one-temporary"] = ingest(
            home, inbox_copy, "one corrected file, temporary server", None
        )
        # The same with `giamngheo serve` running: the command hands the run to it.
        with warm_service(home, api_url):
            change_one_percent(inbox_copy, units, year, args.national, only=1, version="v5")
            stages["one-served"] = ingest(
                home, inbox_copy, "one corrected file, `serve` running", api_url
            )
            change_one_percent(inbox_copy, units, year, args.national, version="v6")
            stages["changed-served"] = ingest(
                home, inbox_copy, "ingest, 1 % changed, `serve` running", api_url
            )
    stages["analyst"] = analyst_queries(home)
    return stages


def analyst_queries(home: Path) -> Stage:
    """commune_poverty, district_poverty and province_poverty on the published snapshot."""
    from giamngheo.warehouse.store import Warehouse

    timings = []
    with Warehouse(home / "published" / "current.duckdb", read_only=True) as snapshot:
        for view in ("commune_poverty", "district_poverty", "province_poverty"):
            start = time.perf_counter()
            snapshot.view(view)
            timings.append(f"{view} {time.perf_counter() - start:.3f} s")
    return Stage("analyst views", 0.0, 0.0, output="; ".join(timings))


def render(villages: int, stages: dict[str, Stage]) -> str:
    floor = stages["floor"].seconds
    base = stages.get("baseline")
    startup = stages["startup"].seconds
    cold = stages["cold"]
    lines = [
        "| stage | wall s | households/s | peak RSS MB | × floor | × baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    keys = ("floor", "baseline", "startup-temporary", "startup", "cold", "again", "changed")
    for key in (*keys, "changed-served", "one", "one-temporary", "one-served"):
        s = stages.get(key)
        if s is None:
            continue
        hh = s.households if s.households is not None else cold.households
        fixed = key.startswith(("startup", "again", "one", "changed"))
        rate = f"{hh / s.seconds:,.0f}" if hh and not fixed else ""
        vs_base = f"{s.seconds / base.seconds:.3f}" if base else ""
        lines.append(
            f"| {s.name} | {s.seconds:.1f} | {rate} | {s.peak_rss_mb:,.0f} | {s.seconds / floor:.2f} | {vs_base} |"
        )
    net = cold.seconds - min(startup, 10.0)
    lines += [
        "",
        f"- households loaded: {cold.households:,}"
        + (f" (baseline: {base.households:,})" if base else ""),
        f"- cold ingest minus start-up ({min(startup, 10.0):.1f} s): {net:.1f} s = {net / floor:.2f} × floor"
        + (f"; baseline ÷ cold = {base.seconds / cold.seconds:.1f} ×" if base else ""),
        f"- nothing changed: {stages['again'].seconds / cold.seconds:.1%} of cold; "
        f"1 % changed: {stages['changed'].seconds / cold.seconds:.1%} of cold "
        f"({stages['changed-served'].seconds / cold.seconds:.1%} handed to `giamngheo serve`)",
        f"- one corrected file, inbox to snapshot and reports: {stages['one'].seconds:.1f} s "
        f"with a running Prefect server, {stages['one-temporary'].seconds:.1f} s with a "
        f"temporary one, {stages['one-served'].seconds:.1f} s handed to `giamngheo serve`",
        f"- analyst views on the snapshot: {stages['analyst'].output}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
