"""CPU launchers of the manual FFT: host arrays in, new host arrays out.

Each transformed axis is moved last into a C-contiguous work array, its rows transformed by
the Numba kernel :func:`._kernels.rows` (batches split over ``workers`` plain threads by
:func:`._jit.launch`), and the axis moved back. Arguments arrive normalised (see
:func:`fracfft._validate.normalize_fft`): lengths ``s`` (None: the input's own), distinct
non-negative ``axes``, ``norm`` one of "backward", "ortho", "forward", ``workers`` >= 1.
Long double input runs :mod:`._extended` in its own precision. Importing this module imports
Numba (the kernels compile on their first call).
"""

from __future__ import annotations

import functools
import math
import threading

import numpy as np

from . import _kernels, _plans
from ._jit import launch
from ._plans import scale

__all__ = ["SCRATCH_CAP", "c2c", "c2r", "r2c"]

_C2C = (_kernels.C2C_FORWARD, _kernels.C2C_INVERSE)
_F32, _F64, _LD = np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.longdouble)
_C64, _C128, _CLD = np.dtype(np.complex64), np.dtype(np.complex128), np.dtype(np.clongdouble)


@functools.lru_cache(maxsize=64)
def _prepared(op, n, char, norm):
    """Everything a transform of length ``n`` needs besides the data, cached per call kind.

    Returns ``(kernel, plan arguments, complex placeholder, real placeholder)``; the plan
    arguments are ``(scale, radices, tw, chirp, filt, stw, half)``. Keeps repeated small transforms
    from paying for plan look-ups, dtype logic and dispatch on every call.
    """
    dtype = np.dtype(char)
    rdtype = _real_of(dtype)
    if op in _C2C:
        plan = _plans.c2c_plan(n, dtype) + (np.empty(0, dtype),)
    else:
        full = _plans.real_plan(n, dtype)
        plan = full[:5] + (full[5] if op == _kernels.R2C else full[6],)
    forward = op in (_kernels.C2C_FORWARD, _kernels.R2C)
    func = _kernels.rows.dispatcher(0 if dtype == np.complex64 else 1)
    return (func, (scale(norm, n, forward),) + plan, np.empty((0, 0), dtype),
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
    real = op == _kernels.R2C
    func, plan, ec, er = _prepared(op, n, (out if real else x).dtype.char, norm)
    if real:
        args = (op, ec, x, out, er)
    elif op == _kernels.C2R:
        args = (op, x, er, ec, out)
    else:
        args = (op, x, er, out, er)
    rows = out.shape[0]
    # One chunk on the calling thread reuses its scratch; threads of a split batch allocate
    # theirs once per chunk.
    work = _scratch(ec.dtype, plan[2].size) if workers == 1 or rows == 1 else ec
    launch(func, args + plan + (work,), rows, workers, out.size)


def _rows_extended(op, x, out, n, norm, workers):
    """Long double rows: the NumPy-vectorised transforms of :mod:`._extended`."""
    from . import _extended

    forward = op in (_kernels.C2C_FORWARD, _kernels.R2C)
    sc = scale(norm, n, forward, np.longdouble)
    if op in _C2C:
        out[...] = _extended.c2c_rows(x, n, forward, sc)
    elif op == _kernels.R2C:
        out[...] = _extended.r2c_rows(x, n, sc)
    else:
        out[...] = _extended.c2r_rows(x, n, sc)


def _real_of(dtype):
    c = dtype.char  # a character test: cheaper than comparing dtypes on every call
    if c in "gG":
        return _LD
    return _F32 if c in "fF" else _F64


def _complex_of(dtype):
    c = dtype.char
    if c in "gG":
        return _CLD
    return _C64 if c in "fF" else _C128


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
        raise ValueError(f"Invalid number of FFT data points ({n}) specified")


def _transform_rows(op, inp, out, n, norm, workers):
    if not out.shape[0]:
        return
    if out.dtype.char in "gG":  # long double
        _rows_extended(op, inp, out, n, norm, workers)
    else:
        _run(op, inp, out, n, norm, workers)


def _c2c_axis(x, n, ax, forward, norm, workers, dtype):
    _check_length(n)
    inp, lead, rows = _rows(x, ax, dtype)
    out = np.empty((rows, n), dtype)
    _transform_rows(_C2C[0] if forward else _C2C[1], inp, out, n, norm, workers)
    return _axis_back(out.reshape(lead + (n,)), ax)


def _c2c_axes(x, s, axes, forward, norm, workers, dtype):
    for ax, n in zip(reversed(axes), reversed(s)):
        x = _c2c_axis(x, n, ax, forward, norm, workers, dtype)
    return x


_COMPLEX = (np.dtype(np.complex128), np.dtype(np.complex64))


def _last_axis_only(a, s, axes):
    """Return True when ``a`` can go to the kernel as it is (one transform, last axis)."""
    return (len(axes) == 1 and a.ndim and axes[0] == a.ndim - 1 and a.size
            and (s is None or s[0] == a.shape[-1]) and a.dtype in _COMPLEX
            and a.flags.c_contiguous and a.flags.writeable)


def _result(x, a):
    # Always a new C-contiguous array, never the input or a view of it.
    if x is a or not x.flags.c_contiguous:
        return np.array(x, order="C", copy=True)
    return x


def c2c(a, s, axes, forward, norm, workers):
    """Complex FFT of a host array over ``axes``, as ``scipy.fft.fftn`` / ``ifftn``.

    Parameters
    ----------
    a : ndarray
        Complex input (real input is promoted); never modified.
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
        New C-contiguous complex64 (single precision input), clongdouble (long double) or
        complex128 array.
    """
    if _last_axis_only(a, s, axes):
        # Fast path for the common call (one C-contiguous complex batch along its last axis):
        # no axis moves, no copies, no dtype logic; small transforms are dominated by these.
        n = a.shape[-1]
        out = np.empty(a.shape, a.dtype)
        _run(_C2C[0] if forward else _C2C[1], a.reshape(-1, n), out.reshape(-1, n), n, norm,
             workers)
        return out
    if s is None:
        s = tuple(a.shape[ax] for ax in axes)
    dtype = _complex_of(a.dtype)
    return _result(_c2c_axes(a, s, axes, forward, norm, workers, dtype), a)


def r2c(a, s, axes, norm, workers):
    """Real-input FFT of a host array over ``axes``, the last one halved (``rfftn``).

    Parameters
    ----------
    a : ndarray
        Real input; never modified.
    s : tuple of int or None
        Real lengths along ``axes`` (zero padding / cropping); None keeps the input's.
    axes : tuple of int
        Distinct non-negative axes; the last one gets ``s[-1]//2 + 1`` bins.
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    workers : int
        Threads for batches of rows.

    Returns
    -------
    ndarray
        New C-contiguous complex array (complex64 for float32 input).
    """
    if s is None:
        s = tuple(a.shape[ax] for ax in axes)
    rdtype = _real_of(_complex_of(a.dtype))
    dtype = _complex_of(rdtype)
    ax, n = axes[-1], s[-1]
    _check_length(n)
    inp, lead, rows = _rows(a, ax, rdtype)
    out = np.empty((rows, n // 2 + 1), dtype)
    _transform_rows(_kernels.R2C, inp, out, n, norm, workers)
    x = _axis_back(out.reshape(lead + (n // 2 + 1,)), ax)
    return _result(_c2c_axes(x, s[:-1], axes[:-1], True, norm, workers, dtype), a)


def c2r(a, s, axes, norm, workers):
    """Inverse of :func:`r2c` for a host array (``irfftn``).

    Parameters
    ----------
    a : ndarray
        Half spectrum; never modified.
    s : tuple of int
        Real output lengths along ``axes``.
    axes : tuple of int
        Distinct non-negative axes; the last one holds the half spectrum.
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    workers : int
        Threads for batches of rows.

    Returns
    -------
    ndarray
        New C-contiguous real array (float32 for complex64 input).
    """
    dtype = _complex_of(a.dtype)
    rdtype = _real_of(dtype)
    x = _c2c_axes(a, s[:-1], axes[:-1], False, norm, workers, dtype)
    ax, n = axes[-1], s[-1]
    _check_length(n)
    inp, lead, rows = _rows(x, ax, dtype)
    out = np.empty((rows, n), rdtype)
    _transform_rows(_kernels.C2R, inp, out, n, norm, workers)
    return _result(_axis_back(out.reshape(lead + (n,)), ax), a)
