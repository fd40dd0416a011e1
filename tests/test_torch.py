"""fracfft.torch: the autograd Function, the functional form and the nn.Modules."""

import math
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import fracfft  # noqa: E402
from fracfft import _core, get_fft_backend, set_fft_backend  # noqa: E402
from fracfft.fft import _registry  # noqa: E402
from fracfft.torch import (  # noqa: E402
    BoundedAlphaParameter,
    FractionalDerivative,
    SpectralFractionalDerivative,
    fractional_derivative,
)

from naive import fft_tol, rel_err, tcrandn, trandn  # noqa: E402

F64 = torch.float64
EPS = torch.finfo(F64).eps


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(20261126)


def tol(n, dtype=F64):
    """Round-off bound for a transform pair of length ``n`` (relative, in norm)."""
    return fft_tol(n, dtype, factor=64)


def rel(a, b):
    return float(rel_err(a, b, floor=1e-300))


# ---------------------------------------------------------------------------------------------
# Independent torch reference: full complex FFT with a symbol written from SPEC §1 in torch ops,
# the alpha-gradient by torch autograd through it.
# ---------------------------------------------------------------------------------------------

def _xi(n, dx=1.0):
    return 2 * math.pi * torch.fft.fftfreq(n, d=dx, dtype=F64)


def reference_symbol(alpha, shape, dims, kind):
    """K on the full fftn grid over ``dims`` (alpha: 0-d or broadcastable tensor)."""
    ndim = len(shape)
    grids = []
    for d in dims:
        n = shape[d]
        xi = _xi(n)
        view = [1] * ndim
        view[d] = n
        nyq = torch.zeros(n, dtype=torch.bool)
        if n % 2 == 0:
            nyq[n // 2] = True
        grids.append((xi.reshape(view), nyq.reshape(view)))
    if kind == "weyl":
        k = None
        for xi, nyq in grids:
            zero = xi == 0
            mag = torch.exp(alpha * torch.log(torch.where(zero, torch.ones_like(xi), xi.abs())))
            half = 0.5 * math.pi * alpha
            re = torch.where(zero, torch.zeros_like(xi), mag * torch.cos(half))
            im = torch.where(zero | nyq, torch.zeros_like(xi),
                             mag * torch.sin(half) * torch.sign(xi))
            kj = torch.complex(re, im)
            k = kj if k is None else k * kj
        return k
    r2 = sum(xi * xi for xi, _ in grids)
    zero = r2 == 0
    r = torch.sqrt(torch.where(zero, torch.ones_like(r2), r2))
    mag = torch.exp(alpha * torch.log(r))
    return torch.complex(torch.where(zero, torch.zeros_like(mag), -mag), torch.zeros_like(mag))


def reference(x, alpha, dims, kind):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    dims = tuple(d % x.dim() for d in dims)
    xc = x if x.is_complex() else x.to(torch.complex128)
    y = torch.fft.ifftn(torch.fft.fftn(xc, dim=dims) * reference_symbol(alpha, x.shape, dims, kind),
                        dim=dims)
    return y if x.is_complex() else y.real


# ---------------------------------------------------------------------------------------------
# gradcheck: x and alpha separately
# ---------------------------------------------------------------------------------------------

KINDS = ("weyl", "riesz")
METHODS = ("fft", "rfft")
DIMS = (-1, 0, (0, 1))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("alpha", [0.01, 0.7, 1.99])
def test_gradcheck_x(gen, kind, method, dim, alpha):
    x = trandn(gen, 6, 8, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: SpectralFractionalDerivative.apply(t, alpha, dim, method, kind), (x,))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("alpha", [0.01, 0.7, 1.99])
def test_gradcheck_alpha(gen, kind, method, dim, alpha):
    x = trandn(gen, 6, 7)
    a = torch.tensor(alpha, dtype=F64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: SpectralFractionalDerivative.apply(x, t, dim, method, kind), (a,))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", METHODS)
def test_gradcheck_per_channel_alpha(gen, kind, method):
    x = trandn(gen, 2, 3, 10, requires_grad=True)
    a = torch.tensor([[0.3], [1.1], [1.9]], dtype=F64, requires_grad=True)  # (3, 1)
    f = lambda xx, aa: fractional_derivative(xx, aa, -1, kind=kind, method=method)  # noqa: E731
    assert torch.autograd.gradcheck(f, (x, a))
    assert torch.autograd.gradcheck(lambda aa: f(x.detach(), aa), (a,))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dim", DIMS)
def test_gradcheck_complex_input(gen, kind, dim):
    x = tcrandn(gen, 5, 6, requires_grad=True)
    a = torch.tensor(0.6, dtype=F64, requires_grad=True)
    f = lambda xx, aa: fractional_derivative(xx, aa, dim, kind=kind, method="fft")  # noqa: E731
    assert torch.autograd.gradcheck(lambda xx: f(xx, a.detach()), (x,))
    assert torch.autograd.gradcheck(lambda aa: f(x.detach(), aa), (a,))


def test_gradcheck_dx_and_negative_order(gen):
    x = trandn(gen, 3, 9, requires_grad=True)
    a = torch.tensor(-0.4, dtype=F64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda xx, aa: fractional_derivative(xx, aa, dx=0.1), (x, a))


# ---------------------------------------------------------------------------------------------
# Agreement with the NumPy API and with the independent torch reference
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dim", DIMS)
def test_matches_numpy_api(gen, kind, method, dim):
    x = trandn(gen, 6, 8, requires_grad=True)
    g = trandn(gen, 6, 8)
    a = torch.tensor(0.8, dtype=F64, requires_grad=True)
    y = SpectralFractionalDerivative.apply(x, a, dim, method, kind)
    y.backward(g)
    xn, gn = x.detach().numpy(), g.numpy()
    kw = dict(kind=kind, method=method)
    n = 48
    assert y.dtype == F64 and y.shape == x.shape
    assert rel(y, torch.from_numpy(fracfft.derivative(xn, 0.8, dim, **kw))) <= tol(n)
    assert rel(x.grad, torch.from_numpy(fracfft.derivative_adjoint(gn, 0.8, dim, **kw))) <= tol(n)
    ga = float(np.sum(fracfft.derivative_dalpha(xn, 0.8, dim, **kw) * gn))
    assert abs(float(a.grad) - ga) <= tol(n) * max(abs(ga), 1.0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("shape", [(6, 8), (5, 7)])
def test_matches_torch_reference(gen, kind, dim, shape):
    x = trandn(gen, *shape, requires_grad=True)
    g = trandn(gen, *shape)
    a = torch.tensor(1.3, dtype=F64, requires_grad=True)
    y = fractional_derivative(x, a, dim, kind=kind)
    y.backward(g)
    x2 = x.detach().clone().requires_grad_(True)
    a2 = a.detach().clone().requires_grad_(True)
    y2 = reference(x2, a2, dim, kind)
    y2.backward(g)
    n = math.prod(shape)
    assert rel(y, y2) <= tol(n)
    assert rel(x.grad, x2.grad) <= tol(n)
    assert abs(float(a.grad - a2.grad)) <= tol(n) * max(abs(float(a2.grad)), 1.0)


def test_per_channel_alpha_matches_reference(gen):
    x = trandn(gen, 4, 3, 10, requires_grad=True)
    g = trandn(gen, 4, 3, 10)
    a = torch.tensor([[0.2], [0.9], [1.7]], dtype=torch.float32, requires_grad=True)
    fractional_derivative(x, a).backward(g)
    assert a.grad.shape == a.shape and a.grad.dtype == torch.float32
    x2 = x.detach().clone().requires_grad_(True)
    a2 = a.detach().to(F64).requires_grad_(True)
    reference(x2, a2, -1, "weyl").backward(g)
    assert rel(x.grad, x2.grad) <= tol(10)
    assert rel(a.grad.to(F64), a2.grad) <= torch.finfo(torch.float32).eps * 4


def test_complex_matches_reference(gen):
    x = tcrandn(gen, 3, 8, requires_grad=True)
    g = tcrandn(gen, 3, 8)
    a = torch.tensor(0.45, dtype=F64, requires_grad=True)
    y = fractional_derivative(x, a, method="fft")
    y.backward(g)
    x2 = x.detach().clone().requires_grad_(True)
    a2 = a.detach().clone().requires_grad_(True)
    y2 = reference(x2, a2, -1, "weyl")
    y2.backward(g)
    assert y.dtype == torch.complex128
    assert rel(y, y2) <= tol(8) and rel(x.grad, x2.grad) <= tol(8)
    assert abs(float(a.grad - a2.grad)) <= tol(8) * max(abs(float(a2.grad)), 1.0)


def test_analytic_sine():
    n = 64
    t = torch.arange(n, dtype=F64) * (2 * math.pi / n)
    y = fractional_derivative(torch.sin(3 * t), 0.5, dx=2 * math.pi / n)
    assert rel(y, 3**0.5 * torch.sin(3 * t + 0.25 * math.pi)) <= tol(n)


# ---------------------------------------------------------------------------------------------
# Inverse problem: recover alpha
# ---------------------------------------------------------------------------------------------

def test_recovers_alpha_with_adam(gen):
    n = 32
    spec = torch.zeros(4, n // 2 + 1, dtype=torch.complex128)
    spec[:, 1:6] = tcrandn(gen, 4, 5)  # band-limited, no Nyquist content
    x = torch.fft.irfft(spec, n)
    y = fractional_derivative(x, 0.7)
    layer = FractionalDerivative(0.3)
    opt = torch.optim.Adam(layer.parameters(), lr=0.05)
    for _ in range(400):
        opt.zero_grad()
        loss = ((layer(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
    assert abs(float(layer.alpha.detach()) - 0.7) < 1e-3


# ---------------------------------------------------------------------------------------------
# Layouts, dtypes, grad modes
# ---------------------------------------------------------------------------------------------

def test_sum_loss_stride0_gradient(gen):
    x = trandn(gen, 3, 16, requires_grad=True)
    a = torch.tensor(0.5, dtype=F64, requires_grad=True)
    fractional_derivative(x, a).sum().backward()
    # sum(D^a x) = N * mean(D^a x) = 0: both gradients vanish up to round-off.
    assert float(x.grad.abs().max()) <= tol(16)
    assert abs(float(a.grad)) <= tol(16) * 16
    x2 = x.detach().clone().requires_grad_(True)
    (fractional_derivative(x2, 0.0)).sum().backward()  # identity: gradient of sum is ones
    assert rel(x2.grad, torch.ones_like(x2)) <= tol(16)


def test_empty_batch():
    x = torch.zeros(0, 8, dtype=F64, requires_grad=True)
    a = torch.tensor(0.5, dtype=F64, requires_grad=True)
    y = fractional_derivative(x, a)
    assert y.shape == (0, 8) and y.dtype == F64
    y.sum().backward()
    assert x.grad.shape == (0, 8) and float(a.grad) == 0.0
    y32 = fractional_derivative(torch.zeros(3, 0, 8, dtype=torch.float32), 0.5)
    assert y32.shape == (3, 0, 8) and y32.dtype == torch.float32


def test_length_zero_transformed_dim_raises():
    with pytest.raises(ValueError):
        fractional_derivative(torch.zeros(3, 0), 0.5)


@pytest.mark.parametrize("make", [
    lambda b: b.t(),                                # non-contiguous
    lambda b: b[:, ::2],                            # strided
    lambda b: b[:1].expand(5, b.shape[1]),          # expanded (stride 0)
])
def test_layouts(gen, make):
    base = trandn(gen, 5, 12)
    x = make(base).requires_grad_(True) if make(base).is_leaf else make(base)
    snapshot = base.clone()
    ref = fracfft.derivative(x.detach().contiguous().numpy(), 0.6)
    a = torch.tensor(0.6, dtype=F64, requires_grad=True)
    xl = x.detach().requires_grad_(True) if not x.requires_grad else x
    y = fractional_derivative(xl, a)
    y.backward(torch.ones_like(y))
    assert rel(y, torch.from_numpy(ref)) <= tol(12)
    assert torch.equal(base, snapshot)
    assert not np.shares_memory(y.detach().numpy(), base.numpy())


def test_expanded_input_gradients(gen):
    row = trandn(gen, 1, 16, requires_grad=True)
    x = row.expand(4, 16)
    g = trandn(gen, 4, 16)
    fractional_derivative(x, 0.8).backward(g)
    expected = fracfft.derivative_adjoint(g.numpy(), 0.8).sum(axis=0, keepdims=True)
    assert rel(row.grad, torch.from_numpy(expected)) <= tol(16)


def test_conjugate_bit_input(gen):
    z = tcrandn(gen, 3, 10)
    zc = z.conj()
    assert zc.is_conj()
    y = fractional_derivative(zc, 0.4, method="fft")
    ref = fracfft.derivative(np.conj(z.numpy()), 0.4, method="fft")
    assert rel(y, torch.from_numpy(ref)) <= tol(10)
    assert zc.is_conj()  # the user's tensor is untouched
    # and gradients flow through a conjugate view
    z2 = z.clone().requires_grad_(True)
    a = torch.tensor(0.4, dtype=F64, requires_grad=True)
    f = lambda zz, aa: fractional_derivative(zz.conj(), aa, method="fft")  # noqa: E731
    assert torch.autograd.gradcheck(f, (z2, a))


def test_x_without_grad_alpha_learnable(gen):
    x = trandn(gen, 2, 16)
    layer = FractionalDerivative(0.5)
    layer(x).pow(2).sum().backward()
    assert layer.alpha_param.rho.grad is not None and x.grad is None
    assert torch.isfinite(layer.alpha_param.rho.grad).all()


def test_no_grad(gen):
    x = trandn(gen, 2, 16, requires_grad=True)
    a = torch.tensor(0.5, dtype=F64, requires_grad=True)
    with torch.no_grad():
        y = fractional_derivative(x, a)
    assert not y.requires_grad and y.grad_fn is None


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_dtype_kept(gen, dtype):
    x = trandn(gen, 3, 32, dtype=dtype, requires_grad=True)
    a = torch.tensor(0.5, dtype=torch.float32, requires_grad=True)
    y = fractional_derivative(x, a)
    assert y.dtype == dtype and y.shape == x.shape
    y.float().pow(2).sum().backward()
    assert x.grad.dtype == dtype and a.grad.dtype == torch.float32
    ref = fracfft.derivative(x.detach().to(F64).numpy(), 0.5)
    eps = torch.finfo(dtype).eps
    assert rel(y.to(F64), torch.from_numpy(ref)) <= 16 * eps * math.sqrt(math.log2(32))


def test_bool_and_int_promote_to_default_dtype():
    xb = torch.tensor([[True, False, True, True, False, False, True, False]])
    y = fractional_derivative(xb, 1.0)
    assert y.dtype == torch.get_default_dtype()
    ref = fracfft.derivative(xb.numpy().astype(np.float64), 1.0)
    assert rel(y.to(F64), torch.from_numpy(ref)) <= 16 * torch.finfo(y.dtype).eps
    yi = fractional_derivative(torch.arange(8).reshape(1, 8), 0.5)
    assert yi.dtype == torch.get_default_dtype()


def test_input_never_modified(gen):
    for x in (trandn(gen, 4, 16, requires_grad=True), tcrandn(gen, 4, 16, requires_grad=True)):
        before = x.detach().clone()
        a = torch.tensor(0.0, dtype=F64, requires_grad=True)  # alpha == 0: identity copy
        for alpha in (a, 0.7):
            y = fractional_derivative(x, alpha, method="fft")
            g = torch.ones_like(y)
            y.backward(g)
            assert torch.equal(x.detach(), before)
            assert y.data_ptr() != x.data_ptr()


def test_alpha_zero_is_copy(gen):
    x = trandn(gen, 3, 8)
    y = fractional_derivative(x, 0.0)
    assert torch.equal(y, x) and y.data_ptr() != x.data_ptr()


def test_workers_default_to_torch_threads(gen, monkeypatch):
    seen = []
    real = _core.make_plan

    def spy(*args, **kwargs):
        seen.append(kwargs["workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(_core, "make_plan", spy)
    x = trandn(gen, 4, 16, requires_grad=True)
    fractional_derivative(x, 0.5).sum().backward()
    assert seen and all(w == torch.get_num_threads() for w in seen)
    seen.clear()
    fractional_derivative(x, 0.5, workers=1)
    assert seen == [1]


# ---------------------------------------------------------------------------------------------
# Backend failure under "auto"
# ---------------------------------------------------------------------------------------------

def test_mkl_style_backend_failure_under_auto(gen, monkeypatch):
    import scipy.fft

    x = trandn(gen, 3, 16, requires_grad=True)
    a = torch.tensor(0.6, dtype=F64, requires_grad=True)
    g = trandn(gen, 3, 16)
    y_ref = fractional_derivative(x, a)
    y_ref.backward(g)
    gx_ref, ga_ref = x.grad.clone(), a.grad.clone()
    x.grad, a.grad = None, None

    def boom(*args, **kwargs):
        raise RuntimeError("MKL FFT error: Intel MKL DFTI ERROR: Inconsistent configuration")

    for name in ("fft", "ifft", "rfft", "irfft", "fftn", "ifftn", "rfftn", "irfftn"):
        monkeypatch.setattr(scipy.fft, name, boom)
    monkeypatch.setattr(_registry, "_warned", set())
    with pytest.warns(RuntimeWarning, match="MKL FFT error") as record:
        y = fractional_derivative(x, a)
        y.backward(g)
    assert len(record) == 1
    assert rel(y, y_ref) <= tol(16)
    assert rel(x.grad, gx_ref) <= tol(16)
    assert abs(float(a.grad - ga_ref)) <= tol(16) * max(1.0, abs(float(ga_ref)))


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

def test_bad_arguments(gen):
    x = trandn(gen, 3, 8)
    with pytest.raises(ValueError, match="kind"):
        fractional_derivative(x, 0.5, kind="hadamard")
    with pytest.raises(ValueError, match="method"):
        fractional_derivative(x, 0.5, method="dct")
    with pytest.raises(ValueError, match="alpha"):
        fractional_derivative(x, float("nan"))
    with pytest.raises(ValueError, match="alpha"):
        fractional_derivative(x, torch.tensor(float("inf")))
    with pytest.raises(ValueError, match="alpha"):
        fractional_derivative(x, torch.full((3, 8), 0.5))  # size > 1 on the transformed dim
    with pytest.raises(ValueError, match="alpha"):
        fractional_derivative(x, torch.full((4, 1), 0.5))  # does not broadcast
    with pytest.raises(ValueError, match="dx"):
        fractional_derivative(x, 0.5, dx=0.0)
    with pytest.raises(ValueError, match="rfft"):
        fractional_derivative(x.to(torch.complex128), 0.5, method="rfft")
    with pytest.raises(np.exceptions.AxisError):
        fractional_derivative(x, 0.5, dim=2)
    with pytest.raises(np.exceptions.AxisError):
        fractional_derivative(torch.tensor(1.0), 0.5)
    with pytest.raises(ValueError, match="repeated"):
        fractional_derivative(x, 0.5, dim=(1, -1))
    with pytest.raises(ValueError, match="alpha"):
        fractional_derivative(x, torch.tensor(0.5 + 0j))


# ---------------------------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("init,lo,hi", [(0.5, 0.0, 2.0), (1e-9, 0.0, 2.0), (2 - 1e-9, 0.0, 2.0),
                                        (0.3, -1.0, 1.0), (1.5, 1.0, 3.0)])
def test_bounded_alpha_round_trip(init, lo, hi):
    p = BoundedAlphaParameter(init, lo, hi)
    assert isinstance(p.rho, torch.nn.Parameter) and p.rho.dtype == F64
    alpha = p()
    assert alpha.dtype == F64 and alpha.shape == ()
    assert abs(float(alpha.detach()) - init) <= 4 * EPS * max(abs(hi), abs(lo), 1.0)


def test_bounded_alpha_grad_and_per_channel():
    p = BoundedAlphaParameter([0.2, 1.0, 1.8])
    assert p.rho.shape == (3,)
    assert torch.allclose(p(), torch.tensor([0.2, 1.0, 1.8], dtype=F64), rtol=0, atol=1e-15)
    p().sum().backward()
    assert torch.all(p.rho.grad > 0)


@pytest.mark.parametrize("init", [0.0, 2.0, -0.1, 2.5, float("nan"), float("inf")])
def test_bounded_alpha_rejects(init):
    with pytest.raises(ValueError, match="alpha_init"):
        BoundedAlphaParameter(init, 0.0, 2.0)
    with pytest.raises(ValueError, match="alpha_init"):
        FractionalDerivative(init, learnable=True)


def test_bounded_alpha_rejects_bad_bounds():
    with pytest.raises(ValueError):
        BoundedAlphaParameter(0.5, 1.0, 0.0)
    with pytest.raises(ValueError):
        BoundedAlphaParameter(0.5, 0.0, float("inf"))


def test_fractional_derivative_module(gen):
    x = trandn(gen, 2, 3, 16)
    fixed = FractionalDerivative(0.7, learnable=False, dim=-1, kind="riesz")
    assert not list(fixed.parameters()) and "alpha_value" in dict(fixed.named_buffers())
    ref = fracfft.derivative(x.numpy(), 0.7, kind="riesz")
    assert rel(fixed(x), torch.from_numpy(ref)) <= tol(16)
    learn = FractionalDerivative(0.7, dim=(1, 2))
    assert [n for n, _ in learn.named_parameters()] == ["alpha_param.rho"]
    ref2 = fracfft.derivative(x.numpy(), 0.7, axis=(1, 2))
    assert rel(learn(x), torch.from_numpy(ref2)) <= tol(48)
    with pytest.raises(ValueError, match="kind"):
        FractionalDerivative(0.5, kind="bad")
    state = learn.state_dict()
    clone = FractionalDerivative(0.2, dim=(1, 2))
    clone.load_state_dict(state)
    assert abs(float(clone.alpha.detach()) - 0.7) < 1e-14


def test_seed_example_runs_with_new_import(gen):
    from fracfft import get_fft_backend as gfb  # noqa: F401 - the seed's import line
    from fracfft.torch import BoundedAlphaParameter as BAP
    from fracfft.torch import SpectralFractionalDerivative as SFD

    x = trandn(gen, 4, 64, requires_grad=True)
    alpha_param = BAP(0.5, 0.0, 2.0)
    y = SFD.apply(x, alpha_param(), -1, "auto")
    y.sum().backward()
    assert x.grad is not None and alpha_param.rho.grad is not None
    set_fft_backend("numpy")
    try:
        assert get_fft_backend() == "numpy"
        y2 = SFD.apply(x, alpha_param(), -1, "auto")
        assert rel(y2, y) <= tol(64)
    finally:
        set_fft_backend("auto")


# ---------------------------------------------------------------------------------------------
# torch.func.vmap and torch.compile
# ---------------------------------------------------------------------------------------------

def test_vmap_over_inputs(gen):
    xs = trandn(gen, 5, 3, 16)
    out = torch.func.vmap(lambda x: fractional_derivative(x, 0.6, -1))(xs)
    ref = fracfft.derivative(xs.numpy(), 0.6)
    assert out.shape == xs.shape and rel(out, torch.from_numpy(ref)) <= tol(16)
    # vmapped dim not in front, dim given as a positive index of the per-sample shape
    out0 = torch.func.vmap(lambda x: fractional_derivative(x, 0.6, 0), in_dims=1)(xs)
    ref0 = fracfft.derivative(np.moveaxis(xs.numpy(), 1, 0), 0.6, axis=1)
    assert rel(out0, torch.from_numpy(ref0)) <= tol(16)


def test_vmap_over_alpha_and_backward(gen):
    x = trandn(gen, 3, 16, requires_grad=True)
    alphas = torch.tensor([0.2, 0.9, 1.4], dtype=F64, requires_grad=True)
    out = torch.func.vmap(lambda a: fractional_derivative(x, a), in_dims=0)(alphas)
    assert out.shape == (3, 3, 16)
    for i, a in enumerate((0.2, 0.9, 1.4)):
        ref = fracfft.derivative(x.detach().numpy(), a)
        assert rel(out[i], torch.from_numpy(ref)) <= tol(16)
    g = trandn(gen, 3, 3, 16)
    out.backward(g)
    for i, a in enumerate((0.2, 0.9, 1.4)):
        ga = float(np.sum(fracfft.derivative_dalpha(x.detach().numpy(), a) * g[i].numpy()))
        assert abs(float(alphas.grad[i]) - ga) <= tol(16) * max(1.0, abs(ga))


# torch's own dynamo instantiates torch.autograd.Function() to model ctx when it traces any
# autograd.Function, and that constructor warns (torch/_dynamo/side_effects.py, torch 2.13).
@pytest.mark.filterwarnings(
    "ignore:<class 'torch.autograd.function.Function'> should not be instantiated"
    ":DeprecationWarning")
def test_torch_compile_model(gen):
    torch._dynamo.reset()
    model = torch.nn.Sequential(torch.nn.Linear(16, 16, dtype=F64), FractionalDerivative(0.5))
    x = trandn(gen, 4, 16)
    eager = model(x)
    eager.pow(2).sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    # aot_eager: the full dynamo + AOTAutograd path (custom ops with fake kernels) without the
    # minutes inductor takes to compile on a 2-core CI machine.
    compiled = torch.compile(model, backend="aot_eager", fullgraph=True)
    out = compiled(x)
    out.pow(2).sum().backward()
    assert rel(out, eager) <= tol(16)
    for p, ref in zip(model.parameters(), grads):
        assert rel(p.grad, ref) <= tol(16)


# ---------------------------------------------------------------------------------------------
# Packaging and CUDA
# ---------------------------------------------------------------------------------------------

def test_import_fracfft_does_not_import_torch():
    code = "import sys, fracfft; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu(gen):
    x = trandn(gen, 4, 64, requires_grad=True)
    a = torch.tensor(0.7, dtype=F64, requires_grad=True)
    g = trandn(gen, 4, 64)
    fractional_derivative(x, a).backward(g)
    xc = x.detach().cuda().requires_grad_(True)
    ac = a.detach().cuda().requires_grad_(True)
    y = fractional_derivative(xc, ac)
    assert y.is_cuda and y.dtype == F64
    y.backward(g.cuda())
    ref = fracfft.derivative(x.detach().numpy(), 0.7)
    assert rel(y.cpu(), torch.from_numpy(ref)) <= tol(64)
    assert rel(xc.grad.cpu(), x.grad) <= tol(64)
    assert abs(float(ac.grad.cpu() - a.grad)) <= tol(64) * max(1.0, abs(float(a.grad)))
