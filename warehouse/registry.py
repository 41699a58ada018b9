"""Reading the admin registry CSV (code,level,name,parent_code,area) and the bundled sample."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from giamngheo.errors import RegistryError
from giamngheo.transforms.registry import REGISTRY_COLUMNS, registry_problems

SAMPLE_REGISTRY = "admin_units_phong_dien.csv"


def read_registry(path: Path) -> pd.DataFrame:
    """A validated registry frame from a CSV file; raises RegistryError listing every problem."""
    try:
        units = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise RegistryError(
            f"Không đọc được danh mục {path} (Cannot read registry): {exc}"
        ) from exc
    units.columns = [c.strip().lower() for c in units.columns]
    for col in units.columns:
        units[col] = units[col].str.strip()
    units = units.replace({"": None})
    problems = registry_problems(units)
    if problems:
        shown = "\n  - ".join(problems[:20])
        more = f"\n  … {len(problems) - 20} more" if len(problems) > 20 else ""
        raise RegistryError(
            f"Danh mục đơn vị hành chính {path} có lỗi (registry has errors):\n  - {shown}{more}"
        )
    return units[list(REGISTRY_COLUMNS)]


def sample_registry_path() -> Path:
    """The bundled registry of Phong Điền district (Thừa Thiên Huế)."""
    return Path(str(resources.files("giamngheo.warehouse").joinpath("reference", SAMPLE_REGISTRY)))
