"""The README tells the truth: every command it shows exists and has help with an example."""

import re
from pathlib import Path

import click
import pytest

from giamngheo.flows.cli import cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
WAREHOUSE_README = (Path(__file__).parents[1] / "warehouse" / "README.md").read_text(
    encoding="utf-8"
)


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            if command.invoke_without_command:  # `standards` shows, `standards import` loads
                yield (*prefix, name), command
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


ALL = dict(commands(cli))


def readme_invocations() -> list[list[str]]:
    lines = re.findall(r"^\s*(?:\$ )?giamngheo (.+)$", README, flags=re.M)
    return [line.split() for line in lines]


def test_readme_shows_commands():
    assert len(readme_invocations()) >= 5


@pytest.mark.parametrize("words", readme_invocations(), ids=" ".join)
def test_every_readme_command_and_option_exists(words):
    words = [w for w in words if not w.startswith("#")]
    while words and words[0].startswith("--"):  # global options such as --home DIR
        assert words[0] in {p.opts[0] for p in cli.params if p.opts}, words[0]
        words = words[2:]
    path = tuple(words[:2]) if tuple(words[:2]) in ALL else tuple(words[:1])
    assert path in ALL, f"README names a command that does not exist: {' '.join(words)}"
    options = {o for p in ALL[path].params for o in p.opts}
    for word in words[len(path) :]:
        if word.startswith("--"):
            assert word.split("=")[0] in options, f"{' '.join(path)} has no option {word}"


@pytest.mark.parametrize("path", list(ALL), ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    help_text = ALL[path].help or ""
    assert "Ví dụ (example)" in help_text and f"giamngheo {' '.join(path)}" in help_text


def test_every_command_is_in_the_readme():
    for path in ALL:
        assert f"giamngheo {' '.join(path)}" in README, path


def test_warehouse_readme_documents_every_table_and_view_and_names_nothing_else(tmp_path):
    from giamngheo.warehouse.store import Warehouse

    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.migrate()
        views = set(wh.views())
        tables = {r[0] for r in wh.con.execute("select table_name from duckdb_tables()").fetchall()}
    named = set(re.findall(r"^### `(\w+)`", WAREHOUSE_README, flags=re.M))
    assert named <= views | tables, f"documented but missing: {named - views - tables}"
    assert views <= named, f"undocumented views: {views - named}"
    assert tables - {"warehouse_settings"} <= named, f"undocumented tables: {tables - named}"


def test_every_make_target_and_image_the_readme_names_exists():
    root = Path(__file__).parents[1]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.M))
    named = set(re.findall(r"`make ([\w-]+)", README))
    assert {"demo", "test", "report-preview"} <= named
    assert named <= targets, f"README names make targets that do not exist: {named - targets}"
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert images and all((root / image).is_file() for image in images), images
