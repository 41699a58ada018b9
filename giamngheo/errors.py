"""The few exceptions for when the pipeline cannot go on.

Bad data is never an exception (it is an Issue record); these are for a run that cannot
proceed at all. The CLI and the flow turn them into a user message and an exit code.
"""


class GiamngheoError(Exception):
    """Base class: a condition the user can fix, with a message meant for them."""

    exit_code = 1


class ConfigurationError(GiamngheoError):
    """Settings, paths or arguments are unusable (exit code 2)."""

    exit_code = 2


class RegistryError(GiamngheoError):
    """The admin registry file is malformed (exit code 2)."""

    exit_code = 2


class WarehouseError(GiamngheoError):
    """The warehouse cannot be opened, migrated or written."""


class WarehouseMissing(WarehouseError):
    """There is no warehouse (or snapshot) yet: nothing was ingested (exit code 2)."""

    exit_code = 2


class WarehouseBusy(WarehouseError):
    """Another run holds the writer lock and did not release it in time."""


class PlanExists(GiamngheoError):
    """The commune's own plan table sets these targets; the planner does not overwrite them."""

    exit_code = 2


class QueryError(WarehouseError):
    """A query the warehouse refused or could not run (exit code 2 for an analyst's own SQL)."""

    exit_code = 2
