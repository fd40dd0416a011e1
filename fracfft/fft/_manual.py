"""Adapter of the "manual" backend: fracfft's own Numba FFT (:mod:`fracfft.fft.manual`).

``c2c / r2c / c2r`` have the semantics of ``scipy.fft.fftn / ifftn / rfftn / irfftn``. Host
arrays run the CPU kernels: each transformed axis is moved last into a C-contiguous work
array, its rows transformed (in parallel over ``workers`` threads), and the axis moved back.
Device arrays (``__cuda_array_interface__``) go to :mod:`fracfft.fft.manual._cuda`.
Batches of rows are split over ``workers`` plain threads (:func:`.manual._jit.launch`).
Importing this module imports neither Numba nor a kernel; :func:`load` imports Numba.
"""

from __future__ import annotations

import functools
import math
import threading

import numpy as np

from .._validate import is_cupy_array, is_device_array

NAME = "manual"
EXTRA = None  # numba is a core dependency

_K = None  # (kernels, plans, launch) once loaded


def load() -> None:
    """Import Numba and the kernel module; the kernels compile on their first call.

    One kernel per precision serves complex and real transforms, compiled (or loaded from
    Numba's cache) on the first transform in that precision.

    Raises
    ------
    ImportError
        When Numba is not installed.
    """
    global _K
    if _K is None:
        from .manual import _kernels, _plans
        from .manual._jit import launch

        _K = (_kernels, _plans, launch)


@functools.lru_cache(maxsize=64)
def _prepared(op, n, char, norm):
    """Everything a transform of length ``n`` needs besides the data, cached per call kind.

    Returns ``(kernel, plan arguments, complex placeholder, real placeholder)``; the plan
    arguments are ``(scale, radices, tw, chirp, filt, stw, half)``. Keeps repeated small transforms
    from paying for plan look-ups, dtype logic and dispatch on every call.
    """
    kernels, plans, _ = _K
    dtype = np.dtype(char)
    rdtype = _real_of(dtype)
    if op in (kernels.C2C_FORWARD, kernels.C2C_INVERSE):
        plan = plans.c2c_plan(n, dtype) + (np.empty(0, dtype),)
    else:
        full = plans.real_plan(n, dtype)
        plan = full[:5] + (full[5] if op == kernels.R2C else full[6],)
    forward = op in (kernels.C2C_FORWARD, kernels.R2C)
    func = kernels.rows.dispatcher(0 if dtype == np.complex64 else 1)
    return (func, (_scale(norm, n, forward),) + plan, np.empty((0, 0), dtype),
            np.empty((0, 0), rdtype))


#: Largest scratch pair (elements per buffer) kept between calls, per thread and precision:
#: 4 MiB a buffer in complex128. Longer transforms allocate theirs on every call.
SCRATCH_CAP = 1 << 18
_TLS = threading.local()


def _scratch(dtype, size):
    """Two reusable scratch rows of at least ``size`` elements for the calling thread."""
    key = dtype.char
    buf = getattr(_TLS, key, None)
    if buf is None or buf.shape[1] < size:
        buf = np.empty((2, size), dtype)
        if size <= SCRATCH_CAP:
            setattr(_TLS, key, buf)
    return buf


def _run(op, x, out, n, norm, workers):
    """Run kernel ``op`` on the (rows, m) array ``x`` into ``out``; ``n`` the real length."""
    kernels, _, launch = _K
    real = op == kernels.R2C
    func, plan, ec, er = _prepared(op, n, (out if real else x).dtype.char, norm)
    if real:
        args = (op, ec, x, out, er)
    elif op == kernels.C2R:
        args = (op, x, er, ec, out)
    else:
        args = (op, x, er, out, er)
    rows = out.shape[0]
    # One chunk on the calling thread reuses its scratch; threads of a split batch allocate
    # theirs once per chunk.
    work = _scratch(ec.dtype, plan[2].size) if workers == 1 or rows == 1 else ec
    launch(func, args + plan + (work,), rows, workers, out.size)


def _on_device(op, a, *args):
    """Run ``op`` of the numba.cuda kernels; a CuPy array in gives a CuPy array out."""
    from .manual import _cuda

    out = getattr(_cuda, op)(a, *args, threads_per_block=None)
    if is_cupy_array(a):
        import cupy

        return cupy.asarray(out)
    return out


def _scale(norm, n, forward):
    if norm == "ortho":
        return 1.0 / math.sqrt(n)
    if (norm == "forward") == forward:
        return 1.0 / n
    return 1.0


def _real_of(dtype):
    return np.dtype(np.float32 if dtype == np.complex64 else np.float64)


def _complex_of(dtype):
    return np.dtype(np.complex64 if dtype in (np.float32, np.complex64) else np.complex128)


def _rows(x, ax, dtype):
    """Axis ``ax`` of ``x`` moved last, as a writeable C-contiguous (rows, m) array."""
    xm = x if ax == x.ndim - 1 else np.moveaxis(x, ax, -1)
    lead = xm.shape[:-1]
    rows = math.prod(lead)
    inp = np.ascontiguousarray(xm, dtype=dtype).reshape(rows, xm.shape[-1])
    if not inp.flags.writeable:  # kernels take mutable arrays; never write to the caller's
        inp = inp.copy()
    return inp, lead, rows


def _axis_back(out, ax):
    """Undo :func:`_rows`'s move of axis ``ax`` to the end."""
    return out if ax == out.ndim - 1 else np.moveaxis(out, -1, ax)


def _check_length(n):
    if n < 1:
        raise ValueError(f"invalid number of data points ({n}) specified")


def _c2c_axis(x, n, ax, forward, norm, workers, dtype):
    kernels = _K[0]
    _check_length(n)
    inp, lead, rows = _rows(x, ax, dtype)
    out = np.empty((rows, n), dtype)
    if rows:
        _run(kernels.C2C_FORWARD if forward else kernels.C2C_INVERSE, inp, out, n, norm, workers)
    return _axis_back(out.reshape(lead + (n,)), ax)


def _c2c_axes(x, s, axes, forward, norm, workers, dtype):
    for ax, n in zip(reversed(axes), reversed(s)):
        x = _c2c_axis(x, n, ax, forward, norm, workers, dtype)
    return x


_COMPLEX = (np.dtype(np.complex128), np.dtype(np.complex64))


def _last_axis_only(a, s, axes, dtypes):
    """Return True when ``a`` can go to the kernel as it is (one transform, last axis)."""
    return (len(axes) == 1 and a.ndim and axes[0] == a.ndim - 1 and a.size
            and (s is None or s[0] == a.shape[-1]) and a.dtype in dtypes
            and a.flags.c_contiguous and a.flags.writeable)


def _result(x, a):
    # Always a new C-contiguous array, never the input or a view of it.
    if x is a or not x.flags.c_contiguous:
        return np.array(x, order="C", copy=True)
    return x


def c2c(a, s, axes, forward, norm, workers):
    """Complex FFT over ``axes``, as ``scipy.fft.fftn`` (``forward``) or ``ifftn``.

    Parameters
    ----------
    a : ndarray or device array
        complex64 or complex128 input; never modified.
    s : tuple of int or None
        Output lengths along ``axes`` (zero padding / cropping); None keeps the input's.
    axes : tuple of int
        Distinct non-negative axes.
    forward : bool
        Direction.
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    workers : int
        Threads for batches of rows (at least 1).

    Returns
    -------
    ndarray
        New C-contiguous array of ``a``'s dtype.
    """
    if type(a) is np.ndarray and _K is not None and _last_axis_only(a, s, axes, _COMPLEX):
        # Fast path for the common call (one C-contiguous complex batch along its last axis):
        # no axis moves, no copies, no dtype logic; small transforms are dominated by these.
        n = a.shape[-1]
        out = np.empty(a.shape, a.dtype)
        _run(_K[0].C2C_FORWARD if forward else _K[0].C2C_INVERSE, a.reshape(-1, n),
             out.reshape(-1, n), n, norm, workers)
        return out
    if is_device_array(a):
        return _on_device("c2c", a, s, axes, forward, norm)
    load()
    if s is None:
        s = tuple(a.shape[ax] for ax in axes)
    dtype = _complex_of(a.dtype)
    return _result(_c2c_axes(a, s, axes, forward, norm, workers, dtype), a)


def r2c(a, s, axes, norm, workers):
    """Real-input FFT over ``axes``, the last one halved, as ``scipy.fft.rfftn``.

    Parameters
    ----------
    a : ndarray or device array
        float32 or float64 input; never modified.
    s : tuple of int or None
        Real lengths along ``axes`` (zero padding / cropping).
    axes : tuple of int
        Distinct non-negative axes; the last one gets ``s[-1]//2 + 1`` bins.
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    workers : int
        Threads for batches of rows.

    Returns
    -------
    ndarray
        New C-contiguous complex64 (float32 input) or complex128 array.
    """
    if is_device_array(a):
        return _on_device("r2c", a, s, axes, norm)
    load()
    kernels = _K[0]
    if s is None:
        s = tuple(a.shape[ax] for ax in axes)
    rdtype = np.dtype(np.float32 if a.dtype == np.float32 else np.float64)
    dtype = _complex_of(rdtype)
    ax, n = axes[-1], s[-1]
    _check_length(n)
    inp, lead, rows = _rows(a, ax, rdtype)
    out = np.empty((rows, n // 2 + 1), dtype)
    if rows:
        _run(kernels.R2C, inp, out, n, norm, workers)
    x = _axis_back(out.reshape(lead + (n // 2 + 1,)), ax)
    return _result(_c2c_axes(x, s[:-1], axes[:-1], True, norm, workers, dtype), a)


def c2r(a, s, axes, norm, workers):
    """Inverse of :func:`r2c`, as ``scipy.fft.irfftn``.

    Parameters
    ----------
    a : ndarray or device array
        complex64 or complex128 half spectrum; never modified.
    s : tuple of int or None
        Real output lengths along ``axes``; None: the input's, and ``2*(m - 1)`` for the last.
    axes : tuple of int
        Distinct non-negative axes; the last one holds the half spectrum.
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    workers : int
        Threads for batches of rows.

    Returns
    -------
    ndarray
        New C-contiguous float32 (complex64 input) or float64 array.
    """
    if is_device_array(a):
        return _on_device("c2r", a, s, axes, norm)
    load()
    kernels = _K[0]
    if s is None:
        s = tuple(a.shape[ax] for ax in axes[:-1]) + (2 * (a.shape[axes[-1]] - 1),)
    dtype = _complex_of(a.dtype)
    rdtype = np.dtype(np.float32 if dtype == np.complex64 else np.float64)
    x = _c2c_axes(a, s[:-1], axes[:-1], False, norm, workers, dtype)
    ax, n = axes[-1], s[-1]
    _check_length(n)
    inp, lead, rows = _rows(x, ax, dtype)
    out = np.empty((rows, n), rdtype)
    if rows:
        _run(kernels.C2R, inp, out, n, norm, workers)
    return _result(_axis_back(out.reshape(lead + (n,)), ax), a)
