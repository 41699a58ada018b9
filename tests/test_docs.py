"""The README tells the truth: every command it shows exists and has help with an example."""

import re
from pathlib import Path

import click
import pytest

from giamngheo.cli import cli

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


def check_invocation(words: list[str], where: str) -> None:
    """The command a document shows exists, with every option it gives."""
    words = [w for w in words if not w.startswith("#")]
    while words and words[0].startswith("--"):  # global options such as --home DIR
        assert words[0] in {p.opts[0] for p in cli.params if p.opts}, words[0]
        words = words[2:]
    path = tuple(words[:2]) if tuple(words[:2]) in ALL else tuple(words[:1])
    assert path in ALL, f"{where} names a command that does not exist: {' '.join(words)}"
    options = {o for p in ALL[path].params for o in p.opts}
    for word in words[len(path) :]:
        if word.startswith("--"):
            assert word.split("=")[0] in options, f"{where}: {' '.join(path)} has no {word}"


@pytest.mark.parametrize("words", readme_invocations(), ids=" ".join)
def test_every_readme_command_and_option_exists(words):
    check_invocation(words, "README")


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


DOCUMENTS = (
    "README.md",
    "RELIABILITY.md",
    "warehouse/README.md",
    *(f"docs/{p.name}" for p in (Path(__file__).parents[1] / "docs").glob("*.md")),
)


def test_every_make_target_and_image_the_readme_names_exists():
    root = Path(__file__).parents[1]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.M))
    named = set(re.findall(r"`make ([\w-]+)", README))
    assert {"demo", "test", "report-preview"} <= named
    assert named <= targets, f"README names make targets that do not exist: {named - targets}"
    assert re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_image_a_document_shows_exists(document):
    path = Path(__file__).parents[1] / document
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", path.read_text(encoding="utf-8"))
    missing = [image for image in images if not (path.parent / image).is_file()]
    assert missing == [], f"{document} shows images that do not exist: {missing}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_test_and_module_a_document_names_exists(document):
    root = Path(__file__).parents[1]
    text = (root / document).read_text(encoding="utf-8")
    missing = []
    for path, test in re.findall(r"`((?:[\w.]+/)*[\w.]+\.py)(?:::(\w+))?", text):
        found = [root / path] if (root / path).exists() else list(root.glob(f"tests/**/{path}"))
        if not found and "/" not in path:  # a module named by its file alone
            found = [p for p in root.glob(f"*/**/{path}") if ".venv" not in p.parts]
        if not found:
            missing.append(path)
        elif test and not any(
            re.search(rf"^\s*(def|class) {test}\b|^{test} =", p.read_text("utf-8"), re.M)
            for p in found
        ):
            missing.append(f"{path}::{test}")
    assert missing == [], f"{document} names what does not exist: {missing}"


def test_every_setting_is_documented():
    from dataclasses import fields

    from giamngheo.flows.settings import Settings

    operations = (Path(__file__).parents[1] / "docs" / "operations.md").read_text("utf-8")
    documented = set(re.findall(r"`(GIAMNGHEO_[A-Z_]+)`", operations))
    declared = {f"GIAMNGHEO_{f.name.upper()}" for f in fields(Settings)}
    assert declared == documented


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if d != "README.md"])
def test_every_command_the_documents_show_exists(document):
    text = (Path(__file__).parents[1] / document).read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.M | re.S))
    for line in re.findall(r"^\s*(?:\$ )?giamngheo ([a-z-].*)$", blocks, flags=re.M):
        check_invocation(line.split(), document)
