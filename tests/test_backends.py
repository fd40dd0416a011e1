"""The backend registry: names, scoped overrides, "auto" fallback, and equal results."""

import threading

import numpy as np
import pytest
import scipy.fft

import fracfft
from fracfft.fft import _registry

from conftest import HOST_BACKENDS, MISSABLE, hide_backend


@pytest.mark.parametrize("backend", HOST_BACKENDS)
@pytest.mark.parametrize("kind", ["weyl", "riesz"])
def test_every_backend_gives_the_same_result(backend, kind, rng):
    x = rng.standard_normal((3, 4, 30))
    ref = fracfft.derivative(x, 0.7, (1, 2), kind=kind, backend="scipy")
    y = fracfft.derivative(x, 0.7, (1, 2), kind=kind, backend=backend)
    np.testing.assert_allclose(y, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    with fracfft.set_fft_backend(backend):
        z = fracfft.derivative_dalpha(x + 0j, 1.3, -1, kind=kind)
    np.testing.assert_allclose(z, fracfft.derivative_dalpha(x + 0j, 1.3, -1, kind=kind),
                               atol=1e-11 * np.abs(z).max())


def _mkl_error(*args, **kwargs):
    raise RuntimeError("MKL FFT error: Intel MKL DFTI ERROR: Inconsistent configuration")


SCIPY_NAMES = ("fft", "ifft", "rfft", "irfft", "fftn", "ifftn", "rfftn", "irfftn")


def break_scipy(monkeypatch, error=_mkl_error):
    """Make every scipy.fft entry point raise, as a broken MKL/pocketfft install would."""
    for name in SCIPY_NAMES:
        monkeypatch.setattr(scipy.fft, name, error)


def test_auto_moves_on_with_one_warning_and_the_same_result(monkeypatch, rng):
    x = rng.standard_normal((2, 32))
    expected = fracfft.derivative(x, 0.5)
    break_scipy(monkeypatch)
    with pytest.warns(RuntimeWarning, match=r"'scipy'.*RuntimeError.*MKL FFT error") as record:
        y = fracfft.derivative(x, 0.5)
    assert len(record) == 1
    np.testing.assert_allclose(y, expected, atol=1e-14)
    # Repeats of the same cause are silent (pytest turns any warning into an error here).
    np.testing.assert_allclose(fracfft.derivative(x, 0.5, method="fft"), expected, atol=1e-14)
    np.testing.assert_allclose(fracfft.derivative_adjoint(x, 0.5), fracfft.derivative_adjoint(
        x, 0.5, backend="numpy"), atol=1e-14)
    # A backend named explicitly never falls back.
    with pytest.raises(RuntimeError, match="MKL FFT error"):
        fracfft.derivative(x, 0.5, backend="scipy")
    with fracfft.set_fft_backend("scipy"), pytest.raises(RuntimeError, match="MKL FFT error"):
        fracfft.fft.fft(x)


def test_a_new_exception_type_warns_again(monkeypatch, rng):
    x = rng.standard_normal(16)
    break_scipy(monkeypatch)
    with pytest.warns(RuntimeWarning, match="RuntimeError"):
        fracfft.derivative(x, 0.5)

    def memory_error(*args, **kwargs):
        raise MemoryError("out of memory")

    break_scipy(monkeypatch, memory_error)
    with pytest.warns(RuntimeWarning, match="MemoryError"):
        fracfft.derivative(x, 0.5)


def test_every_backend_failing_raises(monkeypatch):
    monkeypatch.setattr(_registry, "HOST_CHAIN", ("scipy", "numpy"))
    break_scipy(monkeypatch)
    monkeypatch.setattr(np.fft, "rfftn", _mkl_error)
    with pytest.warns(RuntimeWarning), pytest.raises(RuntimeError, match="every FFT backend"):
        fracfft.derivative(np.ones(8), 0.5)


def test_dispatch_counts_calls(monkeypatch, rng):
    calls = []
    real = scipy.fft.rfftn, scipy.fft.irfftn

    def counting(i):
        def wrapper(*args, **kwargs):
            calls.append(i)
            return real[i](*args, **kwargs)
        return wrapper

    monkeypatch.setattr(scipy.fft, "rfftn", counting(0))
    monkeypatch.setattr(scipy.fft, "irfftn", counting(1))
    fracfft.derivative(rng.standard_normal((4, 8)), 0.5, axis=(0, 1))
    assert calls == [0, 1]
    fracfft.derivative(rng.standard_normal(8), 0.5, backend="numpy")
    assert calls == [0, 1]


def test_names_default_and_scoped_override():
    assert fracfft.get_fft_backend() == "auto"
    fracfft.set_fft_backend("NumPy")
    assert fracfft.get_fft_backend() == "numpy"
    with fracfft.set_fft_backend("scipy"):
        assert fracfft.get_fft_backend() == "scipy"
        seen = []
        t = threading.Thread(target=lambda: seen.append(fracfft.get_fft_backend()))
        t.start()
        t.join()
        assert seen == ["numpy"]  # the override is this thread's only
        with fracfft.set_fft_backend("auto"):
            assert fracfft.get_fft_backend() == "auto"
        assert fracfft.get_fft_backend() == "scipy"
    assert fracfft.get_fft_backend() == "numpy"
    with pytest.raises(ZeroDivisionError), fracfft.set_fft_backend("scipy"):
        raise ZeroDivisionError
    assert fracfft.get_fft_backend() == "numpy"


def test_unknown_backend_lists_the_names():
    with pytest.raises(ValueError, match="auto, scipy, numpy, manual, mkl, fftw, cupy"):
        fracfft.set_fft_backend("pocketfft")
    assert fracfft.get_fft_backend() == "auto"


@pytest.mark.parametrize("name,module", MISSABLE)
def test_missing_package_names_the_extra(name, module, monkeypatch):
    hide_backend(monkeypatch, name, module)
    fracfft.set_fft_backend(name)  # accepted: every known name is
    assert fracfft.get_fft_backend() == name
    with pytest.raises(ImportError, match=rf"pip install fracfft\[{name}\]"):
        fracfft.derivative(np.ones(8), 0.5)
    with pytest.raises(ImportError, match=rf"fracfft\[{name}\]"):
        fracfft.fft.fft(np.ones(8), backend=name)
