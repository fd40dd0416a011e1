"""Large arrays go through the core in row blocks; the numbers must not notice."""

import numpy as np
import pytest

import fracfft
from fracfft import _core


@pytest.fixture
def tiny_blocks(monkeypatch):
    # A few hundred bytes per block: every test array below is split into several blocks.
    monkeypatch.setattr(_core, "_BLOCK_BYTES", 256)


def _plan(x, alpha, axis, kind="weyl"):
    return _core.make_plan(x, alpha, axis, kind=kind, dx=0.7, method="auto", backend=None,
                           workers=1)


@pytest.mark.parametrize("alpha", [0.6, np.array([0.2, 0.9, 1.4])[None, :, None],
                                   np.linspace(0.1, 1.9, 7)[:, None, None]])
@pytest.mark.parametrize("kind", ["weyl", "riesz"])
@pytest.mark.parametrize("complex_input", [False, True])
def test_blocked_equals_whole(alpha, kind, complex_input, rng, monkeypatch):
    x = rng.standard_normal((7, 3, 20))
    g = rng.standard_normal((7, 3, 20))
    if complex_input:
        x = x + 1j * rng.standard_normal(x.shape)
        g = g + 1j * rng.standard_normal(g.shape)
    axis = (1, 2) if np.ndim(alpha) == 0 else -1
    x_arr, plan = _plan(x, alpha, axis, kind)
    assert _core._row_blocks(plan, x_arr.dtype.itemsize) is None
    whole = [fracfft.derivative(x, alpha, axis, kind=kind, dx=0.7),
             fracfft.derivative_dalpha(x, alpha, axis, kind=kind, dx=0.7),
             *_core.vjp(plan, g, x)]
    monkeypatch.setattr(_core, "_BLOCK_BYTES", 256)
    assert len(_core._row_blocks(plan, x_arr.dtype.itemsize)) > 2
    blocked = [fracfft.derivative(x, alpha, axis, kind=kind, dx=0.7),
               fracfft.derivative_dalpha(x, alpha, axis, kind=kind, dx=0.7),
               *_core.vjp(plan, g, x)]
    for w, b in zip(whole, blocked):
        assert np.shape(w) == np.shape(b)
        np.testing.assert_allclose(b, w, rtol=1e-12, atol=1e-12 * np.abs(w).max())
    gx, ga = _core.vjp(plan, g, x, need_alpha=False)
    np.testing.assert_allclose(gx, whole[2], rtol=1e-12, atol=1e-12 * np.abs(gx).max())
    assert ga is None


def test_transformed_axis_zero_is_never_split(tiny_blocks, rng):
    x = rng.standard_normal((16, 4))
    _, plan = _plan(x, 0.5, 0)
    assert _core._row_blocks(plan, 8) is None
    np.testing.assert_allclose(fracfft.derivative(x, 0.5, 0),
                               fracfft.derivative(x.T.copy(), 0.5, 1).T, atol=1e-13)


def test_torch_gradients_through_blocks(tiny_blocks):
    torch = pytest.importorskip("torch")
    from fracfft.torch import fractional_derivative

    gen = torch.Generator().manual_seed(3)
    x = torch.randn(6, 2, 16, dtype=torch.float64, generator=gen, requires_grad=True)
    alpha = torch.tensor([[0.4], [1.1]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: fractional_derivative(a, b), (x, alpha))
