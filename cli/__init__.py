"""The `giamngheo` command line: one module per command group, errors turned into exit codes.

Each command module attaches its commands to the group in `app.py` when imported. Exit codes
(README): 0 all loaded, 3 run completed with rejected submissions, 2 usage or
configuration error, 1 failure.
"""

from giamngheo.cli import outputs, plan, query, registry, run, standards, web  # noqa: F401
from giamngheo.cli.app import cli


def main() -> None:
    cli(prog_name="giamngheo")


__all__ = ["cli", "main"]
