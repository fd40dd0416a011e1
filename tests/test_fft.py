"""fracfft.fft: numpy-compatible transforms through every installed backend."""

import numpy as np
import pytest

import fracfft.fft as ffft

from conftest import HOST_BACKENDS
from naive import crandn, dft, fft_tol, rel_err

NORMS = [None, "backward", "ortho", "forward"]



def _expected(x, norm, inverse):
    n = x.shape[-1]
    ref = dft(x, inverse=inverse)
    if norm == "ortho":
        ref = ref * (np.sqrt(n) if inverse else 1 / np.sqrt(n))
    elif norm == "forward":
        ref = ref * (n if inverse else 1 / n)
    return ref


@pytest.mark.parametrize("backend", HOST_BACKENDS)
@pytest.mark.parametrize("n", [1, 2, 3, 8, 15, 64, 97, 360])
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_c2c_against_dense_dft(backend, n, dtype, rng):
    x = crandn(rng, (3, n), dtype)
    for norm in NORMS:
        y = ffft.fft(x, norm=norm, backend=backend)
        assert y.dtype == dtype and y.shape == x.shape
        assert rel_err(y, _expected(x, norm, False)) <= fft_tol(n, dtype)
        z = ffft.ifft(x, norm=norm, backend=backend)
        assert z.dtype == dtype
        assert rel_err(z, _expected(x, norm, True)) <= fft_tol(n, dtype)


@pytest.mark.parametrize("backend", HOST_BACKENDS)
@pytest.mark.parametrize("n", [1, 2, 5, 8, 33, 100])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_real_transforms(backend, n, dtype, rng):
    cdtype = np.result_type(dtype, np.complex64)
    x = rng.standard_normal((2, n)).astype(dtype)
    for norm in NORMS:
        y = ffft.rfft(x, norm=norm, backend=backend)
        assert y.dtype == cdtype and y.shape == (2, n // 2 + 1)
        assert rel_err(y, _expected(x, norm, False)[:, : n // 2 + 1]) <= fft_tol(n, dtype)
        back = ffft.irfft(y, n=n, norm=norm, backend=backend)
        assert back.dtype == dtype and back.shape == x.shape
        assert rel_err(back, x) <= 2 * fft_tol(n, dtype)


@pytest.mark.parametrize("backend", HOST_BACKENDS)
def test_padding_cropping_axes_and_nd(backend, rng):
    x = rng.standard_normal((6, 5))
    np.testing.assert_allclose(ffft.fft(x, n=8, axis=0, backend=backend),
                               np.fft.fft(x, n=8, axis=0), atol=1e-13)
    np.testing.assert_allclose(ffft.rfft(x, n=3, backend=backend), np.fft.rfft(x, n=3),
                               atol=1e-13)
    np.testing.assert_allclose(ffft.irfft(np.fft.rfft(x), backend=backend),
                               np.fft.irfft(np.fft.rfft(x)), atol=1e-13)
    np.testing.assert_allclose(ffft.fftn(x, backend=backend), np.fft.fftn(x), atol=1e-12)
    np.testing.assert_allclose(ffft.irfftn(ffft.rfftn(x, backend=backend), s=x.shape, axes=(0, 1),
                                           backend=backend), x, atol=1e-13)


def test_dtype_rules_and_errors(rng):
    assert ffft.fft(np.arange(4)).dtype == np.complex128
    assert ffft.rfft(np.ones(4, dtype=np.float16)).dtype == np.complex64
    assert ffft.fft(np.ones(4, dtype=bool)).dtype == np.complex128
    with pytest.raises(TypeError, match="real"):
        ffft.rfft(np.ones(4, dtype=complex))
    with pytest.raises(TypeError, match="dtype"):
        ffft.fft(np.array(["a"]))
    with pytest.raises(ValueError, match="norm"):
        ffft.fft(np.ones(4), norm="unitary")
    with pytest.raises(ValueError, match="points"):
        ffft.fft(np.ones(4), n=0)
    with pytest.raises(ValueError, match="0"):
        ffft.fft(np.ones((3, 0)))
    with pytest.raises(ValueError, match="points"):
        ffft.irfft(np.ones(1, dtype=complex))
