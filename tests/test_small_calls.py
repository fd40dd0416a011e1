"""The fast paths for small calls (issue 14) give what the general paths give.

The direct pocketfft route against scipy.fft's public functions and against a dense DFT; the
cached plans against fresh validation; the torch bridge's kept spectrum against central
finite differences of the loss (float64) and against the path that recomputes it.
"""

import numpy as np
import pytest
import scipy.fft

import fracfft
from fracfft import _core
from fracfft.fft import _scipy


def dft_matrix(n):
    j = np.arange(n)
    return np.exp(-2j * np.pi * np.outer(j, j) / n)


@pytest.mark.parametrize("n", [1, 2, 7, 32, 33])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_direct_route_matches_scipy_and_a_dense_dft(rng, n, dtype):
    fracfft.derivative(np.ones(4), 0.5)  # loads the scipy adapter
    direct = _scipy.SCIPY._direct
    assert direct is not None  # this SciPy has the internals the route needs
    x = rng.standard_normal((3, n)).astype(dtype)
    eps = np.finfo(dtype).eps
    tol = 8 * eps * np.sqrt(np.log2(n) + 1) * np.abs(x).sum(axis=-1).max()
    spec = direct("rfft", x, None, 1, 1)
    np.testing.assert_array_equal(spec, scipy.fft.rfft(x, axis=1))
    dense = x.astype(np.float64) @ dft_matrix(n).T
    assert np.abs(spec - dense[:, : n // 2 + 1]).max() <= tol
    back = direct("irfft", spec, (n,), 1, 1)
    np.testing.assert_array_equal(back, scipy.fft.irfft(spec, n, axis=1))
    assert np.abs(back - x).max() <= tol
    z = (x + 1j * x[::-1]).T  # complex, transformed along axis 0 of a strided view
    np.testing.assert_array_equal(direct("fft", z, None, 0, 1), scipy.fft.fft(z, axis=0))
    np.testing.assert_array_equal(direct("ifft", z, None, 0, 1), scipy.fft.ifft(z, axis=0))


def test_direct_route_declines_what_it_does_not_cover(rng):
    fracfft.derivative(np.ones(4), 0.5)
    direct = _scipy.SCIPY._direct
    x = rng.standard_normal(8)
    assert direct("rfft", x.astype(">f8"), None, 0, 1) is None  # byte-swapped
    assert direct("rfft", x, (16,), 0, 1) is None  # zero-padding
    assert direct("fft", x, None, 0, 1) is None  # real input to a complex transform
    assert direct("irfft", np.fft.rfft(x), (12,), 0, 1) is None  # would need padding


def counting_backend(calls):
    """A scipy.fft uarray backend that records each call and lets scipy's own backend serve."""

    class Counting:
        __ua_domain__ = "numpy.scipy.fft"

        @staticmethod
        def __ua_function__(method, args, kwargs):
            calls.append(method.__name__)
            return NotImplemented  # let scipy's own backend compute it

    return Counting


def test_a_scipy_uarray_backend_still_serves_fracfft(rng):
    calls = []
    Counting = counting_backend(calls)
    x = rng.standard_normal(32)
    expected = fracfft.derivative(x, 0.5)
    with scipy.fft.set_backend(Counting):
        got = fracfft.derivative(x, 0.5)
    assert calls == ["rfft", "irfft"]
    np.testing.assert_array_equal(got, expected)
    calls.clear()
    fracfft.derivative(x, 0.5)
    assert calls == []


def test_cached_plans_equal_fresh_validation(rng):
    x = rng.standard_normal((4, 10))
    args = [(0.5, -1, "weyl", 1.0), (0.3, 0, "riesz", 0.1), (0.7, (0, 1), "weyl", (0.2, 0.3)),
            (0.4, 1, "caputo", 0.05), (1.2, -1, "gl", 1.0)]
    for alpha, axis, kind, dx in args * 2:  # the second round hits the cache
        _, plan = _core.make_plan(x, alpha, axis, kind=kind, dx=dx, method="auto",
                                  backend=None, workers=None)
        _core._PLANS.clear()
        _, fresh = _core.make_plan(x, alpha, axis, kind=kind, dx=dx, method="auto",
                                   backend=None, workers=None)
        assert plan == fresh
    # the order is still checked on a hit
    _core.make_plan(x, 0.5, -1, kind="caputo", dx=1.0, method="auto", backend=None,
                    workers=None)
    with pytest.raises(ValueError, match="alpha must lie in"):
        fracfft.derivative(x, 1.5, kind="caputo")
    with pytest.raises(ValueError, match="alpha must be finite"):
        fracfft.derivative(x, np.inf)


def test_plan_cache_is_bounded(rng):
    for n in range(1, 2 * _core._PLANS_MAX + 2):
        fracfft.derivative(rng.standard_normal(n), 0.5)
    assert len(_core._PLANS) <= _core._PLANS_MAX
    assert all(v["alpha"] is None for v in _core._PLANS.values())


try:
    import torch
except ImportError:  # pragma: no cover - torch is in the test extra
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="needs torch")


@needs_torch
@pytest.mark.parametrize("n", [1, 2, 31, 32])
@pytest.mark.parametrize("kind", ["weyl", "riesz", "gl", "caputo"])
def test_kept_spectrum_gradients_match_finite_differences(rng, n, kind):
    from fracfft.torch import SpectralFractionalDerivative as F

    alpha0 = 0.6
    x = torch.tensor(rng.standard_normal(n), requires_grad=True)
    g = torch.tensor(rng.standard_normal(n))
    a = torch.tensor(alpha0, dtype=torch.float64, requires_grad=True)
    F.apply(x, a, -1, "auto", kind).backward(g)

    def loss(al):
        y = fracfft.derivative(x.detach().numpy(), al, kind=kind)
        return float(np.dot(y, g.numpy()))

    h = 1e-5
    fd = (loss(alpha0 + h) - loss(alpha0 - h)) / (2 * h)
    scale = max(1.0, abs(fd))
    assert abs(a.grad.item() - fd) <= 1e-7 * scale
    # the x-gradient is the adjoint applied to g, computed independently by the NumPy API
    gx = fracfft.derivative_adjoint(g.numpy(), alpha0, kind=kind)
    np.testing.assert_allclose(x.grad.numpy(), gx, rtol=0,
                               atol=64 * np.finfo(float).eps * np.abs(g.numpy()).sum())


@needs_torch
def test_kept_spectrum_equals_recomputed(rng, monkeypatch):
    from fracfft.torch import SpectralFractionalDerivative as F

    x = torch.tensor(rng.standard_normal((3, 32)), requires_grad=True)
    g = torch.tensor(rng.standard_normal((3, 32)))
    grads = []
    for keep_bins in (_core.KEEP_BINS, 0):
        monkeypatch.setattr(_core, "KEEP_BINS", keep_bins)
        a = torch.tensor(0.45, dtype=torch.float64, requires_grad=True)
        x.grad = None
        F.apply(x, a, -1).backward(g)
        grads.append((x.grad.clone(), a.grad.clone()))
    torch.testing.assert_close(grads[0][0], grads[1][0], rtol=0, atol=1e-14)
    torch.testing.assert_close(grads[0][1], grads[1][1], rtol=1e-13, atol=1e-13)


@needs_torch
def test_in_place_change_after_forward_still_raises():
    from fracfft.torch import SpectralFractionalDerivative as F

    x = torch.randn(16, dtype=torch.float64, requires_grad=True)
    a = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    xin = x * 1.0
    y = F.apply(xin, a, -1)
    with torch.no_grad():
        xin.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@needs_torch
def test_kept_path_honours_a_scipy_uarray_backend_and_the_backend_choice(rng):
    """The torch bridge's small path resolves its route once per call, never past the user."""
    from fracfft.fft import _registry
    from fracfft.torch import SpectralFractionalDerivative as F

    calls = []
    Counting = counting_backend(calls)
    x = torch.tensor(rng.standard_normal(32), requires_grad=True)
    g = torch.tensor(rng.standard_normal(32))

    def step():
        x.grad = None
        a = torch.tensor(0.45, dtype=torch.float64, requires_grad=True)
        F.apply(x, a, -1).backward(g)
        return x.grad.clone(), a.grad.clone()

    expected = step()
    assert _registry.direct_route(None) is not None  # the plain case takes the direct route
    with scipy.fft.set_backend(Counting):
        assert _registry.direct_route(None) is None
        got = step()
    assert calls == ["rfft", "irfft", "rfft", "irfft"]  # forward, then backward's G and gx
    torch.testing.assert_close(got, expected, rtol=0, atol=0)
    for name in ("numpy", "manual"):
        assert _registry.direct_route(name) is None
        with fracfft.set_fft_backend(name):
            assert _registry.direct_route(None) is None
            torch.testing.assert_close(step(), expected, rtol=1e-12, atol=1e-12)
