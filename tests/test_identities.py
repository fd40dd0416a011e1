"""Analytic values and the identities of SPEC §1."""

import numpy as np
import pytest
import scipy.fftpack

import fracfft

from naive import crandn

EPS = np.finfo(np.float64).eps


def _grid(n, dx):
    return dx * np.arange(n)


@pytest.mark.parametrize("n,dx", [(64, 0.1), (63, 1.0), (128, 2 * np.pi / 128)])
@pytest.mark.parametrize("alpha", [-0.7, 0.25, 0.5, 1.0, 1.5, 2.0, 2.7])
def test_analytic_sines(n, dx, alpha):
    t = _grid(n, dx)
    for m in (1, 3, n // 2 - 1):
        k = 2 * np.pi * m / (n * dx)
        f = np.sin(k * t)
        weyl = fracfft.derivative(f, alpha, dx=dx)
        riesz = fracfft.derivative(f, alpha, dx=dx, kind="riesz")
        # Round-off in FFT(f) is amplified by at most max|K| = (pi/dx)**alpha at high modes.
        tol = 50 * EPS * n * max(1.0, (np.pi / dx) ** alpha)
        np.testing.assert_allclose(weyl, k**alpha * np.sin(k * t + alpha * np.pi / 2), rtol=0,
                                   atol=tol)
        np.testing.assert_allclose(riesz, -(k**alpha) * np.sin(k * t), rtol=0, atol=tol)


def test_alpha_zero_is_identity_for_every_kind(rng):
    x = rng.standard_normal((3, 10)) + 2.0  # nonzero mean: the identity keeps it
    for kind in ("weyl", "riesz"):
        y = fracfft.derivative(x, 0.0, kind=kind)
        np.testing.assert_array_equal(y, x)
        assert y is not x and not np.shares_memory(y, x)
    np.testing.assert_array_equal(fracfft.fractional_laplacian(x, 0.0), x)


def test_nonzero_alpha_removes_mean(rng):
    x = rng.standard_normal(20) + 5.0
    for kind in ("weyl", "riesz"):
        assert abs(fracfft.derivative(x, 0.5, kind=kind).mean()) < 1e-13
        assert abs(fracfft.derivative(x, -0.5, kind=kind).mean()) < 1e-13


def _mean_free(rng, n, nyquist_free):
    x = rng.standard_normal((2, n))
    spec = np.fft.fft(x)
    spec[:, 0] = 0
    if nyquist_free and n % 2 == 0:
        spec[:, n // 2] = 0
    return np.fft.ifft(spec).real


@pytest.mark.parametrize("n", [15, 16, 33, 64])
@pytest.mark.parametrize("a,b", [(0.3, 0.9), (-0.5, 1.2), (1.0, 1.0), (0.7, -0.7)])
def test_weyl_semigroup(n, a, b, rng):
    x = _mean_free(rng, n, nyquist_free=True)
    lhs = fracfft.derivative(fracfft.derivative(x, b), a)
    np.testing.assert_allclose(lhs, fracfft.derivative(x, a + b), rtol=0,
                               atol=1e-12 * np.abs(x).max() * n ** abs(a + b + 1))


def test_weyl_semigroup_fails_on_even_n_with_nyquist_content(rng):
    # The documented limit of the Nyquist rule: cos(pi a/2) cos(pi b/2) != cos(pi (a+b)/2).
    x = _mean_free(rng, 16, nyquist_free=False)
    lhs = fracfft.derivative(fracfft.derivative(x, 0.5), 0.5)
    assert np.abs(lhs - fracfft.derivative(x, 1.0)).max() > 1e-3


@pytest.mark.parametrize("a,b", [(0.3, 0.9), (-0.5, 1.2), (1.5, 0.4)])
def test_riesz_and_laplacian_semigroups(a, b, rng):
    x = rng.standard_normal((4, 6, 8))
    r = fracfft.derivative(fracfft.derivative(x, b, kind="riesz"), a, kind="riesz")
    np.testing.assert_allclose(r, -fracfft.derivative(x, a + b, kind="riesz"), atol=1e-11)
    lap = fracfft.fractional_laplacian(fracfft.fractional_laplacian(x, a, (1, 2)), b, (1, 2))
    np.testing.assert_allclose(lap, fracfft.fractional_laplacian(x, a + b, (1, 2)), atol=1e-11)


@pytest.mark.parametrize("kind", ["weyl", "riesz"])
@pytest.mark.parametrize("n", [8, 9])
def test_adjoint_identity(kind, n, rng):
    f = crandn(rng, (3, n))
    g = crandn(rng, (3, n))
    for alpha in (-0.6, 0.4, 1.3, 2.0):
        lhs = np.vdot(g, fracfft.derivative(f, alpha, kind=kind))  # <D f, g>
        rhs = np.vdot(fracfft.derivative_adjoint(g, alpha, kind=kind), f)  # <f, D* g>
        assert abs(lhs - rhs) <= 1e-12 * max(1.0, abs(lhs))
    if kind == "riesz":
        np.testing.assert_array_equal(fracfft.derivative_adjoint(f, 0.7, kind=kind),
                                      fracfft.derivative(f, 0.7, kind=kind))


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_integer_orders_match_fftpack_diff(order, rng):
    dx = 0.3
    x = rng.standard_normal(31)
    ref = scipy.fftpack.diff(x, order, period=31 * dx)
    np.testing.assert_allclose(fracfft.derivative(x, order, dx=dx), ref, atol=1e-11)
    xe = _mean_free(rng, 32, nyquist_free=True)[0]
    ref_e = scipy.fftpack.diff(xe, order, period=32 * dx)
    np.testing.assert_allclose(fracfft.derivative(xe, order, dx=dx), ref_e, atol=1e-11)


# riesz at alpha = 0 is left out: it is discontinuous there on every mode (-|xi|^a -> -1 != 1).
@pytest.mark.parametrize("kind,alpha", [*(("weyl", a) for a in (-0.8, 0.0, 0.5, 1.0, 2.0, 2.3)),
                                        *(("riesz", a) for a in (-0.8, 0.5, 1.0, 2.0, 2.3))])
def test_dalpha_matches_central_differences(kind, alpha, rng):
    x = rng.standard_normal((2, 24))
    h = 1e-5
    fd = (fracfft.derivative(x, alpha + h, kind=kind) - fracfft.derivative(x, alpha - h, kind=kind))
    fd /= 2 * h
    d = fracfft.derivative_dalpha(x, alpha, kind=kind)
    if alpha == 0.0:
        # K jumps at alpha = 0 on the zero mode (1 -> 0): compare the mean-free parts.
        fd -= fd.mean(axis=-1, keepdims=True)
    np.testing.assert_allclose(d, fd, rtol=0, atol=1e-7 * np.abs(d).max())


def test_nyquist_rule_real_output_and_methods_agree(rng):
    x = rng.standard_normal((3, 16))
    for alpha in (0.5, 1.0, 1.5, 3.0):
        a = fracfft.derivative(x, alpha, method="fft")
        b = fracfft.derivative(x, alpha, method="rfft")
        assert a.dtype == b.dtype == np.float64
        np.testing.assert_allclose(a, b, atol=1e-12)
    # Odd orders zero the Nyquist mode, even orders keep it as (i xi)^alpha.
    nyq = np.cos(np.pi * np.arange(16))
    np.testing.assert_allclose(fracfft.derivative(nyq, 1.0), 0, atol=1e-12)
    np.testing.assert_allclose(fracfft.derivative(nyq, 2.0), -(np.pi**2) * nyq, atol=1e-11)
    np.testing.assert_allclose(fracfft.derivative(nyq, 0.5), np.pi**0.5 * np.cos(np.pi / 4) * nyq,
                               atol=1e-12)


def test_symbol_function(rng):
    k = fracfft.symbol(8, 0.5, dx=0.5)
    xi = 2 * np.pi * np.fft.fftfreq(8, 0.5)
    assert k.dtype == np.complex128 and k.shape == (8,)
    assert k[0] == 0
    np.testing.assert_allclose(k[1:4], (1j * xi[1:4]) ** 0.5)
    assert k[4] == pytest.approx(abs(xi[4]) ** 0.5 * np.cos(np.pi / 4))
    np.testing.assert_allclose(fracfft.symbol(8, 0.5, dx=0.5, real=True), k[:5])
    np.testing.assert_allclose(fracfft.symbol(8, 1.2, kind="riesz"),
                               np.where(xi == 0, 0, -np.abs(2 * np.pi * np.fft.fftfreq(8)) ** 1.2))
    np.testing.assert_array_equal(fracfft.symbol(5, 0.0), np.ones(5))
    assert fracfft.symbol(6, [0.5, 1.0]).shape == (2, 6)


def test_valid_input_never_warns(rng):
    # pytest turns warnings into errors; negative orders and the zero mode must not log(0)/0**a.
    x = rng.standard_normal(16)
    for alpha in (-2.5, -0.5, 0.0, 0.5):
        for kind in ("weyl", "riesz"):
            for fn in (fracfft.derivative, fracfft.derivative_adjoint, fracfft.derivative_dalpha):
                assert np.all(np.isfinite(fn(x, alpha, kind=kind)))
