import numpy as np
import pytest

from fracfft.fft import _registry


@pytest.fixture
def rng():
    return np.random.default_rng(20261126)


@pytest.fixture(autouse=True)
def _fresh_backend_state(monkeypatch):
    """Each test starts from the "auto" default with the once-per-cause warnings re-armed."""
    monkeypatch.setattr(_registry, "_default", "auto")
    monkeypatch.setattr(_registry, "_warned", set())
    yield


def host_backends():
    """Backends whose library is importable here.

    pyFFTW is loaded before mkl_fft on purpose: MKL exports FFTW3-compatible symbols, and once
    it is loaded a pyFFTW loaded after it plans through MKL's wrappers, which return NULL plans
    for some layouts (a known clash of the two libraries in one process, see the docs).
    """
    names = []
    for name in ("scipy", "numpy", "manual", "fftw", "mkl"):
        try:
            _registry.load_backend(name)
        except ImportError:
            continue
        names.append(name)
    return names


HOST_BACKENDS = host_backends()
assert "scipy" in HOST_BACKENDS and "numpy" in HOST_BACKENDS
