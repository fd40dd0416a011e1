"""The torch bridge's large-call route (issue 14): the forward keeps ``P = K X``.

For a one-axis weyl rfft plan with a scalar order the backward of a large call reads the
alpha-gradient from the forward's products (``symbols.weyl_half_product_weights``) and takes two
transforms, not three. Checked against the route that recomputes ``X`` (output and x-gradient
bit for bit, alpha-gradient to round-off), against central finite differences, against
``gradcheck``, block by block, across a second backward, and for the memory it holds.
"""

import numpy as np
import pytest

import fracfft
from fracfft import _core, symbols

from conftest import HOST_BACKENDS

torch = pytest.importorskip("torch", reason="the torch bridge needs torch (the test extra)")


@pytest.fixture
def small_is_large(monkeypatch):
    """Every call above 8 elements takes the large route (the route, not the size, is tested)."""
    monkeypatch.setattr(_core, "KEEP_BINS", 8)


def _grads(x, alpha, g, dim=-1, dx=1.0, keep=True, monkeypatch=None, backend=None):
    from fracfft.torch import SpectralFractionalDerivative

    if not keep:
        monkeypatch.setattr(_core, "keeps_products", lambda plan: False)
    xx = x.detach().clone().requires_grad_()
    a = torch.tensor(alpha, dtype=torch.float64, requires_grad=True)
    y = SpectralFractionalDerivative.apply(xx, a, dim, "auto", "weyl", dx, None, backend)
    y.backward(g)
    if not keep:
        monkeypatch.undo()
    return y.detach(), xx.grad, a.grad


@pytest.mark.parametrize("shape,dim", [((64,), -1), ((63,), 0), ((3, 40), -1), ((40, 3), 0),
                                       ((2, 3, 33), 1)])
@pytest.mark.parametrize("alpha", [0.45, 1.0, 3.0, 2.0, -0.5, 1.7])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_kept_products_give_the_recomputing_route(small_is_large, monkeypatch, rng, shape,
                                                    dim, alpha, dtype):
    """Odd integer orders make the Nyquist bin's K (nearly) 0: its term comes from X there."""
    x = torch.tensor(rng.standard_normal(shape)).to(dtype)
    g = torch.tensor(rng.standard_normal(shape)).to(dtype)
    kept = _grads(x, alpha, g, dim, 0.3)
    redo = _grads(x, alpha, g, dim, 0.3, keep=False, monkeypatch=monkeypatch)
    torch.testing.assert_close(kept[0], redo[0], rtol=0, atol=0)
    torch.testing.assert_close(kept[1], redo[1], rtol=0, atol=0)
    # both alpha-gradients sum the same terms in another order: round-off of the spectra's
    # precision on the sum of the terms' magnitudes
    xa, ga = x.double().numpy(), g.double().numpy()
    n = shape[dim]
    scale = n * np.abs(np.fft.rfft(xa, axis=dim)).max() * np.abs(np.fft.rfft(ga, axis=dim)).max()
    scale *= max(1.0, (2 * np.pi / 0.3) ** alpha) * 8 * xa.size / n
    eps = torch.finfo(dtype).eps
    assert abs(kept[2].item() - redo[2].item()) <= 16 * eps * scale / n


@pytest.mark.parametrize("n", [32, 33])
@pytest.mark.parametrize("alpha", [0.6, 1.0, 2.5])
def test_kept_products_alpha_gradient_matches_finite_differences(small_is_large, rng, n, alpha):
    x = torch.tensor(rng.standard_normal((2, n)))
    g = torch.tensor(rng.standard_normal((2, n)))
    y, gx, ga = _grads(x, alpha, g, dx=0.7)

    def loss(al):
        return float(np.sum(fracfft.derivative(x.numpy(), al, dx=0.7) * g.numpy()))

    h = 1e-5
    fd = (loss(alpha + h) - loss(alpha - h)) / (2 * h)
    assert abs(ga.item() - fd) <= 1e-7 * max(1.0, abs(fd))
    np.testing.assert_allclose(gx.numpy(), fracfft.derivative_adjoint(g.numpy(), alpha, dx=0.7),
                               rtol=0, atol=64 * np.finfo(float).eps * np.abs(g.numpy()).sum())


@pytest.mark.parametrize("backend", HOST_BACKENDS)
def test_kept_products_on_every_host_backend(small_is_large, monkeypatch, rng, backend):
    """Each backend's inverse leaves the kept products as they were (read-only, never written)."""
    x = torch.tensor(rng.standard_normal((3, 64)))
    g = torch.tensor(rng.standard_normal((3, 64)))
    kept = _grads(x, 0.7, g, backend=backend)
    redo = _grads(x, 0.7, g, keep=False, monkeypatch=monkeypatch, backend=backend)
    for a, b in zip(kept[:2], redo[:2]):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    torch.testing.assert_close(kept[2], redo[2], rtol=1e-13, atol=0)


def test_kept_products_pass_gradcheck(small_is_large, rng):
    from fracfft.torch import SpectralFractionalDerivative

    x = torch.tensor(rng.standard_normal((2, 16)), requires_grad=True)
    a = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, a: SpectralFractionalDerivative.apply(x, a),
                                    (x, a))


def test_kept_products_block_by_block(small_is_large, monkeypatch, rng):
    """Row blocks: each block's products kept and freed in turn; the same values."""
    x = torch.tensor(rng.standard_normal((7, 64)))
    g = torch.tensor(rng.standard_normal((7, 64)))
    whole = _grads(x, 0.7, g)
    monkeypatch.setattr(_core, "_BLOCK_BYTES", 2 * 64 * 8)  # about two rows a block
    assert len(_core._row_blocks(_core.make_plan(x.numpy(), 0.7, -1, kind="weyl", dx=1.0,
                                                 method="auto", backend=None,
                                                 workers=1)[1], 8)) > 2
    blocks = _grads(x, 0.7, g)
    for a, b in zip(whole[:2], blocks[:2]):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    torch.testing.assert_close(whole[2], blocks[2], rtol=1e-13, atol=0)


def test_a_second_backward_recomputes_and_the_products_are_released(small_is_large, rng):
    """retain_graph: the first backward consumes the products, the second recomputes X."""
    from fracfft.torch import SpectralFractionalDerivative

    x = torch.tensor(rng.standard_normal((3, 40)), requires_grad=True)
    g = torch.tensor(rng.standard_normal((3, 40)))
    a = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    y = SpectralFractionalDerivative.apply(x, a)
    kept = y.grad_fn.kept
    assert isinstance(kept[1], _core.KeptProducts) and not kept[1].taken
    y.backward(g, retain_graph=True)
    assert kept[1].taken  # nothing held past the backward
    first = x.grad.clone(), a.grad.clone()
    x.grad = a.grad = None
    y.backward(g)
    torch.testing.assert_close(x.grad, first[0], rtol=0, atol=0)
    torch.testing.assert_close(a.grad, first[1], rtol=1e-13, atol=0)


def test_kept_products_only_where_they_serve(small_is_large, rng):
    """Products are kept for orders that need a gradient, on one-axis weyl rfft plans."""
    from fracfft.torch import SpectralFractionalDerivative, fractional_derivative

    x = torch.tensor(rng.standard_normal((3, 40)), requires_grad=True)
    a = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    assert isinstance(SpectralFractionalDerivative.apply(x, a).grad_fn.kept[1],
                      _core.KeptProducts)
    assert SpectralFractionalDerivative.apply(x, a.detach()).grad_fn.kept is None
    for kind in ("riesz", "gl"):
        kept = SpectralFractionalDerivative.apply(x, a, -1, "auto", kind).grad_fn.kept
        assert kept is None
    per_channel = torch.tensor([[0.3], [0.5], [0.9]], dtype=torch.float64, requires_grad=True)
    assert isinstance(fractional_derivative(x, per_channel).grad_fn.kept[1],
                      _core.KeptProducts)
    z = torch.tensor(rng.standard_normal((3, 40)) + 1j, requires_grad=True)
    assert SpectralFractionalDerivative.apply(z, a).grad_fn.kept is None


@pytest.mark.parametrize("n", [7, 8, 32, 33])
@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0, 3.0, -0.5])
def test_product_weights_reproduce_the_weighted_derivative(rng, n, alpha):
    """Re sum W X conj(G) == Re sum L (K X) conj(G) + w Re X_nyq conj(G_nyq), for any X, G."""
    x = np.fft.rfft(rng.standard_normal(n))
    g = np.fft.rfft(rng.standard_normal(n))
    k, weighted = symbols.weyl_half_kept(1, 0, n, 0.3, alpha)
    logs, w = symbols.weyl_half_product_weights(1, 0, n, 0.3, alpha)
    expected = np.vdot(g, x * weighted).real
    got = np.vdot(g, logs * (k * x)).real
    if n % 2 == 0:
        got += w * (x[n // 2] * np.conj(g[n // 2])).real
    else:
        assert w == 0.0
    scale = np.abs(weighted).max() * np.abs(x).max() * np.abs(g).max() * n
    assert abs(got - expected) <= 16 * np.finfo(float).eps * max(scale, 1e-300)
    assert not logs.flags.writeable


def _channel_grads(x, alpha, g, dim, keep=True, monkeypatch=None):
    from fracfft.torch import fractional_derivative

    if not keep:
        monkeypatch.setattr(_core, "keeps_products", lambda plan: False)
    xx = x.detach().clone().requires_grad_()
    a = alpha.detach().clone().requires_grad_()
    y = fractional_derivative(xx, a, dim, dx=0.3)
    y.backward(g)
    if not keep:
        monkeypatch.undo()
    return y.detach(), xx.grad, a.grad


@pytest.mark.parametrize("shape,dim,ashape", [((3, 64), -1, (3, 1)), ((4, 3, 33), -1, (3, 1)),
                                              ((40, 3), 0, (1, 3)), ((2, 3, 32), 1, (2, 1, 1)),
                                              ((2, 3, 32), -1, (2, 3, 1))])
@pytest.mark.parametrize("blocks", [False, True])
def test_per_channel_orders_keep_products_too(small_is_large, monkeypatch, rng, shape, dim,
                                              ashape, blocks):
    """One order per channel (odd integers among them): the recomputing route's output and
    x-gradient bit for bit, its alpha-gradient to round-off, block by block as well."""
    if blocks:
        monkeypatch.setattr(_core, "_BLOCK_BYTES", 3 * 8 * shape[-1])
    x = torch.tensor(rng.standard_normal(shape))
    g = torch.tensor(rng.standard_normal(shape))
    alpha = torch.tensor(rng.choice([0.45, 1.0, 3.0, 1.7, -0.5], size=ashape))
    kept = _channel_grads(x, alpha, g, dim)
    redo = _channel_grads(x, alpha, g, dim, keep=False, monkeypatch=monkeypatch)
    torch.testing.assert_close(kept[0], redo[0], rtol=0, atol=0)
    torch.testing.assert_close(kept[1], redo[1], rtol=0, atol=0)
    assert kept[2].shape == alpha.shape
    scale = redo[2].abs().max().item()
    torch.testing.assert_close(kept[2], redo[2], rtol=0, atol=1e-12 * max(scale, 1.0))


def test_per_channel_alpha_gradient_matches_finite_differences(small_is_large, rng):
    x = torch.tensor(rng.standard_normal((3, 32)))
    g = torch.tensor(rng.standard_normal((3, 32)))
    alpha = torch.tensor([[0.6], [1.0], [2.5]], dtype=torch.float64)
    _, _, ga = _channel_grads(x, alpha, g, -1)
    h = 1e-5

    def loss(c, al):
        a = alpha.numpy().copy()
        a[c, 0] = al
        return float(np.sum(fracfft.derivative(x.numpy(), a, dx=0.3) * g.numpy()))

    for c in range(3):
        a0 = float(alpha[c, 0])
        fd = (loss(c, a0 + h) - loss(c, a0 - h)) / (2 * h)
        assert abs(ga[c, 0].item() - fd) <= 1e-7 * max(1.0, abs(fd))


def test_per_channel_kept_products_pass_gradcheck(small_is_large, rng):
    from fracfft.torch import fractional_derivative

    x = torch.tensor(rng.standard_normal((2, 16)), requires_grad=True)
    a = torch.tensor([[0.8], [1.3]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, a: fractional_derivative(x, a), (x, a))
