"""Causal kinds gl, gl2, caputo (SPEC §5) against independent references.

The reference weights never call fracfft: gl by the product of ratios in long double, gl2 as
the product of the two binomial series of ``(1 - z)^a (1 - z/3)^a`` (truncated where
``3^-j`` underflows), caputo straight from its definition in mpmath; alpha-derivatives by
mpmath's numerical differentiation at 40 digits. The operator is compared with the dense
O(N^2) sum ``numpy.convolve(u, c)[:N]``.
"""

import math
from functools import lru_cache

import numpy as np
import pytest
from scipy import special

import fracfft
from fracfft import _core, causal

from conftest import HOST_BACKENDS
from naive import crandn, rel_err

mp = pytest.importorskip("mpmath")

EPS = np.finfo(np.float64).eps
EPS32 = np.finfo(np.float32).eps
LD = np.longdouble
SIZES = list(range(1, 41)) + [64, 97, 1000, 4096]
NMAX = max(SIZES)
ALPHAS = {"gl": (-1.5, -1.0, -0.3, 0.0, 0.5, 1.0, 1.7, 2.0, 2.5),
          "gl2": (-1.5, -1.0, -0.3, 0.0, 0.5, 1.0, 1.7, 2.0, 2.5),
          "caputo": (0.0, 0.1, 0.5, 0.9, 1.0)}
KINDS = tuple(ALPHAS)


# ------------------------------------------------------------------ independent references
def _gl_ld(a, n):
    k = np.arange(1, n, dtype=LD)
    return np.concatenate([[LD(1)], np.cumprod((k - 1 - LD(a)) / k)])


@lru_cache(maxsize=64)
def ref_weights(kind, a, n=NMAX, dx=1.0):
    """Float64 weights c_0..c_{n-1} computed without fracfft (long double or mpmath)."""
    if kind == "gl":
        w = _gl_ld(a, n) * LD(dx) ** LD(-a)
    elif kind == "gl2":
        g = _gl_ld(a, n)
        j = min(n, 80)  # 3**-80 < 1e-38: the rest is below long double's resolution
        u = g[:j] / LD(3) ** np.arange(j, dtype=LD)
        w = np.zeros(n, dtype=LD)
        for i in range(j):
            w[i:] += u[i] * g[: n - i]
        w *= (LD(1.5) / LD(dx)) ** LD(a)
    else:
        w = np.array([float(v) for v in _caputo_mp(a, n, dx)])
    return np.asarray(w, dtype=np.float64)


def _caputo_mp(a, n, dx, deriv=0):
    mp.mp.dps = 40

    def c(k, al):
        beta = 1 - al

        def b(j):
            return mp.mpf(1) if j == 0 else (j + 1) ** beta - mp.mpf(j) ** beta

        return (b(k) - (b(k - 1) if k else 0)) * mp.mpf(dx) ** (-al) / mp.gamma(2 - al)

    if deriv == 0:
        return [c(k, mp.mpf(a)) for k in range(n)]
    return [mp.diff(lambda al, k=k: c(k, al), mp.mpf(a), deriv) for k in range(n)]


@lru_cache(maxsize=128)
def ref_weight_derivs(kind, a, n, deriv, dx=1.0):
    """d^deriv/da^deriv of the weights by mpmath differentiation of independent formulas."""
    mp.mp.dps = 40
    if kind == "caputo":
        return np.array([float(v) for v in _caputo_mp(a, n, dx, deriv)])

    def gl(al, k, scale=1):
        return (-1) ** k * mp.binomial(al, k) * mp.mpf(scale) ** (-k)

    def c(al, k):
        front = mp.mpf(dx) ** (-al)
        if kind == "gl":
            return front * gl(al, k)
        return front * mp.mpf(1.5) ** al * mp.fsum(gl(al, i, 3) * gl(al, k - i)
                                                  for i in range(k + 1))

    return np.array([float(mp.diff(lambda al, k=k: c(al, k), mp.mpf(a), deriv))
                     for k in range(n)])


def dense(u, c, axis=-1):
    """The O(N^2) causal sum along ``axis`` (numpy.convolve, cropped)."""
    u = np.moveaxis(np.asarray(u), axis, -1)
    n = u.shape[-1]
    flat = u.reshape(-1, n)
    out = np.array([np.convolve(row, c[:n])[:n] for row in flat]).reshape(u.shape)
    return np.moveaxis(out, -1, axis)


def project(x, kind, axis=-1):
    return x - np.take(x, [0], axis=axis) if kind == "caputo" else x


def rel(y, ref):
    return rel_err(y, ref, if_zero=1.0)


# ------------------------------------------------------------------ weights
@pytest.mark.parametrize("kind", KINDS)
def test_weights_against_high_precision(kind):
    n = 400
    for a in ALPHAS[kind]:
        w = fracfft.weights(n, a, kind=kind)
        if kind == "caputo":
            ref = np.array([float(v) for v in _caputo_mp(a, n, 1.0)])
        else:
            mp.mp.dps = 40
            ref = ref_weight_derivs(kind, a, 30, 0)
            ref = np.concatenate([ref, ref_weights(kind, a, n)[30:]])
        assert w.dtype == np.float64 and w.shape == (n,)
        k = np.arange(n)
        # Per weight: a few ulps times the recurrence length (SPEC: accurate float64 weights).
        bound = 8 * EPS * (1 + k) * np.abs(ref)
        bad = np.abs(w - ref) > np.maximum(bound, 1e-300)
        assert not bad.any(), (kind, a, k[bad][:5], w[bad][:5], ref[bad][:5])


def test_gl2_weights_accuracy_at_large_n():
    # Miller's recurrence against the product of two series in long double.
    n = 20000
    for a in (-1.5, 0.5, 1.7, 2.5):
        w = fracfft.weights(n, a, kind="gl2")
        ref = ref_weights("gl2", a, n)
        k = np.arange(n)
        assert np.all(np.abs(w - ref) <= 2 * EPS * (1 + k) * np.abs(ref)), a


def test_caputo_weights_no_cancellation_at_large_k():
    n, a = 100000, 0.4
    w = fracfft.weights(n, a, kind="caputo")
    mp.mp.dps = 40
    for k in (4, 5, 999, 12345, n - 1):
        beta = mp.mpf(1) - mp.mpf(a)
        exact = ((k + 1) ** beta - 2 * mp.mpf(k) ** beta + (k - 1) ** beta) / mp.gamma(1 + beta)
        assert abs(w[k] - float(exact)) <= 16 * EPS * abs(float(exact)), k


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("deriv", [1, 2])
def test_weight_alpha_derivatives(kind, deriv):
    n, dx = 40, 0.37
    for a in ALPHAS[kind]:
        got = causal.weight_jets(n, a, kind, dx, deriv)[deriv, 0]
        ref = ref_weight_derivs(kind, a, n, deriv, dx)
        scale = np.abs(ref).max()
        assert np.abs(got - ref).max() <= 1e3 * EPS * scale, (kind, a, deriv)


def test_weights_special_values():
    np.testing.assert_array_equal(fracfft.weights(4, 1.0), [1.0, -1.0, 0.0, 0.0])
    np.testing.assert_array_equal(fracfft.weights(4, 1.0, kind="gl2"), [1.5, -2.0, 0.5, 0.0])
    np.testing.assert_array_equal(fracfft.weights(4, 0.0, kind="caputo"), [1.0, 0, 0, 0])
    np.testing.assert_array_equal(fracfft.weights(4, 1.0, kind="caputo"), [1.0, -1.0, 0, 0])
    np.testing.assert_allclose(fracfft.weights(5, -1.0, dx=0.5), 0.5 * np.ones(5), rtol=EPS)
    w = fracfft.weights(6, np.array([[0.2], [0.7]]), kind="gl2", dx=2.0)
    assert w.shape == (2, 1, 6)
    np.testing.assert_array_equal(w[1, 0], fracfft.weights(6, 0.7, kind="gl2", dx=2.0))


# ------------------------------------------------------------------ the operator
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("backend", HOST_BACKENDS)
def test_against_dense_sum(kind, backend, rng):
    for n in SIZES:
        x = rng.standard_normal(n)
        u = project(x, kind)
        for a in ALPHAS[kind]:
            c = ref_weights(kind, a)
            ref = dense(u, c)
            for method in ("rfft", "fft"):
                y = fracfft.derivative(x, a, kind=kind, method=method, backend=backend)
                assert y.dtype == np.float64 and y.shape == x.shape
                # SPEC §5: eps * log2(N) * sum|c| * max|u|, here with a factor 4.
                bound = 4 * EPS * max(math.log2(n), 1) * np.abs(c[:n]).sum() * np.abs(u).max()
                assert np.abs(y - ref).max() <= bound, (n, a, method)
                assert rel(y, ref) <= 1e-12, (n, a, method)


@pytest.mark.parametrize("kind", KINDS)
def test_convolve_with_public_weights_and_dx(kind, rng):
    x = rng.standard_normal((3, 50))
    for a in ALPHAS[kind]:
        for dx in (0.01, 0.37, 3.0):
            y = fracfft.derivative(x, a, kind=kind, dx=dx)
            w = fracfft.weights(50, a, kind=kind, dx=dx)
            ref = dense(project(x, kind), w)
            assert rel(y, ref) <= 1e-13
            np.testing.assert_allclose(w, ref_weights(kind, a, 50, dx), rtol=1e-13, atol=0)


def test_classical_special_cases(rng):
    x = rng.standard_normal(30)
    dx = 0.25
    d = fracfft.derivative
    back = np.diff(x, prepend=0.0) / dx
    np.testing.assert_allclose(d(x, 1.0, kind="gl", dx=dx), back, rtol=0, atol=1e-13 * 8)
    np.testing.assert_allclose(d(x, -1.0, kind="gl", dx=dx), dx * np.cumsum(x), atol=1e-13)
    xm1 = np.concatenate([[0.0], x[:-1]])
    xm2 = np.concatenate([[0.0, 0.0], x[:-2]])
    bdf2 = (1.5 * x - 2 * xm1 + 0.5 * xm2) / dx
    np.testing.assert_allclose(d(x, 1.0, kind="gl2", dx=dx), bdf2, atol=1e-12)
    cap1 = np.concatenate([[0.0], np.diff(x)]) / dx
    np.testing.assert_allclose(d(x, 1.0, kind="caputo", dx=dx), cap1, atol=1e-13 * 8)
    np.testing.assert_allclose(d(x, 0.0, kind="caputo"), x - x[0], atol=1e-15)
    for kind in ("gl", "gl2"):
        y = d(x, 0.0, kind=kind)
        np.testing.assert_array_equal(y, x)
        assert not np.shares_memory(y, x)


def _power_errors(kind, a, p, ns):
    exact = special.gamma(p + 1) / special.gamma(p + 1 - a)  # D^a t^p at t = 1
    errs = []
    for n in ns:
        dx = 1.0 / n
        t = dx * np.arange(n + 1)
        errs.append(abs(fracfft.derivative(t**p, a, kind=kind, dx=dx)[-1] - exact))
    return np.array(errs)


@pytest.mark.parametrize("kind,alphas,order", [
    ("gl", (-0.5, 0.5, 1.5), lambda a: 1.0),
    ("gl2", (-0.5, 0.5, 1.5), lambda a: 2.0),
    ("caputo", (0.2, 0.5, 0.8), lambda a: 2.0 - a),
])
def test_convergence_orders_on_powers(kind, alphas, order):
    ns = [512, 1024, 2048]
    for a in alphas:
        for p in (2.0, 3.0):
            e = _power_errors(kind, a, p, ns)
            observed = np.log2(e[:-1] / e[1:])
            assert np.all(np.abs(observed - order(a)) <= 0.1), (a, p, observed)


def test_caputo_of_exp_converges_to_e_erf():
    exact = math.e * math.erf(1.0)
    assert abs(exact - 2.2906982523032378) < 4 * EPS
    errs = []
    for n in (256, 1024, 4096, 16384):
        t = np.linspace(0.0, 1.0, n + 1)
        errs.append(abs(fracfft.derivative(np.exp(t), 0.5, kind="caputo", dx=1.0 / n)[-1]
                        - exact))
    observed = np.log(np.array(errs[:-1]) / errs[1:]) / np.log(4.0)
    assert np.all(np.abs(observed - 1.5) <= 0.1), observed
    assert errs[-1] < 1e-6


def test_caputo_exact_on_piecewise_linear(rng):
    # Breakpoints on the grid: the L1 scheme integrates the linear interpolant exactly.
    n, dx, a = 300, 0.02, 0.35
    nodes = np.sort(rng.choice(np.arange(1, n - 1), 6, replace=False))
    t = dx * np.arange(n)
    knots = np.concatenate([[0], nodes, [n - 1]])
    vals = rng.standard_normal(knots.size)
    x = np.interp(np.arange(n), knots, vals)
    mp.mp.dps = 30
    exact = []
    for i in range(n):
        total = mp.mpf(0)
        for k0, k1, v0, v1 in zip(knots[:-1], knots[1:], vals[:-1], vals[1:]):
            lo, hi = min(k0, i), min(k1, i)
            if hi <= lo:
                continue
            slope = (mp.mpf(v1) - mp.mpf(v0)) / ((k1 - k0) * mp.mpf(dx))
            # int_lo^hi slope (t_i - s)^-a ds / Gamma(1-a)
            total += slope * (((i - lo) * mp.mpf(dx)) ** (1 - a)
                              - ((i - hi) * mp.mpf(dx)) ** (1 - a)) / mp.gamma(2 - a)
        exact.append(float(total))
    y = fracfft.derivative(x, a, kind="caputo", dx=dx)
    assert np.abs(y - exact).max() <= 64 * EPS * math.log2(n) * np.abs(exact).max() * 10
    assert t[-1] > 0


@pytest.mark.parametrize("kind", ["gl", "gl2"])
def test_exact_inverse_and_semigroup_at_20000(kind, rng):
    n = 20000
    x = rng.standard_normal(n)
    for a in (0.3, 0.5, 0.9, 1.3):
        y = fracfft.derivative(fracfft.derivative(x, a, kind=kind, dx=0.01), -a, kind=kind,
                               dx=0.01)
        assert rel(y, x) <= 1e-10, a
        for b in (-0.8, 0.4):
            s = fracfft.derivative(fracfft.derivative(x, a, kind=kind), b, kind=kind)
            assert rel(s, fracfft.derivative(x, a + b, kind=kind)) <= 1e-10, (a, b)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape,axis", [((40,), -1), ((5, 33), 0), ((4, 7, 9), (0, 2)),
                                        ((6, 5), (0, 1))])
def test_adjoint_identity(kind, shape, axis, rng):
    f = crandn(rng, shape)
    g = crandn(rng, shape)
    for a in ALPHAS[kind][1::2]:
        dxs = 0.5 if isinstance(axis, int) else tuple(0.3 + 0.2 * i for i in range(len(axis)))
        lhs = np.vdot(g, fracfft.derivative(f, a, axis, kind=kind, dx=dxs))
        rhs = np.vdot(fracfft.derivative_adjoint(g, a, axis, kind=kind, dx=dxs), f)
        scale = np.linalg.norm(f) * np.linalg.norm(g) * 10.0 ** (2 * abs(a))
        assert abs(lhs - rhs) <= 1e3 * EPS * scale, a
        # real input: the transpose, as the dense matrix says
        fr, gr = f.real, g.real
        lhs = np.sum(gr * fracfft.derivative(fr, a, axis, kind=kind, dx=dxs))
        rhs = np.sum(fr * fracfft.derivative_adjoint(gr, a, axis, kind=kind, dx=dxs))
        assert abs(lhs - rhs) <= 1e3 * EPS * scale, a


def test_adjoint_is_the_transpose_of_the_dense_matrix(rng):
    n = 12
    for kind in KINDS:
        a = 0.6
        mat = np.column_stack([fracfft.derivative(e, a, kind=kind) for e in np.eye(n)])
        adj = np.column_stack([fracfft.derivative_adjoint(e, a, kind=kind) for e in np.eye(n)])
        np.testing.assert_allclose(adj, mat.T, atol=1e-14)
        assert np.allclose(np.triu(mat, 1), 0, atol=1e-15)  # causal: lower triangular


@pytest.mark.parametrize("kind", KINDS)
def test_dalpha_and_second_derivative_against_dense(kind, rng):
    n, dx = 40, 0.37
    x = rng.standard_normal((2, n))
    u = project(x, kind)
    for a in ALPHAS[kind]:
        for deriv, mode in ((1, "dalpha"), (2, "dalpha2")):
            ref = dense(u, ref_weight_derivs(kind, a, n, deriv, dx))
            got = (fracfft.derivative_dalpha(x, a, kind=kind, dx=dx) if deriv == 1 else
                   _core.apply(x, a, -1, kind=kind, dx=dx, mode=mode))
            assert rel(got, ref) <= 1e-11, (a, mode)
            # and the transposes of both
            g = rng.standard_normal((2, n))
            adj = _core.apply(g, a, -1, kind=kind, dx=dx, mode=mode + "_adjoint")
            assert abs(np.sum(got * g) - np.sum(x * adj)) <= 1e-11 * np.linalg.norm(got) * (
                np.linalg.norm(g) + 1)


@pytest.mark.parametrize("kind", KINDS)
def test_several_axes_compose(kind, rng):
    x = rng.standard_normal((9, 4, 11))
    a, dxs = 0.6, (0.5, 2.0)
    y = fracfft.derivative(x, a, (0, 2), kind=kind, dx=dxs)
    ref = fracfft.derivative(fracfft.derivative(x, a, 0, kind=kind, dx=0.5), a, 2, kind=kind,
                             dx=2.0)
    assert rel(y, ref) <= 1e-13
    dense_ref = dense(dense(project(project(x, kind, 0), kind, 2), ref_weights(kind, a, dx=2.0),
                            2), ref_weights(kind, a, dx=0.5), 0)
    assert rel(y, dense_ref) <= 1e-13
    # product rule for the alpha-derivatives (1st and 2nd)
    d0 = [_core.apply(x, a, 0, kind=kind, dx=0.5, mode=m) for m in ("forward", "dalpha",
                                                                      "dalpha2")]
    d2 = [[_core.apply(v, a, 2, kind=kind, dx=2.0, mode=m) for m in ("forward", "dalpha",
                                                                    "dalpha2")] for v in d0]
    first = d2[0][1] + d2[1][0]
    second = d2[0][2] + 2 * d2[1][1] + d2[2][0]
    assert rel(fracfft.derivative_dalpha(x, a, (0, 2), kind=kind, dx=dxs), first) <= 1e-12
    assert rel(_core.apply(x, a, (0, 2), kind=kind, dx=dxs, mode="dalpha2"), second) <= 1e-12


@pytest.mark.parametrize("kind", KINDS)
def test_per_channel_alpha(kind, rng):
    x = rng.standard_normal((3, 2, 25))
    alpha = np.array([[0.1], [0.45], [0.9]])[:, :, None]  # (3, 1, 1): one order per row
    for fn in (fracfft.derivative, fracfft.derivative_adjoint, fracfft.derivative_dalpha):
        y = fn(x, alpha, kind=kind)
        for i in range(3):
            np.testing.assert_allclose(y[i], fn(x[i], float(alpha[i, 0, 0]), kind=kind),
                                       rtol=0, atol=1e-14 * (1 + np.abs(y[i]).max()))
    # several axes with one order per channel along the remaining axis
    y = fracfft.derivative(x, np.array([0.3, 0.8])[None, :, None], (0, 2), kind=kind)
    for j, a in enumerate((0.3, 0.8)):
        np.testing.assert_allclose(y[:, j], fracfft.derivative(x[:, j], a, (0, 1), kind=kind),
                                   rtol=0, atol=1e-13)


@pytest.mark.parametrize("kind", KINDS)
def test_vjp_gives_adjoint_and_alpha_gradient(kind, rng, monkeypatch):
    x = rng.standard_normal((6, 30))
    g = rng.standard_normal((6, 30))
    for alpha in (0.7, np.linspace(0.1, 0.9, 6)[:, None]):
        for blocked in (False, True):
            if blocked:
                monkeypatch.setattr(_core, "_BLOCK_BYTES", 256)
            for method in ("rfft", "fft"):
                xx, plan = _core.make_plan(x, alpha, -1, kind=kind, dx=0.5, method=method,
                                           backend=None, workers=None)
                gx, ga = _core.vjp(plan, g, xx)
                ref_gx = fracfft.derivative_adjoint(g, alpha, kind=kind, dx=0.5)
                np.testing.assert_allclose(gx, ref_gx, atol=1e-13 * np.abs(ref_gx).max())
                dd = fracfft.derivative_dalpha(x, alpha, kind=kind, dx=0.5)
                ref_ga = (dd * g).sum() if np.ndim(alpha) == 0 else (dd * g).sum(-1,
                                                                                keepdims=True)
                np.testing.assert_allclose(ga, ref_ga, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_dtypes_and_float32(kind, rng):
    x = rng.standard_normal((4, 300))
    a = 0.55
    ref = fracfft.derivative(x, a, kind=kind)
    y32 = fracfft.derivative(x.astype(np.float32), a, kind=kind)
    assert y32.dtype == np.float32
    c = np.abs(fracfft.weights(300, a, kind=kind)).sum()
    bound = 8 * EPS32 * math.log2(600) * c * 2 * np.abs(x).max()
    assert np.abs(y32 - ref).max() <= bound
    z = (x + 1j * x[::-1]).astype(np.complex64)
    yz = fracfft.derivative(z, a, kind=kind)
    assert yz.dtype == np.complex64
    assert np.abs(yz - fracfft.derivative(z.astype(np.complex128), a, kind=kind)).max() <= 2 * bound
    yi = fracfft.derivative(np.arange(10), a, kind=kind)
    assert yi.dtype == np.float64
    np.testing.assert_allclose(yi, fracfft.derivative(np.arange(10.0), a, kind=kind))
    empty = fracfft.derivative(np.zeros((0, 5)), a, kind=kind)
    assert empty.shape == (0, 5) and empty.dtype == np.float64


def test_input_not_modified_and_odd_layouts(rng):
    base = rng.standard_normal((6, 40))
    for x in (base[:, ::2], base[::-1, ::-1], np.asfortranarray(base), base.T):
        before = x.copy()
        for kind in KINDS:
            for fn in (fracfft.derivative, fracfft.derivative_adjoint, fracfft.derivative_dalpha):
                y = fn(x, 0.5, 0, kind=kind)
                np.testing.assert_array_equal(x, before)
                assert not np.shares_memory(y, x)
                np.testing.assert_allclose(y, fn(np.ascontiguousarray(x), 0.5, 0, kind=kind),
                                           atol=1e-14)


def test_non_finite_input_propagates():
    x = np.ones(16)
    x[5] = np.nan
    y = fracfft.derivative(x, 0.5, kind="gl")
    assert np.isnan(y[5:]).all()


# ------------------------------------------------------------------ bad input
def test_caputo_alpha_outside_unit_interval_names_gl():
    x = np.ones(8)
    for a in (-0.1, 1.2, np.array([[0.5], [1.5]])):
        with pytest.raises(ValueError, match="gl"):
            fracfft.derivative(np.ones((2, 8)), a, kind="caputo")
    with pytest.raises(ValueError, match="gl"):
        fracfft.weights(8, 2.0, kind="caputo")
    with pytest.raises(ValueError, match="alpha"):
        fracfft.derivative(x, np.nan, kind="gl")


def test_symbol_rejects_causal_kinds_and_weights_rejects_periodic():
    for kind in KINDS:
        with pytest.raises(ValueError, match="periodic"):
            fracfft.symbol(8, 0.5, kind=kind)
        with pytest.raises(ValueError, match="periodic"):  # the shape form too
            fracfft.symbol((4, 8), 0.5, axes=1, kind=kind)
    with pytest.raises(ValueError, match="causal"):
        fracfft.weights(8, 0.5, kind="weyl")
    with pytest.raises(ValueError, match="kind"):
        fracfft.weights(8, 0.5, kind="grunwald")
    with pytest.raises(ValueError, match="n must"):
        fracfft.weights(0, 0.5)
    with pytest.raises(TypeError, match="n must be an int"):  # not truncated to 4
        fracfft.weights(4.5, 0.5)
    with pytest.raises(ValueError, match="dx"):
        fracfft.weights(4, 0.5, dx=0.0)


def test_padded_length_is_fast_and_long_enough():
    for n in list(range(1, 300)) + [4097, 100000]:
        m = causal.padded_length(n)
        assert m >= 2 * n - 1
        r = m
        for p in (2, 3, 5):
            while r % p == 0:
                r //= p
        assert r == 1
        assert all(not _smooth(v) for v in range(2 * n - 1, m))


def _smooth(v):
    for p in (2, 3, 5):
        while v % p == 0:
            v //= p
    return v == 1


def test_docstring_examples_run():
    import doctest
    import sys

    for name in ("fracfft.causal", "fracfft.derivative"):
        result = doctest.testmod(sys.modules[name], optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0 and result.attempted > 0, name


def test_main_tour_has_a_causal_section():
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONWARNINGS="default")
    out = subprocess.run([sys.executable, "-m", "fracfft", "--quick", "--no-torch", "--backends",
                          "scipy"], capture_output=True, text=True, timeout=300, env=env,
                         check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    assert "Accuracy of the causal kinds" in text
    for kind in ("gl ", "gl2", "caputo"):
        assert f"  {kind}" in text
    assert "inverse round trip" in text and "dense O(N^2) sum" in text
    assert "FAIL" not in text


def test_weight_spectra_share_the_bounded_symbol_cache(rng):
    x = rng.standard_normal((2, 777))
    fracfft.derivative(x, 0.123, kind="gl2")
    fracfft.derivative(x, 0.123, kind="gl2")  # second request: stored
    before = fracfft.symbol_cache_info()
    y = fracfft.derivative(x, 0.123, kind="gl2")
    after = fracfft.symbol_cache_info()
    assert after.hits == before.hits + 1 and after.nbytes == before.nbytes
    np.testing.assert_array_equal(y, fracfft.derivative(x, 0.123, kind="gl2"))
    # a learned order that changes at every call leaves nothing behind
    for a in np.linspace(0.2, 0.3, 5):
        fracfft.derivative(x, float(a), kind="gl")
    assert fracfft.symbol_cache_info().nbytes == after.nbytes

