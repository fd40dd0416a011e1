"""fracfft against the independent dense O(n^2) references of tests/naive.py."""

import numpy as np
import pytest

import fracfft

from naive import crandn, radial_nd, rel_err
from naive import derivative as naive_derivative

ALPHAS = (-0.7, 0.0, 0.3, 1.0, 1.5, 2.0, 2.7)
SIZES = (*range(1, 41), 64, 97, 1000)
DX = 0.37
RTOL = 1e-12


def _floor(x, alpha, n):
    # A reference that is zero up to round-off (e.g. n = 1) is compared absolutely.
    kmax = (np.pi / DX) ** abs(alpha) + 1.0
    return 1e-3 * np.linalg.norm(x) * kmax


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", ["weyl", "riesz"])
def test_real_input_matches_dense_reference(n, kind, rng):
    x = rng.standard_normal((2, n))
    for alpha in ALPHAS:
        ref = naive_derivative(x, alpha, kind=kind, dx=DX)
        assert np.abs(ref.imag).max() <= 1e-9 * (np.abs(ref.real).max() + 1)
        for method in ("fft", "rfft"):
            y = fracfft.derivative(x, alpha, kind=kind, dx=DX, method=method)
            assert y.dtype == np.float64 and y.shape == x.shape
            assert rel_err(y, ref.real, _floor(x, alpha, n)) <= RTOL, (alpha, method)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", ["weyl", "riesz"])
def test_complex_input_matches_dense_reference(n, kind, rng):
    x = crandn(rng, (2, n))
    for alpha in ALPHAS:
        ref = naive_derivative(x, alpha, kind=kind, dx=DX)
        y = fracfft.derivative(x, alpha, kind=kind, dx=DX, method="fft")
        assert y.dtype == np.complex128 and y.shape == x.shape
        assert rel_err(y, ref, _floor(x, alpha, n)) <= RTOL, alpha


@pytest.mark.parametrize("n", [1, 2, 7, 16, 33, 64, 97])
@pytest.mark.parametrize("kind", ["weyl", "riesz"])
def test_adjoint_and_dalpha_match_dense_reference(n, kind, rng):
    x = crandn(rng, (3, n))
    for alpha in ALPHAS:
        for mode, fn in (("adjoint", fracfft.derivative_adjoint),
                         ("dalpha", fracfft.derivative_dalpha)):
            ref = naive_derivative(x, alpha, kind=kind, dx=DX, mode=mode)
            y = fn(x, alpha, kind=kind, dx=DX)
            assert rel_err(y, ref, _floor(x, alpha, n) * (1 + np.log(np.pi / DX * n))) <= RTOL
            yr = fn(x.real, alpha, kind=kind, dx=DX)
            assert yr.dtype == np.float64
            assert rel_err(yr, naive_derivative(x.real, alpha, kind=kind, dx=DX, mode=mode).real,
                           _floor(x, alpha, n) * (1 + np.log(np.pi / DX * n))) <= RTOL


@pytest.mark.parametrize("shape", [(6, 9), (8, 5), (4, 6, 7)])
@pytest.mark.parametrize("alpha", [-0.4, 0.0, 0.8, 2.0, 2.5])
def test_riesz_several_axes_matches_dense_isotropic_reference(shape, alpha, rng):
    x = rng.standard_normal(shape)
    axes = tuple(range(len(shape)))[-2:]
    dxs = (0.5, 1.3)
    ref = radial_nd(x, alpha, axes, dxs)
    for method in ("fft", "rfft"):
        y = fracfft.derivative(x, alpha, axes, kind="riesz", dx=dxs, method=method)
        assert rel_err(y, ref.real, 1e-3 * np.linalg.norm(x)) <= RTOL
    lap = fracfft.fractional_laplacian(x, alpha / 2, axes, dx=dxs)
    ref_lap = radial_nd(x, alpha, axes, dxs, sign=1.0)
    assert rel_err(lap, ref_lap.real, 1e-3 * np.linalg.norm(x)) <= RTOL
    dref = radial_nd(x, alpha, axes, dxs, mode="dalpha")
    d = fracfft.derivative_dalpha(x, alpha, axes, kind="riesz", dx=dxs)
    assert rel_err(d, dref.real, 1e-3 * np.linalg.norm(x)) <= RTOL


@pytest.mark.parametrize("shape", [(6, 9), (8, 5), (5, 4, 6)])
@pytest.mark.parametrize("alpha", [-0.4, 0.0, 0.8, 1.0, 2.5])
def test_weyl_several_axes_is_composition_of_1d(shape, alpha, rng):
    x = crandn(rng, shape)
    axes = (0, len(shape) - 1)
    ref = naive_derivative(naive_derivative(x, alpha, axis=0, dx=0.5), alpha, axis=-1, dx=1.3)
    y = fracfft.derivative(x, alpha, axes, dx=(0.5, 1.3))
    assert rel_err(y, ref, 1e-3 * np.linalg.norm(x)) <= RTOL
    for method in ("fft", "rfft"):
        yr = fracfft.derivative(x.real, alpha, axes, dx=(0.5, 1.3), method=method)
        one_by_one = fracfft.derivative(fracfft.derivative(x.real, alpha, 0, dx=0.5), alpha,
                                        -1, dx=1.3)
        assert rel_err(yr, one_by_one, 1e-3 * np.linalg.norm(x)) <= RTOL


def test_weyl_several_axes_dalpha_is_product_rule(rng):
    x = rng.standard_normal((6, 7))
    alpha, h = 0.6, 1e-5
    d = fracfft.derivative_dalpha(x, alpha, (0, 1))
    fd = (fracfft.derivative(x, alpha + h, (0, 1)) - fracfft.derivative(x, alpha - h, (0, 1)))
    assert rel_err(d, fd / (2 * h)) <= 1e-8


@pytest.mark.parametrize("dtype,complex_dtype", [(np.float32, np.complex64),
                                                 (np.float64, np.complex128)])
def test_dtypes_kept_and_single_precision_accuracy(dtype, complex_dtype, rng):
    x = rng.standard_normal((3, 128)).astype(dtype)
    eps = np.finfo(dtype).eps
    for alpha in (0.5, 1.7):
        y = fracfft.derivative(x, alpha)
        assert y.dtype == dtype
        ref = naive_derivative(x.astype(np.float64), alpha).real
        assert rel_err(y, ref) <= 8 * np.sqrt(np.log2(128)) * eps * 4
        z = fracfft.derivative(x.astype(complex_dtype), alpha)
        assert z.dtype == complex_dtype
    assert fracfft.derivative(np.arange(8), 0.5).dtype == np.float64
    assert fracfft.derivative(np.ones(8, dtype=bool), 0.5).dtype == np.float64
    assert fracfft.derivative(np.ones(8, dtype=np.float16), 0.5).dtype == np.float32


def test_per_channel_alpha_matches_one_call_per_channel(rng):
    x = rng.standard_normal((2, 3, 16))
    alphas = np.array([0.2, 1.0, 1.7]).reshape(3, 1)
    for fn in (fracfft.derivative, fracfft.derivative_adjoint, fracfft.derivative_dalpha):
        for kind in ("weyl", "riesz"):
            y = fn(x, alphas, kind=kind)
            for c in range(3):
                yc = fn(x[:, c], float(alphas[c, 0]), kind=kind)
                np.testing.assert_allclose(y[:, c], yc, rtol=1e-13, atol=1e-13)
