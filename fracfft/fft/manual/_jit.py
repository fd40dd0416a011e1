"""The one place where fracfft's Numba kernels get their decorator, signatures and threads.

Every CPU kernel of the manual FFT is compiled through :func:`kernel` with explicit
signatures for single and double precision, built from :data:`PRECISIONS` by a signature
maker ``make(real_type, complex_type)``. Each precision is a dispatcher of its own with its
one explicit signature, compiled (or loaded from the cache) on the first call in that
precision: a float64 derivative never pays for the float32 kernels. Nothing compiles on
``import fracfft``.

Kernels are serial and release the GIL (``nogil=True``); :func:`launch` splits the rows of a
batch over plain Python threads. No kernel uses Numba's ``parallel=True``, so fracfft never
starts Numba's threading layer: GNU OpenMP (Numba's default ``omp`` layer) cannot be forked
once started, and the ``workqueue`` layer aborts when two threads launch kernels at once.
With plain threads, ``fork``/``spawn``/``forkserver`` children and any number of calling
threads work, and a kernel compiles faster than its ``parallel=True`` version (which adds
Numba's parfor passes).

``cache=True`` is used where Numba can cache; where it cannot (no writable cache location:
Numba 0.68 raises ``RuntimeError("cannot cache function ...: no locator available")`` when the
decorator is applied, or an ``OSError`` when the cache file is written), the kernel is
compiled again with ``cache=False``. A real compilation (not a cache load) is announced once
per precision on the ``"fracfft"`` logger at WARNING level, so it reaches stderr by default
and ``logging.getLogger("fracfft").setLevel(logging.ERROR)`` silences it.
"""

from __future__ import annotations

import logging
import threading

import numba
import numpy as np
from numba import types as nt
from numba.core import event

__all__ = ["PRECISIONS", "helper", "kernel", "launch", "signatures"]

#: (real, complex) Numba types of the two supported precisions.
PRECISIONS = ((nt.float32, nt.complex64), (nt.float64, nt.complex128))
_NAMES = ("float32", "float64")

# Options shared by every kernel. error_model="numpy": no ZeroDivisionError checks in the hot
# loops (all divisors are plan constants known to be nonzero).
_OPTIONS = {"nogil": True, "fastmath": False, "error_model": "numpy"}

LOG = logging.getLogger("fracfft.fft.manual")


def signatures(make):
    """Build one Numba signature per precision.

    Parameters
    ----------
    make : callable
        ``make(real_type, complex_type)`` returning a Numba signature.

    Returns
    -------
    list
        Signatures for float32/complex64 then float64/complex128.
    """
    return [make(real, cplx) for real, cplx in PRECISIONS]


def _njit(func, sigs, cache):
    if sigs is None:
        return numba.njit(cache=cache, **_OPTIONS)(func)
    return numba.njit(sigs, cache=cache, **_OPTIONS)(func)


def _compile(func, sigs, listener=None):
    try:
        return _njit(func, sigs, cache=True)
    except (RuntimeError, OSError):
        # No writable cache location (read-only install, read-only NUMBA_CACHE_DIR):
        # compiling without a cache is slower to start but otherwise identical.
        if listener is not None:
            listener.cached = False
        return _njit(func, sigs, cache=False)


_ANNOUNCED = set()  # precisions whose compilation was announced in this process


class _Announce(event.Listener):
    """Log once, when Numba starts a real compilation (a cache load stays silent)."""

    def __init__(self, precision):
        self.precision = precision
        self.cached = True

    def on_start(self, ev):
        if self.precision in _ANNOUNCED:
            return
        _ANNOUNCED.add(self.precision)
        tail = ("first use only, cached afterwards" if self.cached else
                "no writable Numba cache here, so again in every new process")
        LOG.warning("compiling fracfft's Numba FFT kernels for %s \N{EM DASH} %s",
                    self.precision, tail)

    def on_end(self, ev):
        pass


_SINGLE = (np.dtype(np.float32), np.dtype(np.complex64))


class PerPrecisionKernel:
    """A kernel compiled per precision on first use; called like the Numba dispatcher.

    The precision is that of the first array argument. Distinct signatures keep the two
    dispatchers' cache entries apart, so they share the function's cache file safely.
    """

    def __init__(self, func, sigs, dtype_arg=0):
        self.__wrapped__ = func
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__
        self._sigs = sigs
        self._dtype_arg = dtype_arg
        self._dispatchers = [None] * len(sigs)
        self._lock = threading.Lock()

    def dispatcher(self, index):
        """Return the Numba dispatcher of precision ``index`` (0 single, 1 double)."""
        if self._dispatchers[index] is None:
            with self._lock:
                if self._dispatchers[index] is None:
                    listener = _Announce(_NAMES[index])
                    with event.install_listener("numba:compile", listener):
                        disp = _compile(self.__wrapped__, [self._sigs[index]], listener)
                    self._dispatchers[index] = disp
        return self._dispatchers[index]

    def __call__(self, *args):
        # The precision of the data array (argument dtype_arg) picks the dispatcher.
        return self.dispatcher(0 if args[self._dtype_arg].dtype in _SINGLE else 1)(*args)


def kernel(make=None, *, sigs=None, lazy=True, dtype_arg=0):
    """Make a decorator compiling a cached, GIL-free, serial Numba kernel.

    Parameters
    ----------
    make : callable, optional
        Signature maker passed to :func:`signatures` (one signature per precision).
    sigs : list, optional
        Explicit signature list, for kernels that are not per-precision.
    lazy : bool, optional
        With ``make``: compile each precision on its first call (a
        :class:`PerPrecisionKernel`). False gives one eagerly compiled dispatcher, needed where
        the kernel is called from other jitted code.
    dtype_arg : int, optional
        Position of the argument whose dtype picks the precision (lazy kernels).

    Returns
    -------
    callable
        Decorator turning a Python function into a kernel.
    """
    if make is not None:
        sigs = signatures(make)

    def decorate(func):
        if make is not None and lazy:
            return PerPrecisionKernel(func, sigs, dtype_arg)
        # Eager (c2c_1d, on first access): announced like the lazy kernels.
        what = " and ".join(_NAMES) if make is not None else "its signatures"
        listener = _Announce(what)
        with event.install_listener("numba:compile", listener):
            return _compile(func, sigs, listener)

    return decorate


def helper(func):
    """Decorate an internal helper, compiled lazily as part of the kernels that call it.

    Parameters
    ----------
    func : callable
        Function using only the Numba-supported subset of Python and NumPy.

    Returns
    -------
    callable
        Numba dispatcher (the function itself under ``NUMBA_DISABLE_JIT=1``).
    """
    return numba.njit(**_OPTIONS)(func)


#: Below this many elements per thread a batch runs on the calling thread alone: starting a
#: thread costs tens of microseconds, about a 4096-point transform.
MIN_WORK = 4096


def launch(func, args, tasks, workers, work=None):
    """Run a serial kernel over ``tasks`` pieces of work split into ``workers`` threads.

    The kernel is called as ``func(*args, lo, hi)`` for contiguous ranges ``[lo, hi)`` that
    cover ``range(tasks)``; the first range runs on the calling thread, the others on new
    threads (the kernels release the GIL). Plain threads, started per call, leave nothing
    behind that a ``fork`` could break.

    Parameters
    ----------
    func : callable
        Kernel whose last two arguments are the range of tasks.
    args : tuple
        The other arguments.
    tasks : int
        Number of independent pieces of work (rows, or bins); at least 1.
    workers : int
        Requested threads, at least 1.
    work : int, optional
        Total amount of work (elements); with fewer than :data:`MIN_WORK` per thread the
        number of threads is reduced.
    """
    if workers == 1 or tasks == 1:  # the common case, without arithmetic
        func(*args, 0, tasks)
        return
    nthreads = max(1, min(int(workers), int(tasks)))
    if work is not None:
        nthreads = max(1, min(nthreads, int(work) // MIN_WORK))
    if nthreads == 1:
        func(*args, 0, tasks)
        return
    bounds = [tasks * i // nthreads for i in range(nthreads + 1)]
    errors = []

    def run(lo, hi):
        try:
            func(*args, lo, hi)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the calling thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(bounds[i], bounds[i + 1]), daemon=True)
               for i in range(1, nthreads)]
    for t in threads:
        t.start()
    try:
        func(*args, bounds[0], bounds[1])
    finally:
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
