"""What a command costs before it does anything: `giamngheo ingest` handed to the service
must not import pandas, DuckDB or Prefect (together a second) only to send a request."""

import subprocess
import sys

HEAVY = ("pandas", "duckdb", "prefect", "great_expectations", "numpy", "pyarrow")


def test_the_commands_and_the_hand_off_import_no_heavy_library():
    code = (
        "import sys\n"
        "import giamngheo.cli\n"
        "from giamngheo.flows import handoff\n"
        "from giamngheo.workbooks import inbox\n"
        "from giamngheo.cli import running\n"
        "from giamngheo.flows.summary import RunSummary\n"
        "running.print_summary(RunSummary(run_id='r', communes=[{'commune_code': '19834',"
        " 'poor_rate_pct': 1.5, 'near_poor_rate_pct': None}]))\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
    assert "19834" in result.stdout and "1.5" in result.stdout  # the commune table was printed
