import importlib
import sys

import numpy as np
import pytest

from fracfft.fft import _backends, _registry


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
    """Host backends whose library is importable here, loaded in ``_backends.load_order``.

    That order loads pyFFTW before mkl_fft on purpose: MKL exports FFTW3-compatible symbols,
    and once it is loaded a pyFFTW loaded after it plans through MKL's wrappers, which return
    NULL plans for some layouts (a known clash of the two libraries in one process, see the
    docs; the rule is the ``load_before`` field of the fftw record).
    """
    names = []
    for name in _backends.load_order(_backends.HOST):
        try:
            _registry.load_backend(name)
        except ImportError:
            continue
        names.append(name)
    return names


def hide_backend(monkeypatch, name, module):
    """Make backend ``name`` find its library missing: ``import module`` raises ImportError.

    Works whether or not the library is installed here; any adapter state it loaded is dropped.
    """
    monkeypatch.setitem(sys.modules, module, None)
    record = _backends.BY_NAME[name]
    adapter = importlib.import_module(record.module)
    if record.attr is not None:
        monkeypatch.setattr(getattr(adapter, record.attr), "_fft", None)


# (backend, the module its adapter imports) for every backend behind a pip extra.
MISSABLE = [("mkl", "mkl_fft.interfaces.scipy_fft"), ("fftw", "pyfftw.interfaces.scipy_fft"),
            ("cupy", "cupy")]

HOST_BACKENDS = host_backends()
assert "scipy" in HOST_BACKENDS and "numpy" in HOST_BACKENDS
