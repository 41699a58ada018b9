"""The sheets of the report workbook, one module per official form, each laid out for
printing (see `frame` for what every form shares)."""

from giamngheo.workbooks.forms.commune import plan_sheet
from giamngheo.workbooks.forms.deprivation import deprivation_sheet
from giamngheo.workbooks.forms.dynamics import dynamics_sheet
from giamngheo.workbooks.forms.quality import quality_sheet
from giamngheo.workbooks.forms.sources import sources_sheet
from giamngheo.workbooks.forms.summary import summary_sheet
from giamngheo.workbooks.forms.targets import targets_sheet

__all__ = [
    "deprivation_sheet",
    "dynamics_sheet",
    "plan_sheet",
    "quality_sheet",
    "sources_sheet",
    "summary_sheet",
    "targets_sheet",
]
