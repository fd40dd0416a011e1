"""Causal kinds on numba.cuda device arrays, end to end under numba's CUDA simulator."""

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("numba_cuda", reason="numba-cuda not installed (pip install fracfft[cuda])")

SCRIPT = textwrap.dedent("""
    import numpy as np
    from numba import cuda
    import fracfft

    rng = np.random.default_rng(1)
    funcs = (fracfft.derivative, fracfft.derivative_adjoint, fracfft.derivative_dalpha)
    for kind in ("gl", "gl2", "caputo"):
        for shape, axis in (((3, 16), -1), ((5, 12), 0), ((4, 6), (0, 1))):
            x = rng.standard_normal(shape)
            for method in ("rfft", "fft"):
                for fn in funcs:
                    d = cuda.to_device(x)
                    y = fn(d, 0.7, axis, kind=kind, method=method, backend="manual")
                    assert fracfft._validate.is_device_array(y), type(y)
                    assert y.dtype == np.float64 and y.shape == x.shape
                    ref = fn(x, 0.7, axis, kind=kind)
                    err = np.abs(y.copy_to_host() - ref).max() / np.abs(ref).max()
                    assert err <= 1e-13, (kind, shape, method, fn.__name__, err)
                    np.testing.assert_array_equal(d.copy_to_host(), x)  # input untouched
        z = (rng.standard_normal((2, 9)) + 1j * rng.standard_normal((2, 9))).astype(np.complex64)
        y = fracfft.derivative_adjoint(cuda.to_device(z), 0.4, kind=kind, backend="manual")
        assert y.dtype == np.complex64
        ref = fracfft.derivative_adjoint(z, 0.4, kind=kind)
        assert np.abs(y.copy_to_host() - ref).max() <= 1e-5 * np.abs(ref).max()
        # one order per channel: the spectra are broadcast on the device
        x = rng.standard_normal((3, 2, 10))
        alpha = np.array([0.2, 0.9])[:, None]
        y = fracfft.derivative(cuda.to_device(x), alpha, kind=kind, backend="manual")
        ref = fracfft.derivative(x, alpha, kind=kind)
        assert np.abs(y.copy_to_host() - ref).max() <= 1e-13 * np.abs(ref).max()
    print("ok")
""")


def test_causal_kinds_on_device_arrays_under_the_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         env=env, timeout=900, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")
