"""The wheel a user installs works on its own: built from the repository, installed in a fresh
virtual environment outside it, it migrates a warehouse and runs the demo end to end."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def test_the_built_wheel_installs_in_a_fresh_environment_and_runs_the_demo(tmp_path):
    from prefect.settings import PREFECT_API_URL

    source = tmp_path / "source"  # a copy: building in place would leave build/ behind
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "data", "*.egg-info", "__pycache__"
        ),
    )
    dist = tmp_path / "dist"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    [wheel] = dist.glob("giamngheo-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q"]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True, timeout=300)
    # The dependencies come from this environment's site-packages (a path, so its editable
    # install of the project is not active there): what is tested is the wheel's own content.
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.check_output(
        [str(python), "-c", "import giamngheo.warehouse.store as s; print(s.__file__)"],
        cwd=tmp_path,
        text=True,
    )
    assert where.startswith(str(venv)), where
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    done = subprocess.run(
        [str(venv / "bin" / "giamngheo"), "--home", str(tmp_path / "home"), "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Xã Điền Hòa" in done.stdout
    assert list((tmp_path / "home" / "reports").glob("*.xlsx"))
