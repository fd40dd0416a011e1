"""With scipy.fft and numpy.fft both broken, "auto" serves everything from the Numba FFT."""

import numpy as np
import pytest
import scipy.fft

import fracfft

from conftest import HOST_BACKENDS

pytestmark = pytest.mark.skipif("manual" not in HOST_BACKENDS, reason="numba not installed")

NAMES = ("fft", "ifft", "rfft", "irfft", "fftn", "ifftn", "rfftn", "irfftn")


def _broken(*args, **kwargs):
    raise RuntimeError("MKL FFT error: Intel MKL DFTI ERROR: Inconsistent configuration")


@pytest.fixture
def broken_stack(monkeypatch):
    for name in NAMES:
        monkeypatch.setattr(scipy.fft, name, _broken)
        monkeypatch.setattr(np.fft, name, _broken)


def test_derivatives_come_from_manual_unchanged(broken_stack, rng):
    x = rng.standard_normal((3, 50))
    alpha = np.array([0.3, 1.0, 1.7])[:, None]
    # References from the manual backend directly (no fallback), compared with the dense DFT in
    # tests/test_reference.py for the same operator.
    refs = {fn: fn(x, alpha, kind=kind, backend="manual")
            for fn in (fracfft.derivative, fracfft.derivative_adjoint, fracfft.derivative_dalpha)
            for kind in ("weyl",)}
    with pytest.warns(RuntimeWarning) as record:
        out = {fn: fn(x, alpha) for fn in refs}
    messages = sorted(str(w.message) for w in record)
    assert len(messages) == 2, messages  # scipy once, numpy once
    assert "'scipy'" in messages[1] and "'numpy'" in messages[0]
    for fn, ref in refs.items():
        np.testing.assert_allclose(out[fn], ref, rtol=0, atol=1e-13 * np.abs(ref).max())
    # ... and they are the right numbers: the dense reference agrees with both.
    from naive import derivative as naive_derivative

    np.testing.assert_allclose(out[fracfft.derivative][1], naive_derivative(x[1], 1.0).real,
                               atol=1e-12 * np.abs(out[fracfft.derivative][1]).max())


def test_torch_gradients_come_from_manual_unchanged(broken_stack, rng):
    torch = pytest.importorskip("torch")
    from fracfft.torch import SpectralFractionalDerivative

    x0 = rng.standard_normal((2, 40))

    def grads():
        x = torch.tensor(x0, requires_grad=True)
        alpha = torch.tensor(0.6, dtype=torch.float64, requires_grad=True)
        y = SpectralFractionalDerivative.apply(x, alpha, -1)
        (y * torch.cos(torch.arange(40.0, dtype=torch.float64))).sum().backward()
        return y.detach().numpy(), x.grad.numpy(), alpha.grad.item()

    with pytest.warns(RuntimeWarning):
        y, gx, ga = grads()
    with fracfft.set_fft_backend("manual"):
        y_m, gx_m, ga_m = grads()
    np.testing.assert_allclose(y, y_m, atol=1e-13)
    np.testing.assert_allclose(gx, gx_m, atol=1e-13)
    assert ga == pytest.approx(ga_m, rel=1e-12)
    np.testing.assert_allclose(y, fracfft.derivative(x0, 0.6, backend="manual"), atol=1e-13)
