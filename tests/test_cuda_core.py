"""The NumPy API on numba.cuda device arrays, end to end under numba's CUDA simulator."""

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("numba_cuda", reason="numba-cuda not installed (pip install fracfft[cuda])")

SCRIPT = textwrap.dedent("""
    import warnings
    import numpy as np
    from numba import cuda
    import fracfft

    rng = np.random.default_rng(1)
    cases = [((3, 16), -1, "weyl"), ((5, 12), 0, "riesz"), ((4, 6), (0, 1), "weyl"),
             ((4, 5), (0, 1), "riesz")]
    for shape, axis, kind in cases:
        x = rng.standard_normal(shape)
        for method in ("rfft", "fft"):
            d = cuda.to_device(x)
            y = fracfft.derivative(d, 0.7, axis, kind=kind, method=method, backend="manual")
            assert fracfft._validate.is_device_array(y), type(y)
            assert y.dtype == np.float64 and y.shape == x.shape
            ref = fracfft.derivative(x, 0.7, axis, kind=kind)
            assert np.abs(y.copy_to_host() - ref).max() <= 1e-13 * np.abs(ref).max()
            np.testing.assert_array_equal(d.copy_to_host(), x)  # input untouched
        z = (x + 1j * rng.standard_normal(shape)).astype(np.complex64)
        y = fracfft.derivative_adjoint(cuda.to_device(z), 1.3, axis, kind=kind, backend="manual")
        assert y.dtype == np.complex64
        ref = fracfft.derivative_adjoint(z, 1.3, axis, kind=kind)
        assert np.abs(y.copy_to_host() - ref).max() <= 1e-5 * np.abs(ref).max()

    # One order per channel: the symbol is broadcast on the device.
    x = rng.standard_normal((3, 2, 10))
    alpha = np.array([0.2, 1.4])[:, None]
    y = fracfft.derivative_dalpha(cuda.to_device(x), alpha, backend="manual").copy_to_host()
    ref = fracfft.derivative_dalpha(x, alpha)
    assert np.abs(y - ref).max() <= 1e-13 * np.abs(ref).max()

    # "auto" on a device array: CuPy is missing here, so one warning and the numba.cuda kernels.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = fracfft.derivative(cuda.to_device(x), 0.5)
    assert [w.category for w in caught] == [RuntimeWarning], caught
    assert "cupy" in str(caught[0].message)
    assert np.abs(y.copy_to_host() - fracfft.derivative(x, 0.5)).max() < 1e-13
    print("ok")
""")


def test_numpy_api_on_device_arrays_under_the_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         env=env, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")
