"""Every row of SPEC §4: bad input gets a clear error naming the argument."""

import numpy as np
import pytest
from numpy.exceptions import AxisError

import fracfft

FUNCS = [fracfft.derivative, fracfft.derivative_adjoint, fracfft.derivative_dalpha]


@pytest.fixture(params=FUNCS, ids=lambda f: f.__name__)
def fn(request):
    return request.param


@pytest.mark.parametrize("alpha", [np.nan, np.inf, -np.inf, np.array([0.5, np.nan])[:, None]])
def test_non_finite_alpha(fn, alpha):
    with pytest.raises(ValueError, match="alpha"):
        fn(np.ones((2, 8)), alpha)


@pytest.mark.parametrize("dx", [0.0, -1.0, np.nan, np.inf, "a"])
def test_bad_dx(fn, dx):
    with pytest.raises(ValueError, match="dx"):
        fn(np.ones(8), 0.5, dx=dx)


def test_dx_tuple_length(fn):
    with pytest.raises(ValueError, match="dx"):
        fn(np.ones((4, 8)), 0.5, axis=(0, 1), dx=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="dx"):
        fn(np.ones((4, 8)), 0.5, axis=-1, dx=(1.0, 2.0))


@pytest.mark.parametrize("alpha", [np.ones(3), np.ones((4, 1, 1)), np.ones((2, 8)),
                                   np.ones((1, 2, 3, 1))])
def test_alpha_array_that_does_not_fit(fn, alpha):
    with pytest.raises(ValueError, match="alpha"):
        fn(np.ones((2, 3, 8)), alpha)


def test_complex_alpha_rejected(fn):
    with pytest.raises(ValueError, match="alpha"):
        fn(np.ones(8), np.array(0.5 + 1j))


def test_zero_dim_input(fn):
    with pytest.raises(AxisError):
        fn(np.float64(3.0), 0.5)


@pytest.mark.parametrize("kw,name", [({"kind": "hilbert"}, "weyl"), ({"method": "dct"}, "rfft"),
                                      ({"backend": "cufft"}, "scipy")])
def test_unknown_names_list_allowed(fn, kw, name):
    with pytest.raises(ValueError, match=name):
        fn(np.ones(8), 0.5, **kw)


def test_axis_errors(fn):
    with pytest.raises(AxisError):
        fn(np.ones((2, 8)), 0.5, axis=2)
    with pytest.raises(AxisError):
        fn(np.ones((2, 8)), 0.5, axis=(0, -3))
    with pytest.raises(ValueError, match="repeated"):
        fn(np.ones((2, 8)), 0.5, axis=(1, -1))


def test_zero_length_transformed_axis(fn):
    with pytest.raises(ValueError, match="0"):
        fn(np.ones((3, 0)), 0.5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.int32])
def test_zero_size_batch_gives_empty_result(fn, dtype):
    x = np.ones((0, 8), dtype=dtype)
    y = fn(x, 0.5)
    expected = {np.int32: np.float64}.get(dtype, dtype)
    assert y.shape == (0, 8) and y.dtype == expected


def test_complex_input_with_rfft(fn):
    with pytest.raises(ValueError, match="rfft"):
        fn(np.ones(8, dtype=complex), 0.5, method="rfft")


@pytest.mark.parametrize("x", [np.array(["a", "b"]), np.array([object(), object()]),
                               np.array([b"a", b"b"])])
def test_object_and_string_dtypes(fn, x):
    with pytest.raises(TypeError, match="dtype"):
        fn(x, 0.5)


def test_nan_and_inf_propagate(fn):
    x = np.ones(16)
    x[3] = np.nan
    for method in ("fft", "rfft"):
        assert np.isnan(fn(x, 0.5, method=method)).all()  # and no RuntimeWarning
    x[3] = np.inf
    for method in ("fft", "rfft"):
        assert not np.isfinite(fn(x, 0.5, method=method)).any()


def test_workers_validation():
    with pytest.raises(ValueError, match="workers"):
        fracfft.derivative(np.ones(8), 0.5, workers=0)
    with pytest.raises(TypeError, match="workers"):
        fracfft.derivative(np.ones(8), 0.5, workers=1.5)
    np.testing.assert_allclose(fracfft.derivative(np.arange(8.0), 0.5, workers=-1),
                               fracfft.derivative(np.arange(8.0), 0.5))


def test_fractional_laplacian_names_s():
    with pytest.raises(ValueError, match=r"\bs\b"):
        fracfft.fractional_laplacian(np.ones((4, 4)), np.nan)
    with pytest.raises(AxisError):
        fracfft.fractional_laplacian(np.float64(1.0), 0.5)


def test_symbol_bad_input():
    with pytest.raises(ValueError, match="n"):
        fracfft.symbol(0, 0.5)
    with pytest.raises(ValueError, match="kind"):
        fracfft.symbol(4, 0.5, kind="x")
    with pytest.raises(ValueError, match="alpha"):
        fracfft.symbol(4, np.nan)
