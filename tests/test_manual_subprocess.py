"""The manual FFT in fresh interpreters: lazy imports, NUMBA_DISABLE_JIT, unwritable caches."""

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import HOST_BACKENDS

pytestmark = pytest.mark.skipif("manual" not in HOST_BACKENDS, reason="numba not installed")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHECK = textwrap.dedent("""
    import numpy as np, scipy.fft
    from fracfft.fft import _manual
    rng = np.random.default_rng(1)
    for n in (1, 2, 6, 8, 12, 13):
        x = rng.standard_normal((2, n)) + 1j * rng.standard_normal((2, n))
        for fwd in (True, False):
            got = _manual.c2c(x, None, (1,), fwd, "ortho", 2)
            ref = (scipy.fft.fft if fwd else scipy.fft.ifft)(x, norm="ortho")
            assert np.allclose(got, ref, atol=1e-12), (n, fwd)
    print("OK")
""")


def run(code, **env):
    full = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    full.update(env)
    return subprocess.run([sys.executable, "-W", "error", "-c", code], env=full, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_imports_are_lazy():
    code = textwrap.dedent("""
        import sys
        import fracfft, fracfft.fft, fracfft.fft._manual, fracfft.fft._uarray, fracfft.fft.manual
        from fracfft.fft import manual_backend
        bad = [m for m in sys.modules if m == "numba" or m.startswith("fracfft.fft.manual._")]
        assert not bad, bad
        print("OK")
    """)
    res = run(code)
    assert res.returncode == 0 and "OK" in res.stdout, res.stderr


def test_disable_jit():
    code = CHECK + textwrap.dedent("""
        X = _manual.r2c(np.arange(7.0), None, (0,), "backward", 1)
        assert np.allclose(X, np.fft.rfft(np.arange(7.0)))
        assert np.allclose(_manual.c2r(X, (7,), (0,), "backward", 1), np.arange(7.0))
        from fracfft._device import multiply_symbol
        s = np.ones((1, 5), complex)
        multiply_symbol(s, np.array([2.0]), 8, 1.0, 1, 0, True, 1)
        assert np.allclose(s.real, -(2 * np.pi * np.fft.rfftfreq(8)) ** 2)
    """)
    res = run(code, NUMBA_DISABLE_JIT="1")
    assert res.returncode == 0 and "OK" in res.stdout, res.stderr


def test_read_only_cache_dir(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        # A path below a plain file can never be created, even by root.
        blocker = tmp_path / "file"
        blocker.write_text("")
        caches = [blocker / "cache"]
        if os.geteuid() != 0:  # root writes through 0o555 (and would compile cold there)
            caches.append(ro)
        for cache in caches:
            res = run(CHECK, NUMBA_CACHE_DIR=str(cache))
            assert res.returncode == 0 and "OK" in res.stdout, res.stderr
            # Numba may fall back on the in-tree __pycache__ (then nothing compiles); a
            # compilation is announced at most once.
            assert res.stderr.count(NOTICE) <= 1, res.stderr
    finally:
        ro.chmod(0o755)


NOTICE = "compiling fracfft's Numba FFT kernels for float64"


def test_compile_notice_once_cold_only(tmp_path):
    # Cold cache: the notice reaches stderr once (logging's last-resort handler), before the
    # wait; float32 gets its own. Warm cache: silent. A user's logging level silences it.
    code = CHECK + textwrap.dedent("""
        _manual.c2c(np.ones((2, 8), np.complex64), None, (1,), True, "backward", 2)
        _manual.r2c(np.ones((3, 10)), None, (1,), "backward", 2)
    """)
    cache = str(tmp_path / "cache")
    cold = run(code, NUMBA_CACHE_DIR=cache)
    assert cold.returncode == 0 and "OK" in cold.stdout, cold.stderr
    assert cold.stderr.count(NOTICE) == 1, cold.stderr
    assert cold.stderr.count(NOTICE.replace("64", "32")) == 1, cold.stderr
    assert "first use only, cached afterwards" in cold.stderr
    warm = run(code, NUMBA_CACHE_DIR=cache)
    assert warm.returncode == 0 and "OK" in warm.stdout, warm.stderr
    assert "compiling" not in warm.stderr, warm.stderr
    quiet = "import logging; logging.getLogger('fracfft').setLevel(logging.ERROR)\n" + code
    res = run(quiet, NUMBA_CACHE_DIR=str(tmp_path / "other"))
    assert res.returncode == 0 and "OK" in res.stdout, res.stderr
    assert "compiling" not in res.stderr, res.stderr
