"""fracfft.torch: second derivatives and every torch.func transform (issue 9, SPEC §3).

The references are dense: the operator's Jacobian in x is built column by column from symbols
written bin by bin with cmath and applied by dense DFT matrices (tests/naive.py), including the
first and second alpha-derivatives of the symbol, so no reference shares code with fracfft. Kinds
without a closed-form reference here (the causal ones, once the core has them) fall back to the
NumPy API applied to identity columns, with the second alpha-derivative by central differences
of ``fracfft.derivative_dalpha``.
"""

import cmath
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import fracfft  # noqa: E402
from fracfft import _validate  # noqa: E402
from fracfft.torch import (  # noqa: E402
    FractionalDerivative,
    SpectralFractionalDerivative,
    fractional_derivative,
)

import naive  # noqa: E402
from naive import tcrandn, trandn  # noqa: E402

# torch's forward-mode AD registers its jvp decompositions with torch.jit.script on first use
# (torch/_decomp/decompositions_for_jvp.py), which warns in torch 2.13 before fracfft runs.
pytestmark = pytest.mark.filterwarnings(
    "ignore:`torch.jit.script` is deprecated:DeprecationWarning")

F64 = torch.float64
EPS = float(np.finfo(np.float64).eps)

# Every kind the core knows goes through the same tests: the causal kinds join by being listed.
PERIODIC = ("weyl", "riesz")
KINDS = PERIODIC + tuple(k for k in ("gl", "gl2", "caputo") if k in _validate.KINDS)
METHODS = ("fft", "rfft")
# (shape, dims, per-channel alpha or None): one axis, two axes (even and odd lengths), three dims
CASES = [((2, 8), (1,), [0.35, 0.8]), ((6, 5), (0, 1), None), ((2, 4, 5), (2, 1), [0.45, 0.9])]
ALPHA = 0.7  # scalar order; inside (0, 1] so that every causal kind accepts it too

# Central difference of derivative_dalpha with step H: truncation H**2 |d4|/6 and round-off
# eps/H (times the size of the third-derivative terms, ~log(n)**3), both far below FD_TOL.
H = 1e-4
FD_TOL = 1e-6


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(20261202)


def tol(shape, dims, order=0):
    """Round-off bound, relative in norm: transforms of the size of the grid, times log factors."""
    n = math.prod(shape[d] for d in dims)
    return naive.fft_tol(n, factor=256 * (1 + order))


def rel(a, b):
    return float(naive.rel_err(a, b, floor=1e-300))


# ---------------------------------------------------------------------------------------------
# Dense references
# ---------------------------------------------------------------------------------------------

def weyl_bin_derivatives(k, n, dx, alpha):
    """``[K, dK/da, d2K/da2]`` of the 1-D weyl symbol at bin ``k`` (SPEC §1, alpha != 0)."""
    xi = naive.wavenumber(k, n, dx)
    if xi == 0:
        return [0j, 0j, 0j]
    r, lg = abs(xi), math.log(abs(xi))
    if n % 2 == 0 and k == n // 2:
        # Nyquist: the real part of the principal value, and so are its alpha-derivatives
        c, s = math.cos(math.pi * alpha / 2), math.sin(math.pi * alpha / 2)
        m = r**alpha
        return [m * c + 0j, m * (lg * c - math.pi / 2 * s) + 0j,
                m * ((lg * lg - math.pi**2 / 4) * c - math.pi * lg * s) + 0j]
    sign = math.copysign(1.0, xi)
    kv = r**alpha * cmath.exp(1j * sign * math.pi * alpha / 2)
    log_i_xi = lg + 1j * sign * math.pi / 2
    return [kv, kv * log_i_xi, kv * log_i_xi**2]


def symbol_derivative(kind, ns, dxs, index, alpha, order):
    """``d^order K / dalpha^order`` at the multi-index ``index`` of the ``ns`` grid."""
    if kind == "weyl":  # product of the 1-D symbols, Leibniz's rule for its derivatives
        total = [1.0 + 0j, 0j, 0j]
        for k, n, dx in zip(index, ns, dxs):
            f = weyl_bin_derivatives(k, n, dx, alpha)
            total = [sum(math.comb(m, j) * total[j] * f[m - j] for j in range(m + 1))
                     for m in range(3)]
        return total[order]
    r = math.sqrt(sum(naive.wavenumber(k, n, dx) ** 2 for k, n, dx in zip(index, ns, dxs)))
    if r == 0:
        return 0j
    return -(r**alpha) * math.log(r) ** order + 0j  # riesz


def _broadcast_alpha(alpha, ndim):
    a = np.asarray(alpha, dtype=np.float64)
    return a.reshape((1,) * (ndim - a.ndim) + a.shape)


def periodic_apply(x, alpha, dims, kind, order, dxs=None):
    """``F^-1[d^order K/da^order * F x]`` over ``dims`` with dense DFTs (complex128)."""
    x = np.asarray(x, dtype=np.complex128)
    dims = tuple(d % x.ndim for d in dims)
    dxs = dxs or (1.0,) * len(dims)
    a = _broadcast_alpha(alpha, x.ndim)
    ns = tuple(x.shape[d] for d in dims)
    sshape = tuple(ns[dims.index(d)] if d in dims else a.shape[d] for d in range(x.ndim))
    sym = np.empty(sshape, dtype=np.complex128)
    for idx in np.ndindex(sshape):
        aval = a[tuple(0 if d in dims else i for d, i in enumerate(idx))]
        sym[idx] = symbol_derivative(kind, ns, dxs, tuple(idx[d] for d in dims), float(aval),
                                     order)
    spec = x
    for d in dims:
        spec = naive.dft(spec, d)
    spec = spec * sym
    for d in dims:
        spec = naive.dft(spec, d, inverse=True)
    return spec


def reference_apply(x, alpha, dims, kind, order):
    """``d^order/dalpha^order`` of the operator applied to ``x`` (complex128)."""
    x = np.asarray(x)
    if kind in PERIODIC:
        return periodic_apply(x, alpha, dims, kind, order)
    x = x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)
    dims = tuple(dims)
    if order == 0:
        return fracfft.derivative(x, alpha, dims, kind=kind, method="fft")
    if order == 1:
        return fracfft.derivative_dalpha(x, alpha, dims, kind=kind, method="fft")
    a = np.asarray(alpha, dtype=np.float64)
    plus = fracfft.derivative_dalpha(x, a + H, dims, kind=kind, method="fft")
    minus = fracfft.derivative_dalpha(x, a - H, dims, kind=kind, method="fft")
    return (plus - minus) / (2 * H)


def ref_tol(kind, shape, dims, order):
    return FD_TOL if (order == 2 and kind not in PERIODIC) else tol(shape, dims, order)


def dense_matrix(shape, alpha, dims, kind, order=0):
    """Jacobian ``J[i, j] = d(S e_j)_i`` of ``x -> d^order/da^order D^alpha x``, (N, N)."""
    n = math.prod(shape)
    eye = np.eye(n).reshape((n,) + tuple(shape))
    a = _broadcast_alpha(alpha, len(shape))[None]
    cols = reference_apply(eye, a, tuple(d % len(shape) + 1 for d in dims), kind, order)
    return cols.reshape(n, n).T


def channel_onehot(shape, alpha):
    """``E[i, c] = 1`` where sample ``i`` uses the order ``alpha.flat[c]`` (broadcasting)."""
    a = _broadcast_alpha(alpha, len(shape))
    index = np.broadcast_to(np.arange(a.size).reshape(a.shape), shape).reshape(-1)
    return (index[:, None] == np.arange(a.size)[None, :]).astype(np.float64)


def case_alpha(shape, per_channel):
    """The order tensor of a case: 0-d, or one order per channel of axis 0."""
    if per_channel is None:
        return torch.tensor(ALPHA, dtype=F64)
    return torch.tensor(per_channel, dtype=F64).reshape((-1,) + (1,) * (len(shape) - 1))


def fd(kind, dims, method="auto"):
    def f(x, a):
        return fractional_derivative(x, a, dims, kind=kind, method=method)
    return f


# ---------------------------------------------------------------------------------------------
# gradgradcheck: the backward is itself differentiable in x and alpha
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape,dims,per_channel", CASES)
def test_gradgradcheck_x_and_alpha(gen, kind, method, shape, dims, per_channel):
    x = trandn(gen, *shape).requires_grad_()
    a = case_alpha(shape, per_channel).requires_grad_()
    f = fd(kind, dims, method)
    assert torch.autograd.gradgradcheck(f, (x, a))
    assert torch.autograd.gradgradcheck(lambda t: f(t, a.detach()), (x,))  # x alone
    assert torch.autograd.gradgradcheck(lambda t: f(x.detach(), t), (a,))  # alpha alone


@pytest.mark.parametrize("kind", KINDS)
def test_gradgradcheck_complex_input(gen, kind):
    x = tcrandn(gen, 3, 6).requires_grad_()
    a = torch.tensor([[0.4], [0.9], [0.6]], dtype=F64, requires_grad=True)
    assert torch.autograd.gradgradcheck(fd(kind, -1, "fft"), (x, a))


def test_gradgradcheck_float_alpha_and_dx(gen):
    x = trandn(gen, 2, 9).requires_grad_()
    assert torch.autograd.gradgradcheck(
        lambda t: SpectralFractionalDerivative.apply(t, 0.55, -1, "rfft", "weyl", 0.3), (x,))
    a = torch.tensor(-0.4, dtype=F64, requires_grad=True)  # negative orders integrate
    assert torch.autograd.gradgradcheck(lambda t: fractional_derivative(x, t, dx=0.2), (a,))


# ---------------------------------------------------------------------------------------------
# torch.func against the dense operator
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape,dims,per_channel", CASES)
def test_jacrev_and_jacfwd_in_x_are_the_dense_matrix(gen, kind, shape, dims, per_channel):
    x = trandn(gen, *shape)
    a = case_alpha(shape, per_channel)
    m = dense_matrix(shape, a.numpy(), dims, kind).real
    n = math.prod(shape)
    for method in METHODS:
        f = fd(kind, dims, method)
        for jac in (torch.func.jacrev, torch.func.jacfwd):
            j = jac(lambda t: f(t, a))(x)  # noqa: B023
            assert j.shape == tuple(shape) * 2 and j.dtype == F64
            assert rel(j.reshape(n, n), m) <= tol(shape, dims), (jac.__name__, method)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape,dims,per_channel", CASES)
def test_forward_mode_in_alpha_is_derivative_dalpha(gen, kind, shape, dims, per_channel):
    x = trandn(gen, *shape)
    a = case_alpha(shape, per_channel)
    f = fd(kind, dims)
    dy = fracfft.derivative_dalpha(x.numpy(), a.numpy(), dims, kind=kind)
    ref = reference_apply(x.numpy(), a.numpy(), dims, kind, 1).real
    assert rel(dy, ref) <= tol(shape, dims, 1)  # the NumPy API against the dense reference
    # jvp with a unit tangent in every order: the sum over channels, i.e. derivative_dalpha
    y, y_t = torch.func.jvp(lambda t: f(x, t), (a,), (torch.ones_like(a),))
    assert rel(y, fracfft.derivative(x.numpy(), a.numpy(), dims, kind=kind)) <= tol(shape, dims)
    assert rel(y_t, dy) <= tol(shape, dims, 1)
    # x and alpha tangents together: D x_t + a_t * dD/da x (a_t broadcast per channel)
    x_t, a_t = trandn(gen, *shape), trandn(gen, *a.shape)
    _, y_t = torch.func.jvp(f, (x, a), (x_t, a_t))
    expected = fracfft.derivative(x_t.numpy(), a.numpy(), dims, kind=kind) + a_t.numpy() * dy
    assert rel(y_t, expected) <= tol(shape, dims, 1)
    # Jacobians in alpha: column c is dD/da x restricted to the samples using order c
    onehot = channel_onehot(shape, a.numpy())
    jac_ref = (ref.reshape(-1, 1) * onehot).reshape(tuple(shape) + tuple(a.shape))
    for jac in (torch.func.jacrev, torch.func.jacfwd):
        j = jac(lambda t: f(x, t))(a)  # noqa: B023
        assert j.shape == jac_ref.shape and rel(j, jac_ref) <= tol(shape, dims, 1), jac.__name__


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape,dims,per_channel", CASES)
def test_grad_and_vmap_grad_are_dense(gen, kind, shape, dims, per_channel):
    """``L = sum(w * (D x)**2) / 2``: gradient ``M^T (w * M x)``, per sample under vmap."""
    a = case_alpha(shape, per_channel)
    w = trandn(gen, *shape)
    f = fd(kind, dims)
    m = dense_matrix(shape, a.numpy(), dims, kind).real

    def loss(t, aa):
        return 0.5 * (w * f(t, aa) ** 2).sum()

    def expected(t):
        return m.T @ (w.numpy().ravel() * (m @ t.numpy().ravel()))

    x = trandn(gen, *shape)
    g = torch.func.grad(loss)(x, a)
    assert g.shape == x.shape and rel(g.reshape(-1), expected(x)) <= tol(shape, dims)
    xs = trandn(gen, 3, *shape)
    gs = torch.func.vmap(torch.func.grad(loss), in_dims=(0, None))(xs, a)
    for i in range(3):
        assert rel(gs[i].reshape(-1), expected(xs[i])) <= tol(shape, dims)


def test_vmap_grad_over_orders(gen):
    """Per-sample orders: vmap over alpha of the x-gradient and of the alpha-gradient."""
    shape, dims = (2, 8), (-1,)
    x = trandn(gen, *shape)
    alphas = torch.tensor([0.3, 0.75, 1.4], dtype=F64)
    w = trandn(gen, *shape)

    def loss(t, aa):
        return (w * fractional_derivative(t, aa, -1)).sum()

    gx = torch.func.vmap(torch.func.grad(loss), in_dims=(None, 0))(x, alphas)
    ga = torch.func.vmap(torch.func.grad(loss, argnums=1), in_dims=(None, 0))(x, alphas)
    for i, a in enumerate(alphas.tolist()):
        m = dense_matrix(shape, a, dims, "weyl").real
        assert rel(gx[i].reshape(-1), m.T @ w.numpy().ravel()) <= tol(shape, dims)
        d1 = reference_apply(x.numpy(), a, dims, "weyl", 1).real
        assert abs(float(ga[i]) - float(np.sum(w.numpy() * d1))) <= tol(shape, dims, 1) * max(
            1.0, float(np.sum(np.abs(w.numpy() * d1))))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape,dims,per_channel", CASES)
def test_hessians_are_dense(gen, kind, shape, dims, per_channel):
    """torch.func.hessian in x, in alpha and mixed, for ``L = sum(w * (D x)**2)/2 + sum(v * D x)``.

    With ``M``, ``M'``, ``M''`` the dense operator and its alpha-derivatives and ``E`` the
    channel one-hot: ``H_xx = M^T W M``; ``H_aa = E^T diag(w (M'x)**2 + w (Mx)(M''x) + v M''x)
    E``; ``H_xa = (M'^T (w M x + v) + M^T (w M' x))`` summed per channel.
    """
    a = case_alpha(shape, per_channel)
    x, w, v = trandn(gen, *shape), trandn(gen, *shape), trandn(gen, *shape)
    f = fd(kind, dims)

    def loss(t, aa):
        y = f(t, aa)
        return 0.5 * (w * y**2).sum() + (v * y).sum()

    an = a.numpy()
    m0, m1 = (dense_matrix(shape, an, dims, kind, k).real for k in (0, 1))
    xf, wf, vf = (t.numpy().ravel() for t in (x, w, v))
    y0 = m0 @ xf
    y1 = m1 @ xf
    y2 = reference_apply(x.numpy(), an, dims, kind, 2).real.ravel()
    onehot = channel_onehot(shape, an)
    n, k = math.prod(shape), a.numel()

    h = torch.func.hessian(loss, argnums=(0, 1))(x, a)
    h_xx = m0.T @ (wf[:, None] * m0)
    h_aa = onehot.T @ ((wf * y1**2 + wf * y0 * y2 + vf * y2)[:, None] * onehot)
    h_xa = (m1.T * (wf * y0 + vf)[None, :] + m0.T * (wf * y1)[None, :]) @ onehot
    assert rel(h[0][0].reshape(n, n), h_xx) <= tol(shape, dims)
    assert rel(h[1][1].reshape(k, k), h_aa) <= ref_tol(kind, shape, dims, 2)
    assert rel(h[0][1].reshape(n, k), h_xa) <= tol(shape, dims, 1)
    assert rel(h[1][0].reshape(k, n), h_xa.T) <= tol(shape, dims, 1)
    # the plain hessians (one argument) agree with the blocks
    hx = torch.func.hessian(lambda t: loss(t, a))(x)
    assert rel(hx.reshape(n, n), h_xx) <= tol(shape, dims)
    ha = torch.func.hessian(lambda t: loss(x, t))(a)
    assert rel(ha.reshape(k, k), h_aa) <= ref_tol(kind, shape, dims, 2)


@pytest.mark.parametrize("kind", KINDS)
def test_hessian_vector_products_with_create_graph(gen, kind):
    """Double backward through torch.autograd (create_graph=True), x and alpha at once."""
    shape, dims = (3, 7), (-1,)
    x = trandn(gen, *shape).requires_grad_()
    a = torch.tensor([[0.35], [0.6], [0.85]], dtype=F64, requires_grad=True)
    w, u = trandn(gen, *shape), trandn(gen, *shape)
    loss = 0.5 * (w * fractional_derivative(x, a, kind=kind) ** 2).sum()
    gx, ga = torch.autograd.grad(loss, (x, a), create_graph=True)
    hvp_x, hvp_xa = torch.autograd.grad((gx * u).sum(), (x, a))
    an = a.detach().numpy()
    m0, m1 = (dense_matrix(shape, an, dims, kind, k).real for k in (0, 1))
    wf, uf, xf = w.numpy().ravel(), u.numpy().ravel(), x.detach().numpy().ravel()
    assert rel(hvp_x.reshape(-1), m0.T @ (wf * (m0 @ uf))) <= tol(shape, dims)
    # d/da of u . M^T W M x = (M' u) . W M x + (M u) . W M' x, per channel
    per_sample = (m1 @ uf) * wf * (m0 @ xf) + (m0 @ uf) * wf * (m1 @ xf)
    expected = per_sample @ channel_onehot(shape, an)
    assert rel(hvp_xa.reshape(-1), expected) <= tol(shape, dims, 1)
    # the composed first derivatives agree with the fused path (no create_graph)
    x2, a2 = x.detach().clone().requires_grad_(), a.detach().clone().requires_grad_()
    loss2 = 0.5 * (w * fractional_derivative(x2, a2, kind=kind) ** 2).sum()
    gx2, ga2 = torch.autograd.grad(loss2, (x2, a2))
    assert rel(gx, gx2) <= tol(shape, dims) and rel(ga, ga2) <= tol(shape, dims, 1)


@pytest.mark.parametrize("kind", KINDS)
def test_complex_input_under_torch_func(gen, kind):
    """Complex x: ``grad |D x|^2 = 2 M^H M x`` (torch's convention), jvp and jacfwd."""
    shape, dims = (2, 6), (-1,)
    x = tcrandn(gen, *shape)
    a = torch.tensor(0.65, dtype=F64)
    f = fd(kind, dims)
    m = dense_matrix(shape, 0.65, dims, kind)
    g = torch.func.grad(lambda t: f(t, a).abs().pow(2).sum())(x)
    xf = x.numpy().ravel()
    assert rel(g.reshape(-1), 2 * m.conj().T @ (m @ xf)) <= tol(shape, dims)
    x_t = tcrandn(gen, *shape)
    _, y_t = torch.func.jvp(f, (x, a), (x_t, torch.tensor(0.5, dtype=F64)))
    d1 = reference_apply(x.numpy(), 0.65, dims, kind, 1).ravel()
    assert rel(y_t.reshape(-1), m @ x_t.numpy().ravel() + 0.5 * d1) <= tol(shape, dims, 1)


# ---------------------------------------------------------------------------------------------
# Limits, dtypes, the module, compile
# ---------------------------------------------------------------------------------------------

def test_third_alpha_derivative_raises_clearly(gen):
    x = trandn(gen, 8)
    a = torch.tensor(0.6, dtype=F64)

    def f(t):
        return fractional_derivative(x, t).sum()

    with pytest.raises(NotImplementedError, match="order 3"):
        torch.func.jacfwd(torch.func.hessian(f))(a)
    a = a.clone().requires_grad_()
    (g,) = torch.autograd.grad(f(a), a, create_graph=True)
    (h,) = torch.autograd.grad(g, a, create_graph=True)
    with pytest.raises(NotImplementedError, match="order 3"):
        torch.autograd.grad(h, a)
    # third derivatives in x alone are fine (the operator is linear in x)
    j3 = torch.func.jacfwd(torch.func.hessian(lambda t: fractional_derivative(t, 0.6).pow(3).sum()))
    assert j3(x).shape == (8, 8, 8)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_dtypes_kept_under_torch_func(gen, dtype):
    x = trandn(gen, 2, 8, dtype=dtype)
    a = torch.tensor([[0.4], [0.8]], dtype=torch.float32)
    y, y_t = torch.func.jvp(lambda t, aa: fractional_derivative(t, aa), (x, a),
                            (torch.ones_like(x), torch.ones_like(a)))
    assert y.dtype == y_t.dtype == dtype
    gx, ga = torch.func.grad(lambda t, aa: fractional_derivative(t, aa).float().pow(2).sum(),
                             argnums=(0, 1))(x, a)
    assert gx.dtype == dtype and ga.dtype == torch.float32 and ga.shape == a.shape
    h = torch.func.hessian(lambda t: fractional_derivative(t, a).float().pow(2).sum())(x)
    assert h.dtype == dtype and h.shape == (2, 8, 2, 8)
    # against float64 (the dtype's own precision)
    x64 = x.double()
    g64 = torch.func.grad(lambda t: fractional_derivative(t, a.double()).pow(2).sum())(x64)
    assert rel(gx.double(), g64) <= 64 * torch.finfo(dtype).eps * math.sqrt(3)


def test_module_hessian_in_the_learnable_order(gen):
    """A learnable, bounded order through torch.func.functional_call: d2L/drho2 is exact."""
    layer = FractionalDerivative(0.6, dim=-1, alpha_min=0.0, alpha_max=2.0)
    x = trandn(gen, 2, 8)
    w = trandn(gen, 2, 8)
    params = dict(layer.named_parameters())

    def loss(rho):
        return (w * torch.func.functional_call(layer, {"alpha_param.rho": rho}, (x,))).sum()

    rho = params["alpha_param.rho"].detach()
    h = torch.func.hessian(loss)(rho)
    # chain rule: alpha = 2 sigmoid(rho): L'' = S'' a'^2 + S' a''
    s = float(torch.sigmoid(rho))
    da, d2a = 2 * s * (1 - s), 2 * s * (1 - s) * (1 - 2 * s)
    alpha = 2 * s
    wf = w.numpy()
    s1 = float(np.sum(wf * reference_apply(x.numpy(), alpha, (-1,), "weyl", 1).real))
    s2 = float(np.sum(wf * reference_apply(x.numpy(), alpha, (-1,), "weyl", 2).real))
    expected = s2 * da**2 + s1 * d2a
    assert abs(float(h) - expected) <= tol((8,), (0,), 2) * (abs(s2) + abs(s1))


# dynamo instantiates torch.autograd.Function() to model ctx and that warns (torch 2.13).
@pytest.mark.filterwarnings(
    "ignore:<class 'torch.autograd.function.Function'> should not be instantiated"
    ":DeprecationWarning")
def test_compiled_function_first_derivatives(gen):
    torch._dynamo.reset()
    x = trandn(gen, 3, 16).requires_grad_()
    a = torch.tensor([[0.3], [0.7], [1.2]], dtype=F64, requires_grad=True)

    def f(t, aa):
        return fractional_derivative(t, aa).pow(2).sum()

    loss = torch.compile(f, backend="aot_eager", fullgraph=True)(x, a)
    gx, ga = torch.autograd.grad(loss, (x, a))
    ex, ea = torch.autograd.grad(f(x, a), (x, a))
    assert rel(loss, f(x, a)) <= tol((16,), (0,))
    assert rel(gx, ex) <= tol((16,), (0,)) and rel(ga, ea) <= tol((16,), (0,), 1)


def test_apply_argument_forms_agree(gen):
    """The direct apply (defaults filled without inspect) against torch's binding path."""
    x = trandn(gen, 3, 8).requires_grad_()
    a = torch.tensor(0.6, dtype=F64, requires_grad=True)
    ref = fracfft.derivative(x.detach().numpy(), 0.6, 0, kind="riesz")
    outs = [SpectralFractionalDerivative.apply(x, a, 0, "auto", "riesz"),
            SpectralFractionalDerivative.apply(x, a, 0, "auto", "riesz", 1.0, None, None),
            SpectralFractionalDerivative.apply(x, a, dim=0, kind="riesz")]
    for y in outs:
        assert rel(y, ref) <= tol((8, 3), (0,))
        assert y.grad_fn is not None
    with pytest.raises(TypeError):
        SpectralFractionalDerivative.apply(x)
    # a tensor that escaped a torch.func transform (a dead wrapper) still works afterwards
    leaked = []

    def f(t):
        leaked.append(t)
        return fractional_derivative(t, 0.6).sum()

    torch.func.grad(f)(x.detach())
    y = SpectralFractionalDerivative.apply(leaked[0], 0.6)
    assert rel(y, fracfft.derivative(x.detach().numpy(), 0.6)) <= tol((8,), (0,))
