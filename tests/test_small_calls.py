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


def test_a_global_or_registered_uarray_backend_turns_the_direct_route_off():
    """The default uarray state, once seen, is remembered as a snapshot for a fast check; a
    backend installed later, globally or by registration, must still be seen."""
    from fracfft.fft import _registry

    fracfft.derivative(np.ones(8), 0.5)  # loads SciPy's adapter and sees the default state
    assert _registry.direct_route(None) is not None
    assert _scipy._default_state is not None  # the fast check is armed
    Counting = counting_backend([])
    try:
        scipy.fft.set_global_backend(Counting)
        assert _registry.direct_route(None) is None
    finally:
        scipy.fft.set_global_backend("scipy")
    assert _registry.direct_route(None) is not None
    try:
        scipy.fft.register_backend(Counting)
        assert _registry.direct_route(None) is None
    finally:  # scipy.fft has no unregister; uarray's own clear does it
        from scipy._lib._uarray import clear_backends

        clear_backends("numpy.scipy.fft", registered=True, globals=False)
        scipy.fft.set_global_backend("scipy")
    assert _registry.direct_route(None) is not None


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
    for _ in range(2):  # the second forward takes the torch bridge's lane
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


def _grads(F, x, alpha, g, *args):
    x = x.detach().clone().requires_grad_()
    a = torch.tensor(alpha, dtype=torch.float64, requires_grad=True)
    y = F.apply(x, a, *args)
    y.backward(g)
    return y.detach(), x.grad, a.grad


@needs_torch
@pytest.mark.parametrize("kind", ["weyl", "riesz", "gl", "gl2", "caputo"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128"])
def test_lane_gives_what_the_full_path_gives(rng, monkeypatch, kind, dtype):
    """The second call of the same arguments takes the lane: the same values, bit for bit."""
    from fracfft import torch as ft

    dt = getattr(torch, dtype)
    x = torch.tensor(rng.standard_normal((2, 32)) + (1j * rng.standard_normal((2, 32))
                                                     if dt.is_complex else 0)).to(dt)
    g = torch.tensor(rng.standard_normal((2, 32))).to(dt)
    args = (-1, "auto", kind, 0.3)
    ft._LANES.clear()
    full = _grads(ft.SpectralFractionalDerivative, x, 0.45, g, *args)  # registers the lane
    assert len(ft._LANES) == 1
    taken = []
    lane = ft._lane_forward
    monkeypatch.setattr(ft, "_lane_forward", lambda *a: taken.append(lane(*a)) or taken[-1])
    fast = _grads(ft.SpectralFractionalDerivative, x, 0.45, g, *args)
    assert len(taken) == 1 and taken[0] is not None  # the lane served the forward
    for a, b in zip(full, fast):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    # a new order through the lane equals a fresh validation of that order, and the lane's
    # remembered plan follows the order: 0.45 again after 0.8 is 0.45's result
    other = _grads(ft.SpectralFractionalDerivative, x, 0.8, g, *args)
    for a, b in zip(full, _grads(ft.SpectralFractionalDerivative, x, 0.45, g, *args)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert len(taken) == 3
    ft._LANES.clear()
    fresh = _grads(ft.SpectralFractionalDerivative, x, 0.8, g, *args)
    for a, b in zip(other, fresh):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@needs_torch
def test_lane_checks_the_order_like_the_full_path(rng):
    from fracfft import torch as ft

    F = ft.SpectralFractionalDerivative
    x = torch.tensor(rng.standard_normal(16), requires_grad=True)
    for kind in ("weyl", "caputo"):
        F.apply(x, torch.tensor(0.5, dtype=torch.float64, requires_grad=True), -1, "auto",
                kind)  # the lane of these arguments exists from here on
    with pytest.raises(ValueError, match="alpha must be finite"):
        F.apply(x, torch.tensor(float("nan"), dtype=torch.float64, requires_grad=True))
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\]"):
        F.apply(x, torch.tensor(1.5, dtype=torch.float64, requires_grad=True), -1, "auto",
                "caputo")
    # alpha == 0 is the identity, returned as a copy
    y = F.apply(x, torch.tensor(0.0, dtype=torch.float64, requires_grad=True))
    torch.testing.assert_close(y, x, rtol=0, atol=0)
    assert y.data_ptr() != x.data_ptr()


@needs_torch
def test_lanes_are_bounded(rng):
    from fracfft import torch as ft

    a = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    for n in range(1, 2 * ft._LANES_MAX + 2):
        ft.SpectralFractionalDerivative.apply(torch.tensor(rng.standard_normal(n)), a)
    assert len(ft._LANES) <= ft._LANES_MAX
    assert all(base["alpha"] is None for base, *_ in ft._LANES.values())


@pytest.mark.parametrize("n", [1, 2, 7, 32, 33])
@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0, 2.0, -0.5, 3.3])
def test_scalar_weyl_symbols_equal_the_per_channel_build(n, alpha):
    """The float-order build of the weyl symbols (every step of a learned order) gives the
    per-channel build's values, on one axis of a 2-d grid, up to the second derivative, to
    round-off: NumPy may take other power and cosine routines for an array exponent (NumPy 1.25
    squares a float 2.0 but calls pow for an array of them) than for a Python float."""
    from fracfft import symbols

    for half in (False, True):
        grid = symbols._axis_grid(n, 0.3, half)
        nyq = n // 2 if n % 2 == 0 else None
        fast = symbols._weyl_1d(grid, 1, 2, nyq, alpha, 2)
        general = symbols._weyl_1d(grid, 1, 2, nyq, np.full((1, 1), alpha), 2)
        for a, b in zip(fast, general):
            assert a.shape == b.shape and a.dtype == b.dtype
            np.testing.assert_allclose(a, b, rtol=4 * np.finfo(float).eps, atol=0)


@needs_torch
def test_lane_serves_a_parameter_order(rng, monkeypatch):
    from fracfft import torch as ft

    x = torch.tensor(rng.standard_normal(32))
    alpha = torch.nn.Parameter(torch.tensor(0.6, dtype=torch.float64))
    ft.fractional_derivative(x, alpha).sum().backward()
    first = alpha.grad.clone()
    taken = []
    lane = ft._lane_forward
    monkeypatch.setattr(ft, "_lane_forward", lambda *a: taken.append(lane(*a)) or taken[-1])
    alpha.grad = None
    ft.fractional_derivative(x, alpha).sum().backward()
    assert len(taken) == 1 and taken[0] is not None
    torch.testing.assert_close(alpha.grad, first, rtol=0, atol=0)


@needs_torch
def test_small_paths_take_non_finite_input_silently(rng):
    """SPEC §4: non-finite data is data. The kept forward and its backward (first call and the
    lane) give NaN without a warning, and leave NumPy's error state as it was."""
    import warnings

    from fracfft.torch import fractional_derivative

    x = rng.standard_normal(32)
    x[3] = np.inf
    t = torch.tensor(x, requires_grad=True)
    state = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(2):
            a = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
            y = fractional_derivative(t, a)
            y.backward(torch.ones(32, dtype=torch.float64))
            assert np.isnan(y.detach().numpy()).all() and np.isnan(a.grad.item())
        assert np.isnan(fracfft.derivative(x, 0.5)).all()
    assert np.geterr() == state


@needs_torch
@pytest.mark.parametrize("kind", ["weyl", "riesz", "gl", "caputo"])
@pytest.mark.parametrize("order", ["float", "tensor without grad", "per-channel"])
def test_lane_x_gradient_alone_gives_what_the_full_path_gives(rng, monkeypatch, kind, order):
    """A fixed order (a float, or a tensor that needs no gradient): the kept route (and, for the
    tensor, the lane) give the full path's output and x-gradient bit for bit; per-channel orders
    keep the route but never take the lane."""
    from fracfft import torch as ft

    x = torch.tensor(rng.standard_normal((3, 32)))
    g = torch.tensor(rng.standard_normal((3, 32)))
    alpha = {"float": 0.45, "tensor without grad": torch.tensor(0.45, dtype=torch.float64),
             "per-channel": torch.tensor([[0.3], [0.45], [0.9]], dtype=torch.float64)}[order]

    def run():
        xx = x.clone().requires_grad_()
        y = ft.fractional_derivative(xx, alpha, kind=kind)
        y.backward(g)
        return y.detach(), xx.grad

    full_kept = _core.KEEP_BINS
    monkeypatch.setattr(_core, "KEEP_BINS", 0)  # nothing kept: the general path
    ft._LANES.clear()
    reference = run()
    assert not ft._LANES
    monkeypatch.setattr(_core, "KEEP_BINS", full_kept)
    first, second = run(), run()  # the second through the lane (scalar orders)
    assert len(ft._LANES) == (1 if order == "tensor without grad" else 0)
    for got in (first, second):
        for a, b in zip(reference, got):
            torch.testing.assert_close(a, b, rtol=0, atol=0)


@needs_torch
def test_a_fixed_order_reuses_its_kept_symbols_and_a_cache_turned_off_holds_none(rng,
                                                                                 monkeypatch):
    """Kept symbols are memoised beside the symbol cache (whose counters stand still): the
    lane's repeated plan by identity, alternating orders by value, at most _KEPT_MAX of them;
    with the cache off nothing is held; the values never change."""
    from fracfft import torch as ft
    from fracfft._cache import ByteLRU

    cache = ByteLRU(1 << 20)
    monkeypatch.setattr(_core, "_SYMBOLS_CACHE", cache)
    monkeypatch.setattr(_core, "_LAST_KEPT", [(None, None)])
    monkeypatch.setattr(_core, "_KEPT", {})
    built = []
    build = _core._build_kept_symbols
    monkeypatch.setattr(_core, "_build_kept_symbols", lambda plan: built.append(plan.alpha)
                        or build(plan))
    x = torch.tensor(rng.standard_normal(32))
    g = torch.tensor(rng.standard_normal(32))
    ft._LANES.clear()
    first = _grads(ft.SpectralFractionalDerivative, x, 0.45, g)  # registers the lane
    for _ in range(3):
        for a, b in zip(first, _grads(ft.SpectralFractionalDerivative, x, 0.45, g)):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert built == [0.45]
    other = _grads(ft.SpectralFractionalDerivative, x, 0.8, g)
    for _ in range(2):  # two orders in turn: each built once
        for order, expected in ((0.45, first), (0.8, other)):
            for a, b in zip(expected, _grads(ft.SpectralFractionalDerivative, x, order, g)):
                torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert built == [0.45, 0.8]
    assert cache.info()[1:] == (0, 0, 0, 0)  # the symbol cache saw none of it
    for i in range(2 * _core._KEPT_MAX):
        _grads(ft.SpectralFractionalDerivative, x, 0.1 + 0.01 * i, g)
    assert len(_core._KEPT) == _core._KEPT_MAX
    cache.set_max_bytes(0)
    del built[:]
    for _ in range(2):
        for a, b in zip(first, _grads(ft.SpectralFractionalDerivative, x, 0.45, g)):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert built == [0.45, 0.45]  # nothing held: built each time
    assert _core._LAST_KEPT[0] == (None, None)


@pytest.mark.parametrize("n", [1, 2, 7, 32, 33, 4096])
@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0, 2.0, -0.5, 3.3])
@pytest.mark.parametrize("single", [False, True])
def test_weyl_half_kept_symbols_match_the_symbol_and_its_weighted_derivative(n, alpha, single):
    """The kept symbols of a one-axis weyl rfft plan: K is the forward symbol bit for bit, and
    W is dK/dalpha times each bin's count over n, to round-off."""
    from fracfft import _device, symbols

    for ndim, ax in ((1, 0), (2, 0), (2, 1)):
        k, w = symbols.weyl_half_kept(ndim, ax, n, 0.3, alpha, single)
        ref_k, ref_dk = symbols.grid_symbol(ndim, (ax,), (n,), (0.3,), True, alpha, "weyl",
                                            "both")
        expected_k = ref_k.astype(np.complex64) if single else ref_k
        assert k.shape == expected_k.shape and k.dtype == expected_k.dtype
        assert k.tobytes() == expected_k.tobytes()
        expected_w = _device.weighted_dalpha(ref_dk, (ax,), (n,), True)
        assert w.shape == expected_w.shape and w.dtype == np.complex128
        np.testing.assert_allclose(w, expected_w, rtol=4 * np.finfo(float).eps,
                                   atol=4 * np.finfo(float).eps * np.abs(expected_w).max())
