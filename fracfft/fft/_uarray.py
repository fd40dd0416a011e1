"""The manual FFT as a :mod:`scipy.fft` backend (uarray protocol).

>>> import numpy as np, scipy.fft, fracfft.fft
>>> with scipy.fft.set_backend(fracfft.fft.manual_backend):
...     X = scipy.fft.fft(np.ones(8))

Handles ``fft, ifft, rfft, irfft, fft2, ifft2, rfft2, irfft2, fftn, ifftn, rfftn, irfftn``
(``NotImplemented`` for everything else, and for ``plan=`` or long-double input, so uarray
falls back to SciPy's own backend). Arguments are normalised as SciPy does (``norm=None`` is
``"backward"``, ``workers=None`` is 1, negative ``workers`` count back from the CPU count,
integers and bool compute in float64, float16 in float32) before the kernels run. Importing
this module imports neither Numba nor a kernel; the first transform does.
"""

from __future__ import annotations

import operator
import os

import numpy as np

from .._compat import normalize_axis_index

__all__ = ["ManualBackend", "manual_backend"]

_NORMS = ("backward", "ortho", "forward")


def _norm(norm):
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm!r}, should be "backward", "ortho" or '
                         '"forward"')
    return norm


def _workers(workers):
    if workers is None:
        return 1
    workers = operator.index(workers)
    if workers == 0:
        raise ValueError("workers must not be zero")
    if workers < 0:
        workers += (os.cpu_count() or 1) + 1
        if workers <= 0:
            raise ValueError("workers value out of range")
    return workers


def _input(x, real):
    """``x`` as an ndarray of the dtype the kernels take, or None when unsupported."""
    x = np.asarray(x)
    kind = x.dtype.kind
    if kind in "biu":
        dtype = np.dtype(np.float64)
    elif kind == "f":
        dtype = np.dtype(np.float64 if x.dtype.itemsize > 4 else np.float32)
        if x.dtype.itemsize > 8:
            return None  # long double: leave it to SciPy
    elif kind == "c":
        if real:
            raise TypeError("x must be a real sequence")
        if x.dtype.itemsize > 16:
            return None
        dtype = x.dtype
    else:
        raise TypeError(f"unsupported dtype {x.dtype}")
    if not real and dtype.kind == "f":
        dtype = np.dtype(np.complex64 if dtype == np.float32 else np.complex128)
    return x.astype(dtype, copy=False)


def _axes_lengths(x, s, axes, default_axes):
    if axes is None:
        if s is not None:
            axes = tuple(range(x.ndim - len(s), x.ndim))
        else:
            axes = default_axes if default_axes is not None else tuple(range(x.ndim))
    axes = tuple(normalize_axis_index(operator.index(a), x.ndim) for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError("all axes must be unique")
    if not axes:
        raise ValueError("at least 1 axis must be transformed")
    if s is not None:
        s = tuple(operator.index(v) for v in s)
        if len(s) != len(axes):
            raise ValueError("when given, axes and shape arguments have to be of the same "
                             "length")
        if any(v < 1 for v in s):
            raise ValueError(f"invalid number of data points ({s}) specified")
    return s, axes


def _dispatch(op, x, s, axes, norm, workers, forward=True, default_axes=None):
    from . import _manual

    x = _input(x, real=(op == "r2c"))
    if x is None:
        return NotImplemented
    s, axes = _axes_lengths(x, s, axes, default_axes)
    norm, workers = _norm(norm), _workers(workers)
    if op == "c2c":
        if s is None:
            for ax in axes:
                if x.shape[ax] < 1:
                    raise ValueError(f"invalid number of data points ({x.shape[ax]}) specified")
        return _manual.c2c(x, s, axes, forward, norm, workers)
    if op == "r2c":
        return _manual.r2c(x, s, axes, norm, workers)
    if s is None:
        s = tuple(x.shape[ax] for ax in axes[:-1]) + (2 * (x.shape[axes[-1]] - 1),)
        if any(v < 1 for v in s):
            raise ValueError(f"invalid number of data points ({s}) specified")
    return _manual.c2r(x, s, axes, norm, workers)


def _one(op, forward=True):
    def fn(x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, *, plan=None):
        if plan is not None:
            return NotImplemented
        s = None if n is None else (n,)
        return _dispatch(op, x, s, (axis,), norm, workers, forward)
    return fn


def _many(op, forward=True, default_axes=None):
    def fn(x, s=None, axes=default_axes, norm=None, overwrite_x=False, workers=None, *,
           plan=None):
        if plan is not None:
            return NotImplemented
        return _dispatch(op, x, s, axes, norm, workers, forward)
    return fn


_HANDLERS = {
    "fft": _one("c2c", True),
    "ifft": _one("c2c", False),
    "rfft": _one("r2c"),
    "irfft": _one("c2r"),
    "fftn": _many("c2c", True),
    "ifftn": _many("c2c", False),
    "rfftn": _many("r2c"),
    "irfftn": _many("c2r"),
    "fft2": _many("c2c", True, (-2, -1)),
    "ifft2": _many("c2c", False, (-2, -1)),
    "rfft2": _many("r2c", default_axes=(-2, -1)),
    "irfft2": _many("c2r", default_axes=(-2, -1)),
}


class ManualBackend:
    """:mod:`scipy.fft` backend that routes SciPy's transforms to fracfft's Numba FFT.

    Use ``fracfft.fft.manual_backend`` with ``scipy.fft.set_backend(manual_backend)`` (a
    ``with`` block) or ``scipy.fft.set_global_backend(manual_backend)``. It serves ``fft``,
    ``ifft``, ``rfft``, ``irfft``, their 2-D and n-D versions; anything else (and ``plan=``
    or long-double input) is handed back to SciPy's own backend.

    Examples
    --------
    >>> import numpy as np, scipy.fft, fracfft.fft
    >>> x = np.random.default_rng(0).standard_normal(12)
    >>> with scipy.fft.set_backend(fracfft.fft.manual_backend):
    ...     X = scipy.fft.fft(x)
    >>> bool(np.allclose(X, np.fft.fft(x)))
    True
    """

    __ua_domain__ = "numpy.scipy.fft"

    @staticmethod
    def __ua_function__(method, args, kwargs):
        """Run ``method`` (a scipy.fft multimethod) on the manual FFT, or NotImplemented.

        Parameters
        ----------
        method : callable
            The scipy.fft function called; dispatched on its ``__name__``.
        args, kwargs : tuple, dict
            The call's arguments.

        Returns
        -------
        ndarray or NotImplemented
            The transform, or ``NotImplemented`` for functions this backend does not provide.
        """
        fn = _HANDLERS.get(getattr(method, "__name__", None))
        if fn is None:
            return NotImplemented
        return fn(*args, **kwargs)


# The instance users pass to scipy.fft; its page shows the class docstring.
manual_backend = ManualBackend()
