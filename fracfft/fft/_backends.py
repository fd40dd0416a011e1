"""The FFT backends as data: one record per backend, read by everything that lists them.

The registry (:mod:`fracfft.fft._registry`), ``python -m fracfft``, the benchmarks, the
documentation figures and the tests all take their backend names, chains and install hints
from :data:`TABLE`; nothing else keeps a list of backends. Importing this module imports
nothing beyond the standard library, so ``import fracfft`` stays light.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backend:
    """One FFT backend.

    Parameters
    ----------
    name : str
        The name ``backend=`` and :func:`~fracfft.set_fft_backend` accept.
    module : str
        The adapter module, imported on first use.
    attr : str or None
        The attribute of ``module`` holding the adapter; None when the module is the adapter.
    package : str
        The library's name as messages spell it.
    library : str
        The importable module that carries the library's ``__version__``.
    extra : str or None
        The pip extra of fracfft (setup.cfg) that installs the library; None for a core
        dependency.
    host : bool
        Serves NumPy arrays.
    device : bool
        Serves GPU arrays (numba.cuda, CuPy).
    host_auto, device_auto : int or None
        Position in the ``"auto"`` chain for host / device arrays; None when ``"auto"`` never
        uses it.
    device_extra : str or None
        The pip extra its GPU path needs beyond ``extra`` (numba-cuda for ``"manual"``).
    wheel : str or None
        The package to ``pip install`` directly, named first in the hint where the extra
        picks one of several (CuPy publishes one wheel per CUDA version).
    load_before : tuple of str
        Backends this one must be loaded before in one process: pyFFTW loaded after mkl_fft
        plans through MKL's FFTW3-compatible symbols, which return NULL plans for some
        layouts (docs/troubleshooting.rst). :func:`load_order` applies it.
    """

    name: str
    module: str
    attr: str | None
    package: str
    library: str
    extra: str | None
    host: bool
    device: bool
    host_auto: int | None = None
    device_auto: int | None = None
    device_extra: str | None = None
    wheel: str | None = None
    load_before: tuple[str, ...] = ()


#: Every backend, in the order users see them (error messages, ``python -m fracfft``).
TABLE = (
    Backend("scipy", "fracfft.fft._scipy", "SCIPY", "SciPy", "scipy", None,
            host=True, device=False, host_auto=0),
    Backend("numpy", "fracfft.fft._numpy", None, "NumPy", "numpy", None,
            host=True, device=False, host_auto=1),
    Backend("manual", "fracfft.fft._manual", None, "Numba", "numba", None,
            host=True, device=True, host_auto=2, device_auto=1, device_extra="cuda"),
    Backend("mkl", "fracfft.fft._scipy", "MKL", "mkl_fft", "mkl_fft", "mkl",
            host=True, device=False),
    Backend("fftw", "fracfft.fft._scipy", "FFTW", "pyFFTW", "pyfftw", "fftw",
            host=True, device=False, load_before=("mkl",)),
    Backend("cupy", "fracfft.fft._cupy", None, "CuPy", "cupy", "cupy",
            host=False, device=True, device_auto=0, wheel="cupy-cuda12x"),
)

BY_NAME = {b.name: b for b in TABLE}
#: The names ``backend=`` accepts, ``"auto"`` first.
BACKENDS = ("auto", *BY_NAME)
#: Backends that serve NumPy arrays, in table order.
HOST = tuple(b.name for b in TABLE if b.host)
#: The ``"auto"`` chains: tried in this order for host and for GPU arrays.
HOST_CHAIN = tuple(b.name for b in sorted((b for b in TABLE if b.host_auto is not None),
                                          key=lambda b: b.host_auto))
DEVICE_CHAIN = tuple(b.name for b in sorted((b for b in TABLE if b.device_auto is not None),
                                            key=lambda b: b.device_auto))


def load_order(names=None) -> list[str]:
    """Return ``names`` (default: every backend) in an order safe to load them in one process.

    Table order, except that a backend moves ahead of those in its ``load_before``.
    """
    table = list(BY_NAME)
    ordered: list[str] = []
    for name in (table if names is None else sorted(names, key=table.index)):
        ahead = [ordered.index(m) for m in BY_NAME[name].load_before if m in ordered]
        ordered.insert(min(ahead, default=len(ordered)), name)
    return ordered


def install_hint(name: str, *, device: bool = False) -> str:
    """Return the command that installs backend ``name``'s library (its GPU path: ``device``).

    Examples
    --------
    >>> install_hint("fftw")
    'pip install fracfft[fftw]'
    >>> install_hint("cupy")
    'pip install cupy-cuda12x (or pip install fracfft[cupy])'
    >>> install_hint("manual", device=True)
    'pip install fracfft[cuda]'
    """
    b = BY_NAME[name]
    extra = b.device_extra if device and b.device_extra else b.extra
    hint = f"pip install fracfft[{extra}]" if extra else f"pip install {b.library}"
    return f"pip install {b.wheel} (or {hint})" if b.wheel and not device else hint


def missing_message(name: str, exc: BaseException) -> str:
    """Return the ImportError text for backend ``name``, whose import failed with ``exc``.

    An adapter whose own message already says how to install is not told again.
    """
    hint = install_hint(name)
    text = str(exc)
    if hint in text:
        return text
    return f"FFT backend {name!r} needs {BY_NAME[name].package}: {hint} ({text})"
