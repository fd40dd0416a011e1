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
    """Backends whose library is importable here (the manual one once numba kernels exist)."""
    names = []
    for name in ("scipy", "numpy", "manual", "mkl", "fftw"):
        try:
            _registry.load_backend(name)
        except ImportError:
            continue
        names.append(name)
    return names


HOST_BACKENDS = host_backends()
assert "scipy" in HOST_BACKENDS and "numpy" in HOST_BACKENDS
