"""Named FFT backends, the process default with per-thread overrides, and the "auto" chain."""

from __future__ import annotations

import importlib
import threading
import warnings

import numpy as np

from .._validate import is_device_array
from . import _backends

# The backends, their "auto" chains and install hints are data in _backends.TABLE.
#: The names :func:`~fracfft.set_fft_backend` and ``backend=`` accept: ``"auto"``,
#: ``"scipy"``, ``"numpy"``, ``"manual"``, ``"mkl"``, ``"fftw"``, ``"cupy"``.
BACKENDS = _backends.BACKENDS
HOST_CHAIN = _backends.HOST_CHAIN
DEVICE_CHAIN = _backends.DEVICE_CHAIN

_default = "auto"


class _Overrides(threading.local):
    """The calling thread's ``with set_fft_backend(...)`` stack; an empty tuple until it has one.

    The class attribute answers a thread that never set one without a failed lookup (a
    ``getattr`` default costs an AttributeError, about 1 us; issue 14).
    """

    stack: list | tuple = ()


_local = _Overrides()
_lock = threading.Lock()
_warned: set[tuple[str, type]] = set()


def check_backend_name(name) -> str:
    """Return ``name`` lower-cased, or raise ValueError listing the known backends."""
    key = name.lower() if isinstance(name, str) else name
    if key not in BACKENDS:
        raise ValueError(f"unknown FFT backend {name!r}; choose from {', '.join(BACKENDS)}")
    return key


def _overrides() -> list:
    stack = _local.stack
    if not isinstance(stack, list):
        stack = _local.stack = []
    return stack


def get_fft_backend() -> str:
    """Return the name of the FFT backend in force for the calling thread.

    Returns
    -------
    str
        One of ``"auto"``, ``"scipy"``, ``"numpy"``, ``"manual"``, ``"mkl"``, ``"fftw"``,
        ``"cupy"``: the innermost ``with set_fft_backend(...)`` of this thread, else the
        process-wide default.

    Examples
    --------
    >>> import fracfft
    >>> fracfft.get_fft_backend()
    'auto'
    >>> with fracfft.set_fft_backend("manual"):
    ...     fracfft.get_fft_backend()
    'manual'
    """
    # Read without creating the stack: called once per small operator call (issue 14).
    stack = _local.stack
    return stack[-1] if stack else _default


class set_fft_backend:  # noqa: N801 - used like a function, as numpy.errstate
    """Select the FFT backend: process-wide, or for this thread inside a ``with`` block.

    ``set_fft_backend(name)`` sets the process-wide default at once. Used as
    ``with set_fft_backend(name): ...`` it instead overrides the backend for the current
    thread only and restores the previous state on exit. (The call itself sets the default,
    and entering the block takes it back, so other threads can see the new default in the
    instant between the two.)

    Parameters
    ----------
    name : {"auto", "scipy", "numpy", "manual", "mkl", "fftw", "cupy"}
        ``"auto"`` tries scipy, then numpy, then manual (cupy, then manual for GPU arrays)
        and moves on when a backend is missing or raises. Any other name is used as it is:
        when its package is missing the first transform raises an ImportError naming the
        pip extra that installs it.

    Returns
    -------
    context manager
        Use it in a ``with`` statement to limit the change to a block of this thread;
        ignore it otherwise.

    Raises
    ------
    ValueError
        If ``name`` is not a known backend.

    Examples
    --------
    >>> import fracfft
    >>> with fracfft.set_fft_backend("numpy"):
    ...     fracfft.get_fft_backend()
    'numpy'
    """

    def __init__(self, name):
        global _default
        self._name = check_backend_name(name)
        with _lock:
            self._previous_default = _default
            _default = self._name

    def __enter__(self):
        global _default
        # Scoped use: undo the process-wide change the constructor made, override this thread.
        with _lock:
            if _default == self._name:
                _default = self._previous_default
        _overrides().append(self._name)
        return self

    def __exit__(self, *exc_info):
        _overrides().pop()
        return False

    def __repr__(self):
        return f"set_fft_backend({self._name!r})"


_adapters: dict[str, object] = {}


def load_backend(name: str):
    """Import backend ``name`` and return its adapter; ImportError names the pip extra."""
    try:
        adapter = _adapters.get(name)
        if adapter is None:  # import machinery once; load() itself is cheap once loaded
            record = _backends.BY_NAME[name]
            adapter = importlib.import_module(record.module)
            if record.attr is not None:
                adapter = getattr(adapter, record.attr)
            _adapters[name] = adapter
        adapter.load()
    except ImportError as exc:
        raise ImportError(_backends.missing_message(name, exc)) from exc
    return adapter


def _warn_once(name, exc, next_name):
    key = (name, type(exc))
    with _lock:
        if key in _warned:
            return
        _warned.add(key)
    then = f"; trying {next_name!r}" if next_name else ""
    warnings.warn(
        f"fracfft: FFT backend {name!r} failed with {type(exc).__name__}: {exc}{then}",
        RuntimeWarning,
        stacklevel=4,
    )


def execute(op: str, a, *args, backend=None):
    """Run adapter operation ``op`` ("c2c", "r2c", "c2r") on ``a`` through the chosen backend.

    ``backend=None`` uses :func:`get_fft_backend`. Under "auto" a backend that is missing or
    raises is skipped (one RuntimeWarning per backend and exception type) and the next serves.
    """
    name = get_fft_backend() if backend is None else check_backend_name(backend)
    if name != "auto":
        return getattr(load_backend(name), op)(a, *args)
    failures = []
    start = 0
    if type(a) is np.ndarray:
        # The host chain's first backend, once loaded, serves nearly every call: call it
        # before the loop's bookkeeping; a failure is reported as the loop does, which goes on.
        first = HOST_CHAIN[0]
        adapter = _adapters.get(first)
        if adapter is not None and adapter.loaded():
            try:
                return getattr(adapter, op)(a, *args)
            except Exception as exc:  # noqa: BLE001 - any backend failure moves "auto" on
                _warn_once(first, exc, HOST_CHAIN[1])
                failures.append(f"{first}: {type(exc).__name__}: {exc}")
                last = exc
                start = 1
    chain = DEVICE_CHAIN if is_device_array(a) else HOST_CHAIN
    for i, candidate in enumerate(chain[start:], start):
        try:
            return getattr(load_backend(candidate), op)(a, *args)
        except Exception as exc:  # noqa: BLE001 - any backend failure moves "auto" on
            _warn_once(candidate, exc, chain[i + 1] if i + 1 < len(chain) else None)
            failures.append(f"{candidate}: {type(exc).__name__}: {exc}")
            last = exc
    raise RuntimeError("every FFT backend failed: " + "; ".join(failures)) from last


def direct_route(backend=None):
    """Return SciPy's direct 1-D pocketfft route when ``backend`` runs SciPy's FFT now, else None.

    For the core's small host calls (issue 14): checked once per operator application instead
    of once per transform in :func:`execute`. ``backend`` is a checked name or None (this
    thread's backend); only "scipy" qualifies, and "auto" while SciPy heads its host chain, and
    only once SciPy's adapter is loaded. The route returns None for any call it does not serve.
    """
    if backend is None:
        backend = get_fft_backend()
    if backend == "auto":
        backend = HOST_CHAIN[0]
    if backend != "scipy":
        return None
    adapter = _adapters.get("scipy")
    return None if adapter is None else adapter.direct_route()  # None until it is loaded
