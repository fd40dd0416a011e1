"""fracfft.torch with the causal kinds gl, gl2, caputo (SPEC §5): values and exact gradients."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import fracfft  # noqa: E402
from fracfft.torch import (  # noqa: E402
    FractionalDerivative,
    SpectralFractionalDerivative,
    fractional_derivative,
)

from naive import trandn  # noqa: E402

F64 = torch.float64
KINDS = ("gl", "gl2", "caputo")
ALPHAS = {"gl": (-0.7, 0.0, 0.45, 1.6), "gl2": (-0.7, 0.0, 0.45, 1.6),
          "caputo": (0.0, 0.3, 0.8, 1.0)}


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(20261202)


@pytest.mark.parametrize("kind", KINDS)
def test_forward_equals_numpy_api(kind, gen):
    x = trandn(gen, 3, 4, 21)
    for a in ALPHAS[kind]:
        for dim, dx in ((-1, 0.3), (1, 2.0), ((0, 2), (0.5, 0.25))):
            y = fractional_derivative(x, a, dim, kind=kind, dx=dx)
            ref = fracfft.derivative(x.numpy(), a, dim, kind=kind, dx=dx)
            assert y.dtype == F64 and y.shape == x.shape
            np.testing.assert_allclose(y.numpy(), ref, rtol=0,
                                       atol=1e-14 * (1 + np.abs(ref).max()))


@pytest.mark.parametrize("kind", KINDS)
def test_gradcheck_x_and_scalar_alpha(kind, gen):
    x = trandn(gen, 2, 13, requires_grad=True)
    for a0 in ALPHAS[kind][1:3]:
        a = torch.tensor(a0, dtype=F64, requires_grad=True)
        assert torch.autograd.gradcheck(
            lambda x, a: fractional_derivative(x, a, kind=kind, dx=0.4), (x, a))


@pytest.mark.parametrize("kind", KINDS)
def test_gradcheck_per_channel_alpha_and_several_dims(kind, gen):
    x = trandn(gen, 3, 6, 7, requires_grad=True)
    a = torch.tensor([[[0.15]], [[0.5]], [[0.85]]], dtype=F64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda x, a: SpectralFractionalDerivative.apply(x, a, -1, "auto", kind, 0.7), (x, a))
    assert torch.autograd.gradcheck(
        lambda x, a: fractional_derivative(x, a, (1, 2), kind=kind, dx=(0.5, 1.5)), (x, a))


@pytest.mark.parametrize("kind", KINDS)
def test_alpha_gradient_matches_numpy_dalpha(kind, gen):
    # dL/dalpha = sum(dD/dalpha x * g) from the NumPy API, independently of autograd.
    x = trandn(gen, 4, 50)
    g = trandn(gen, 4, 50)
    a = torch.tensor(0.55, dtype=F64, requires_grad=True)
    y = fractional_derivative(x, a, kind=kind, dx=0.1)
    (ga,) = torch.autograd.grad((y * g).sum(), a)
    ref = (fracfft.derivative_dalpha(x.numpy(), 0.55, kind=kind, dx=0.1) * g.numpy()).sum()
    assert abs(ga.item() - ref) <= 1e-12 * max(1.0, abs(ref))
    xg = x.clone().requires_grad_(True)
    (gx,) = torch.autograd.grad((fractional_derivative(xg, 0.55, kind=kind, dx=0.1) * g).sum(),
                                xg)
    ref_gx = fracfft.derivative_adjoint(g.numpy(), 0.55, kind=kind, dx=0.1)
    np.testing.assert_allclose(gx.numpy(), ref_gx, rtol=0, atol=1e-13 * np.abs(ref_gx).max())


def test_caputo_order_zero_is_x_minus_first_sample(gen):
    x = trandn(gen, 2, 9)
    y = fractional_derivative(x, 0.0, kind="caputo")
    torch.testing.assert_close(y, x - x[:, :1], rtol=0, atol=1e-15)


def test_float32_keeps_dtype(gen):
    x = trandn(gen, 2, 64)
    for kind in KINDS:
        y32 = fractional_derivative(x.float(), 0.5, kind=kind)
        assert y32.dtype == torch.float32
        ref = fractional_derivative(x, 0.5, kind=kind)
        assert (y32.double() - ref).abs().max() <= 1e-5 * (1 + ref.abs().max())


def test_module_learns_order_and_rejects_bad_caputo(gen):
    x = trandn(gen, 4, 128).cumsum(-1) / 10
    target = fractional_derivative(x, 0.35, kind="caputo", dx=0.05)
    model = FractionalDerivative(0.7, kind="caputo", alpha_min=0.0, alpha_max=1.0, dx=0.05)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    for _ in range(150):
        opt.zero_grad()
        loss = ((model(x) - target) ** 2).mean()
        loss.backward()
        opt.step()
    assert abs(model.alpha.item() - 0.35) < 0.02
    with pytest.raises(ValueError, match="gl"):
        fractional_derivative(x, torch.tensor(1.5, dtype=F64), kind="caputo")
    with pytest.raises(ValueError, match="gl"):
        fractional_derivative(x, torch.tensor([[0.5], [1.2], [0.1], [0.3]]), kind="caputo")
