"""The one place where fracfft's Numba kernels get their decorator and signatures.

Every CPU kernel of the manual FFT is compiled through :func:`kernel` with explicit
signatures for single and double precision, built from :data:`PRECISIONS` by a signature
maker ``make(real_type, complex_type)``. Each precision is a dispatcher of its own with its
one explicit signature, compiled (or loaded from the cache) on the first call in that
precision: a float64 derivative never pays for the float32 kernels. Nothing compiles on
``import fracfft``.

``cache=True`` is used where Numba can cache; where it cannot (no writable cache location:
Numba 0.68 raises ``RuntimeError("cannot cache function ...: no locator available")`` when the
decorator is applied, or an ``OSError`` when the cache file is written), the kernel is
compiled again with ``cache=False``, silently.
"""

from __future__ import annotations

import contextlib
import threading

import numba
import numpy as np
from numba import types as nt

__all__ = ["PRECISIONS", "helper", "kernel", "launch", "signatures"]

#: (real, complex) Numba types of the two supported precisions.
PRECISIONS = ((nt.float32, nt.complex64), (nt.float64, nt.complex128))

# Options shared by every kernel. error_model="numpy": no ZeroDivisionError checks in the hot
# loops (all divisors are plan constants known to be nonzero).
_OPTIONS = {"nogil": True, "fastmath": False, "error_model": "numpy"}


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


def _njit(func, sigs, parallel, cache):
    if sigs is None:
        return numba.njit(cache=cache, parallel=parallel, **_OPTIONS)(func)
    return numba.njit(sigs, cache=cache, parallel=parallel, **_OPTIONS)(func)


def _compile(func, sigs, parallel):
    try:
        return _njit(func, sigs, parallel, cache=True)
    except (RuntimeError, OSError):
        # No writable cache location (read-only install, read-only NUMBA_CACHE_DIR):
        # compiling without a cache is slower to start but otherwise identical.
        return _njit(func, sigs, parallel, cache=False)


_SINGLE = (np.dtype(np.float32), np.dtype(np.complex64))


class PerPrecisionKernel:
    """A kernel compiled per precision on first use; called like the Numba dispatcher.

    The precision is that of the first argument, the kernel's data array. Distinct signatures
    keep the two dispatchers' cache entries apart, so they share the function's cache file
    safely.
    """

    def __init__(self, func, sigs, parallel):
        self.__wrapped__ = func
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__
        self._sigs = sigs
        self._parallel = parallel
        self._dispatchers = [None] * len(sigs)
        self._lock = threading.Lock()

    def dispatcher(self, index):
        """Return the Numba dispatcher of precision ``index`` (0 single, 1 double)."""
        if self._dispatchers[index] is None:
            with self._lock:
                if self._dispatchers[index] is None:
                    self._dispatchers[index] = _compile(
                        self.__wrapped__, [self._sigs[index]], self._parallel
                    )
        return self._dispatchers[index]

    def __call__(self, *args):
        # Every kernel takes its data array first; its precision picks the dispatcher.
        return self.dispatcher(0 if args[0].dtype in _SINGLE else 1)(*args)


def kernel(make=None, *, parallel=False, sigs=None, lazy=True):
    """Make a decorator compiling a cached, GIL-free Numba kernel with explicit signatures.

    Parameters
    ----------
    make : callable, optional
        Signature maker passed to :func:`signatures` (one signature per precision).
    parallel : bool, optional
        Compile with ``parallel=True`` (``numba.prange`` loops run on threads).
    sigs : list, optional
        Explicit signature list, for kernels that are not per-precision.
    lazy : bool, optional
        With ``make``: compile each precision on its first call (a
        :class:`PerPrecisionKernel`). False gives one eagerly compiled dispatcher, needed where
        the kernel is called from other jitted code.

    Returns
    -------
    callable
        Decorator turning a Python function into a kernel.
    """
    if make is not None:
        sigs = signatures(make)

    def decorate(func):
        if make is not None and lazy:
            return PerPrecisionKernel(func, sigs, parallel)
        return _compile(func, sigs, parallel)

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


_LAUNCH_LOCK = threading.Lock()


_LAYER = []  # the threading layer, once Numba has chosen it


def _needs_lock():
    # Numba's workqueue threading layer must not run parallel kernels from two threads at once;
    # omp and tbb may. The layer is only known after the first parallel launch.
    if not _LAYER:
        try:
            _LAYER.append(numba.threading_layer())
        except ValueError:
            return True
    return _LAYER[0] not in ("omp", "tbb")


def launch(func, args, tasks, workers):
    """Run a ``parallel=True`` kernel on ``min(workers, tasks)`` threads.

    The chunk count is passed to the kernel as its last argument and also set with
    ``numba.set_num_threads`` for the duration of the call (then restored), so a one-worker
    call never wakes the thread pool.

    Parameters
    ----------
    func : numba dispatcher
        Kernel whose last argument is the number of chunks.
    args : tuple
        The other arguments.
    tasks : int
        Number of independent pieces of work (rows); at least 1.
    workers : int
        Requested threads, at least 1.
    """
    nthreads = max(1, min(int(workers), int(tasks), numba.config.NUMBA_NUM_THREADS))
    lock = _LAUNCH_LOCK if _needs_lock() else contextlib.nullcontext()
    with lock:
        previous = numba.get_num_threads()
        if previous == nthreads:  # nothing to set or restore
            func(*args, nthreads)
            return
        numba.set_num_threads(nthreads)
        try:
            func(*args, nthreads)
        finally:
            numba.set_num_threads(previous)
