"""fracfft.fft's numpy 2 API on every host backend: out=, s and axes rules, long double."""


import numpy as np
import pytest

import fracfft.fft as ffft
from fracfft._validate import fft_lengths, normalize_fft

from conftest import HOST_BACKENDS


def _dense_dft_ld(x):
    """Long double DFT along the last axis by the definition (angles reduced mod n exactly)."""
    n = x.shape[-1]
    j = np.arange(n)
    pi = 4 * np.arctan(np.longdouble(1))
    w = np.exp(np.clongdouble(-2j) * pi * (np.outer(j, j) % n).astype(np.longdouble) / n)
    return x.astype(np.clongdouble) @ w.T


@pytest.mark.parametrize("backend", HOST_BACKENDS)
def test_out_argument(backend, rng):
    x = rng.standard_normal((6, 5)) + 1j * rng.standard_normal((6, 5))
    expected = ffft.fftn(x, backend=backend)
    out = np.zeros((5, 6), complex).T  # Fortran-ordered destination
    got = ffft.fftn(x, out=out, backend=backend)
    assert got is out
    np.testing.assert_array_equal(out, expected)
    # In place: the input is the output.
    y = x.copy()
    assert ffft.fft(y, axis=0, out=y, backend=backend) is y
    np.testing.assert_array_equal(y, ffft.fft(x, axis=0, backend=backend))
    r = rng.standard_normal(8)
    spec = ffft.rfft(r, out=np.empty(5, np.complex128), backend=backend)
    np.testing.assert_array_equal(spec, ffft.rfft(r, backend=backend))
    with pytest.raises(ValueError, match="wrong shape"):
        ffft.fft(x, out=np.empty((6, 4), complex), backend=backend)
    with pytest.raises(TypeError, match="[Cc]annot cast"):
        ffft.fft(x, out=np.empty(x.shape), backend=backend)
    with pytest.raises(TypeError, match="out"):
        ffft.fft(x, out=[0] * 5, backend=backend)


@pytest.mark.parametrize("backend", HOST_BACKENDS)
def test_s_rules(backend, rng):
    x = rng.standard_normal((6, 5, 4))
    # -1 keeps the axis' input length, also on irfftn's last axis (numpy 2).
    np.testing.assert_allclose(ffft.fftn(x, s=(-1, 3), axes=(0, 2), backend=backend),
                               np.fft.fftn(x, s=(6, 3), axes=(0, 2)), atol=1e-12)
    np.testing.assert_allclose(ffft.irfftn(x, s=(-1, -1), axes=(0, 2), backend=backend),
                               np.fft.irfftn(x, s=(6, 4), axes=(0, 2)), atol=1e-12)
    # A None entry takes the 1-D default (irfft: 2*(m - 1)), with numpy 2's warning.
    with pytest.warns(DeprecationWarning, match="None"):
        y = ffft.irfftn(x, s=(None, 5, None), axes=(0, 1, 2), backend=backend)
    assert y.shape == (6, 5, 6)
    np.testing.assert_allclose(y, np.fft.irfftn(x, s=(6, 5, 6), axes=(0, 1, 2)), atol=1e-12)
    # s without axes: the last len(s) axes; a warning where that is not every axis.
    with pytest.warns(DeprecationWarning, match="axes"):
        y = ffft.fftn(x, s=(3, 2), backend=backend)
    np.testing.assert_allclose(y, np.fft.fftn(x, s=(3, 2), axes=(1, 2)), atol=1e-12)
    # as numpy 2: a warning even where s covers every axis
    with pytest.warns(DeprecationWarning, match="axes"):
        y = ffft.fftn(x, s=x.shape, backend=backend)
    np.testing.assert_allclose(y, np.fft.fftn(x, s=x.shape, axes=(0, 1, 2)), atol=1e-12)
    with pytest.raises(ValueError, match="points"):
        ffft.fftn(x, s=(0, 2), axes=(0, 1), backend=backend)
    with pytest.raises(ValueError, match="axes"):
        ffft.fftn(x, s=(3, 2), axes=(0,), backend=backend)


@pytest.mark.parametrize("backend", HOST_BACKENDS)
def test_repeated_axes_follow_numpy(backend, rng):
    x = rng.standard_normal((2, 3))
    ref = np.fft.fft(np.fft.fft(np.fft.rfft(x, axis=1, n=40), axis=0, n=20), axis=0, n=10)
    got = ffft.rfftn(x, axes=(0, 0, 1), s=(10, 20, 40), backend=backend)
    np.testing.assert_allclose(got, ref, atol=1e-12)
    c = rng.standard_normal((4, 6)) + 1j * rng.standard_normal((4, 6))
    ref = np.fft.fft(np.fft.fft(c, axis=1, n=7), axis=1, n=5)
    np.testing.assert_allclose(ffft.fftn(c, s=(5, 7), axes=(1, 1), backend=backend), ref,
                               atol=1e-12)
    ref = np.fft.irfft(np.fft.ifft(np.fft.ifft(c, axis=0, n=3), axis=0, n=5), axis=0, n=8)
    np.testing.assert_allclose(ffft.irfftn(c, s=(3, 5, 8), axes=(0, 0, 0), backend=backend),
                               ref, atol=1e-12)


@pytest.mark.parametrize("backend", HOST_BACKENDS)
@pytest.mark.parametrize("n", [1, 7, 16, 31, 97, 127, 200])
def test_long_double_keeps_dtype_and_precision(backend, n, rng):
    eps = np.finfo(np.longdouble).eps
    tol = 8 * np.sqrt(np.log2(max(n, 2))) * eps
    x = (rng.standard_normal((2, n)) + 1j * rng.standard_normal((2, n))).astype(np.clongdouble)
    if backend in ("mkl", "fftw"):  # at most double precision: refused, not silently rounded
        with pytest.raises(TypeError, match="long double"):
            ffft.fft(x, backend=backend)
        return
    ref = _dense_dft_ld(x)
    y = ffft.fft(x, backend=backend)
    assert y.dtype == np.clongdouble
    if backend == "numpy" and int(np.__version__.split(".")[0]) < 2:
        pytest.skip("numpy < 2 computes long double in double precision")
    assert np.linalg.norm(y - ref) / np.linalg.norm(ref) <= tol
    r = x.real.copy()
    spec = ffft.rfft(r, backend=backend)
    assert spec.dtype == np.clongdouble
    assert np.linalg.norm(spec - _dense_dft_ld(r)[:, : n // 2 + 1]) <= tol * np.linalg.norm(spec)
    back = ffft.irfft(spec, n=n, backend=backend)
    assert back.dtype == np.longdouble
    assert np.linalg.norm(back - r) <= 2 * tol * np.linalg.norm(r)


def test_normaliser_reads_numpy_and_scipy():
    shape = (4, 5, 6)
    assert fft_lengths(shape, None, (0, 2), c2r=True) == (4, 10)
    assert fft_lengths(shape, (3, -1), (0, 2), c2r=True) == (3, 10)  # adapter default
    assert normalize_fft(shape, (-1, 8), (0, 2), c2r=True) == ((4, 8), (0, 2), "backward", 1)
    assert normalize_fft(shape, (3, -1), (0, 2), c2r=True)[0] == (3, 6)  # numpy: -1 keeps m
    assert normalize_fft(shape, None, (-1, 0, -1), "ortho", 2)[1:] == ((2, 0, 2), "ortho", 2)
    with pytest.raises(ValueError, match="unique"):
        normalize_fft(shape, None, (0, 0), api="scipy")
    with pytest.raises(ValueError, match="at least 1 axis"):
        normalize_fft(shape, None, (), real=True)
    with pytest.raises(np.exceptions.AxisError if hasattr(np, "exceptions") else ValueError):
        normalize_fft(shape, None, (3,))
    with pytest.raises(ValueError, match="norm"):
        normalize_fft(shape, None, None, "unitary")
    with pytest.raises(ValueError, match="workers"):
        normalize_fft(shape, None, None, None, 0)
