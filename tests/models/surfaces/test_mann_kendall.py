"""The vectorised Mann-Kendall test equals pymannkendall's, series by series, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from models.surfaces.emerging import mann_kendall
from models.surfaces.mann_kendall import mann_kendall_rows


def one_by_one(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pairs = [mann_kendall(row) for row in x]
    return np.array([z for z, _ in pairs]), np.array([p for _, p in pairs])


def assert_bitwise(x: np.ndarray) -> None:
    try:
        want_z, want_p = one_by_one(x)
    except ZeroDivisionError:  # pymannkendall on a series of one value left after NaN
        with pytest.raises(ZeroDivisionError):
            mann_kendall_rows(x, mann_kendall)
        return
    z, p = mann_kendall_rows(x, mann_kendall)
    assert z.tobytes() == want_z.astype(np.float64).tobytes()
    assert p.tobytes() == want_p.astype(np.float64).tobytes()


# few distinct values (ties everywhere), NaN, signed zeros
values = st.sampled_from([0.0, -0.0, 1.0, -1.5, 2.25, 3.0, np.nan, 1e-300])


@settings(max_examples=80, deadline=None)
@given(
    x=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=14),
        elements=values,
    )
)
def test_equal_to_pymannkendall_with_ties_and_missing_values(x: np.ndarray) -> None:
    assert_bitwise(x)


@settings(max_examples=40, deadline=None)
@given(
    x=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 30), st.integers(3, 40)),
        elements=st.floats(-50, 50, allow_nan=False),
    )
)
def test_equal_to_pymannkendall_on_real_valued_series(x: np.ndarray) -> None:
    assert_bitwise(x)


def test_gi_like_series_in_chunks(monkeypatch) -> None:
    import models.surfaces.mann_kendall as module

    monkeypatch.setattr(module, "_CHUNK_CELLS", 500)  # several chunks
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=(300, 18)), 1)
    x[::7] = x[0]  # repeated series
    x[5] = 2.0  # a constant one
    assert_bitwise(x)
    z, p = mann_kendall_rows(np.arange(30.0).reshape(1, 30), mann_kendall)
    assert z[0] > 5 and p[0] < 1e-6  # a clear rising trend is found


def test_short_and_empty_input() -> None:
    z, p = mann_kendall_rows(np.ones((4, 2)), mann_kendall)
    assert z.tolist() == [0.0] * 4 and p.tolist() == [1.0] * 4
    z, p = mann_kendall_rows(np.empty((0, 12)), mann_kendall)
    assert z.shape == p.shape == (0,)
