"""The batch's frames: what a run keeps of a batch once its households are staged."""

import gc
import weakref

import numpy as np
import pandas as pd

from giamngheo.transforms.batch import emptied


def _frame_over(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {"members": values, "household_code": pd.Series([f"{i:011d}" for i in range(len(values))])},
        copy=False,
    )


def test_an_emptied_frame_keeps_the_columns_and_types_and_none_of_the_data():
    values = np.arange(100_000)
    frame = _frame_over(values)
    alive = weakref.ref(values)
    empty = emptied(frame)
    del frame, values
    gc.collect()
    assert alive() is None  # a run of ten batches held all ten batches' households
    assert list(empty.columns) == ["members", "household_code"]
    assert empty.empty and empty.dtypes.astype(str).tolist() == ["int64", "str"]


def test_a_slice_of_no_rows_would_keep_them():
    """Why `emptied` exists: `iloc[0:0]` is a view on the frame's arrays."""
    values = np.arange(100_000)
    alive = weakref.ref(values)
    empty = _frame_over(values).iloc[0:0]
    del values
    gc.collect()
    assert alive() is not None and empty.empty
