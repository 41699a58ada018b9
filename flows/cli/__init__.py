"""The `giamngheo` command line: one module per command group, errors turned into exit codes.

Exit codes (DESIGN §8): 0 all loaded, 3 run completed with rejected submissions, 2 usage or
configuration error, 1 failure.
"""

from giamngheo.flows.cli.main import main

__all__ = ["main"]
