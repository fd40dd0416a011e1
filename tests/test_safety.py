"""Thread safety, no mutation of inputs, odd memory layouts, and a light import."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import fracfft

FUNCS = [fracfft.derivative, fracfft.derivative_adjoint, fracfft.derivative_dalpha]


def test_sixteen_threads_give_identical_results(rng):
    xs = [rng.standard_normal((8, 96 + i)) for i in range(16)]
    expected = [fracfft.derivative(x, 0.3 + 0.1 * i, kind=("weyl", "riesz")[i % 2])
                for i, x in enumerate(xs)]

    def job(i):
        with fracfft.set_fft_backend(("scipy", "numpy", "auto")[i % 3]):
            return fracfft.derivative(xs[i], 0.3 + 0.1 * i, kind=("weyl", "riesz")[i % 2])

    for _ in range(3):
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(job, range(16)))
        for r, e in zip(results, expected):
            np.testing.assert_allclose(r, e, rtol=0, atol=1e-13 * np.abs(e).max())
    assert fracfft.get_fft_backend() == "auto"


def _layouts(rng, complex_input):
    base = rng.standard_normal((6, 40))
    if complex_input:
        base = base + 1j * rng.standard_normal((6, 40))
    ro = base.copy()
    ro.flags.writeable = False
    return {
        "strided": base[:, ::2],
        "negative": base[::-1, ::-1],
        "fortran": np.asfortranarray(base),
        "readonly": ro,
        "transposed": base.T,
        "broadcast": np.broadcast_to(base[0], (5, 40)),
    }


@pytest.mark.parametrize("fn", FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("complex_input", [False, True])
def test_layouts_give_the_contiguous_result_and_are_not_modified(fn, complex_input, rng):
    for name, x in _layouts(rng, complex_input).items():
        before = np.array(x, copy=True)
        for alpha in (0.0, 0.6) if fn is not fracfft.derivative_dalpha else (0.6,):
            for axis in (0, -1):
                y = fn(x, alpha, axis)
                np.testing.assert_array_equal(x, before, err_msg=name)
                assert not np.shares_memory(y, x)
                ref = fn(np.ascontiguousarray(x), alpha, axis)
                np.testing.assert_allclose(y, ref, rtol=0, atol=1e-13 * (1 + np.abs(ref).max()),
                                           err_msg=name)


def test_results_are_writable_new_arrays(rng):
    x = rng.standard_normal(8)
    for alpha in (0.0, 0.5):
        y = fracfft.derivative(x, alpha)
        assert y.flags.writeable and y.flags.c_contiguous
        y[:] = 0
    assert np.all(x != 0)


def test_import_is_light():
    code = ("import sys, fracfft, fracfft.fft, fracfft.symbols; "
            "bad = [m for m in ('torch', 'numba', 'numba.cuda', 'cupy') if m in sys.modules]; "
            "assert not bad, bad; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_numpy_path_never_compiles_numba():
    code = ("import sys, numpy as np, fracfft; fracfft.derivative(np.ones((2, 8)), 0.5); "
            "fracfft.derivative_dalpha(np.ones(9) + 0j, 1.5, kind='riesz'); "
            "assert 'numba' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
