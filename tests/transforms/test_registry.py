import pandas as pd
import pytest

from giamngheo.transforms.registry import registry_problems


def test_the_bundled_registry_is_consistent(registry):
    assert registry_problems(registry) == []
    assert (registry["level"] == "commune").sum() == 16


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (("19834-99", "village", "Thôn 99", "19999", "rural"), "parent"),
        (("1983", "commune", "X", "476", "rural"), "code does not fit"),
        (("19866", "commune", "X", "476", "mountain"), "area"),
        (("19866", "hamlet", "X", "476", "rural"), "unknown level"),
        (("19819-01", "village", "Dup", "19819", "urban"), "duplicate"),
    ],
)
def test_registry_problems_are_named(registry, row, fragment):
    broken = pd.concat([registry, pd.DataFrame([row], columns=registry.columns)], ignore_index=True)
    assert any(fragment in p for p in registry_problems(broken))
