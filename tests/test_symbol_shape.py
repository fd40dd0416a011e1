"""``fracfft.symbol`` with a shape: the array the operators multiply by (SPEC §1-§2).

Each symbol is checked two ways: a user's own transform loop with it must reproduce
``derivative``/``fractional_laplacian``, and its values must match the bin-by-bin reference of
tests/naive.py, written from the SPEC without fracfft.
"""

import itertools
import math

import numpy as np
import pytest
from numpy.exceptions import AxisError
from scipy.fft import fftn, ifftn, irfftn, rfftn

import fracfft

from naive import fft_tol, rel_err, riesz_value, wavenumber, weyl_bin

EPS = np.finfo(np.float64).eps


def tol(n):
    return fft_tol(n, factor=32)


def naive_symbol(shape, alpha, axes, dxs, kind, real):
    """Bin-by-bin symbol from the SPEC: product of 1-D weyl bins, or isotropic riesz."""
    ns = [shape[a] for a in axes]
    ms = [n // 2 + 1 if real and j == len(axes) - 1 else n for j, n in enumerate(ns)]
    out = np.empty(ms, complex)
    for idx in itertools.product(*map(range, ms)):
        if kind == "weyl":
            out[idx] = math.prod(weyl_bin(k, n, d, alpha) for k, n, d in zip(idx, ns, dxs))
        else:
            r = math.sqrt(sum(wavenumber(k, n, d) ** 2 for k, n, d in zip(idx, ns, dxs)))
            out[idx] = riesz_value(r, alpha)
    full = [1] * len(shape)
    for a, m in zip(axes, ms):
        full[a] = m
    # Axes in the order given: move the grid's dims to where the axes are.
    order = np.argsort(axes)
    return np.transpose(out, order).reshape(full)


CASES = [((12,), (0,)), ((6, 8), (0, 1)), ((5, 6, 4), (2, 0)), ((4, 7, 6), (1,)),
         ((3, 6, 5), (0, 1, 2))]


@pytest.mark.parametrize("kind", ["weyl", "riesz"])
@pytest.mark.parametrize("shape,axes", CASES)
@pytest.mark.parametrize("alpha", [0.6, -1.3, 2.0])
@pytest.mark.parametrize("real", [False, True])
def test_values_match_the_bin_by_bin_reference(kind, shape, axes, alpha, real):
    dxs = tuple(0.3 + 0.2 * j for j in range(len(axes)))
    k = fracfft.symbol(shape, alpha, axes=axes, dx=dxs, kind=kind, real=real)
    ref = naive_symbol(shape, alpha, axes, dxs, kind, real)
    assert k.shape == ref.shape
    assert k.dtype == (np.complex128 if kind == "weyl" else np.float64)
    n = max(shape[a] for a in axes)
    assert rel_err(k, ref) <= tol(n) * 4  # powers of |xi| up to ~10: a few ulps per bin


@pytest.mark.parametrize("kind", ["weyl", "riesz"])
@pytest.mark.parametrize("shape,axes", CASES)
@pytest.mark.parametrize("alpha", [0.75, 1.0])
def test_own_rfft_loop_equals_derivative(kind, shape, axes, alpha, rng):
    x = rng.standard_normal(shape)
    dxs = tuple(0.5 + 0.25 * j for j in range(len(axes)))
    s = [shape[a] for a in axes]
    k = fracfft.symbol(shape, alpha, axes=axes, dx=dxs, kind=kind, real=True)
    mine = irfftn(rfftn(x, axes=axes) * k, s=s, axes=axes)
    ref = fracfft.derivative(x, alpha, axes, kind=kind, dx=dxs)
    assert mine.dtype == ref.dtype == np.float64
    assert rel_err(mine, ref) <= tol(max(s))
    kfull = fracfft.symbol(shape, alpha, axes=axes, dx=dxs, kind=kind)
    z = x + 1j * rng.standard_normal(shape)
    mine = ifftn(fftn(z, axes=axes) * kfull, axes=axes)
    assert rel_err(mine, fracfft.derivative(z, alpha, axes, kind=kind, dx=dxs)) <= tol(max(s))


def test_per_channel_orders(rng):
    x = rng.standard_normal((3, 8, 10))
    alpha = np.array([0.3, 1.0, 1.7]).reshape(3, 1, 1)
    k = fracfft.symbol(x.shape, alpha, axes=(1, 2), kind="riesz", real=True)
    assert k.shape == (3, 8, 6)
    mine = irfftn(rfftn(x, axes=(1, 2)) * k, s=(8, 10), axes=(1, 2))
    ref = fracfft.derivative(x, alpha, (1, 2), kind="riesz")
    assert rel_err(mine, ref) <= tol(10)
    for c in range(3):
        one = fracfft.symbol((8, 10), float(alpha[c, 0, 0]), kind="riesz", real=True)
        # Per-channel orders take the general path, a scalar the fast one: a few ulps apart.
        np.testing.assert_allclose(k[c], one, rtol=8 * EPS, atol=0)


@pytest.mark.parametrize("s_", [0.25, 0.5, 0.9])
def test_laplacian_symbol_as_documented(s_, rng):
    x = rng.standard_normal((8, 9, 6))
    lap = -fracfft.symbol(x.shape, 2 * s_, kind="riesz", real=True)
    mine = irfftn(rfftn(x) * lap, s=x.shape, axes=(0, 1, 2))
    assert rel_err(mine, fracfft.fractional_laplacian(x, s_)) <= tol(9)
    # Exact solution of fractional diffusion u_t = -(-Laplacian)^s u: exp(-t |xi|^(2s)).
    decay = irfftn(rfftn(x) * np.exp(-0.3 * lap), s=x.shape, axes=(0, 1, 2))
    assert decay.mean() == pytest.approx(x.mean(), rel=tol(9))


def test_zero_order_is_identity_and_returns_fresh_writable_arrays():
    for kind in ("weyl", "riesz"):
        k = fracfft.symbol((4, 6), 0.0, kind=kind, real=True)
        np.testing.assert_array_equal(k, np.ones((4, 4)))
    a = fracfft.symbol((6, 8), 0.5, kind="riesz")
    b = fracfft.symbol((6, 8), 0.5, kind="riesz")
    c = fracfft.symbol((6, 8), 0.5, kind="riesz")  # third call: served from the cache
    assert a is not b and b is not c and a.flags.writeable and c.flags.writeable
    c[...] = 7.0
    np.testing.assert_array_equal(fracfft.symbol((6, 8), 0.5, kind="riesz"), a)


def test_one_dimensional_forms_agree():
    # An int keeps its original meaning (complex128); a 1-tuple is the shape form.
    np.testing.assert_array_equal(fracfft.symbol((8,), 0.7, dx=0.5), fracfft.symbol(8, 0.7, dx=0.5))
    np.testing.assert_array_equal(fracfft.symbol(8, 0.7, axes=0, real=True),
                                  fracfft.symbol(8, 0.7, real=True))
    k = fracfft.symbol(8, 0.7, kind="riesz")
    assert k.dtype == np.complex128
    np.testing.assert_array_equal(k.real, fracfft.symbol((8,), 0.7, kind="riesz"))


@pytest.mark.parametrize("bad,kw,exc,match", [
    ((0, 4), {}, ValueError, "n must be"),
    ((4, 2.5), {}, TypeError, "n must be"),
    ((4, 4), {"axes": 2}, AxisError, "axes"),
    ((4, 4), {"axes": (0, 0)}, ValueError, "repeated axes"),
    ((4, 4), {"dx": (1.0,)}, ValueError, "dx"),
    ((4, 4), {"kind": "gl9"}, ValueError, "kind"),
])
def test_bad_arguments(bad, kw, exc, match):
    with pytest.raises(exc, match=match):
        fracfft.symbol(bad, 0.5, **kw)


def test_bad_length_in_the_one_dimensional_form():
    with pytest.raises(TypeError, match="n must be"):
        fracfft.symbol(4.5, 0.5)
    with pytest.raises(ValueError, match="n must be"):
        fracfft.symbol(0, 0.5)


def test_bad_per_channel_order():
    with pytest.raises(ValueError, match="size 1 along the transformed axis"):
        fracfft.symbol((3, 8), np.ones((3, 8)), axes=1)
    with pytest.raises(ValueError, match="alpha must be finite"):
        fracfft.symbol((3, 8), np.inf)
