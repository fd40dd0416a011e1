"""The manual FFT as a :mod:`scipy.fft` backend (uarray protocol).

>>> import numpy as np, scipy.fft, fracfft.fft
>>> with scipy.fft.set_backend(fracfft.fft.manual_backend):
...     X = scipy.fft.fft(np.ones(8))

Handles ``fft, ifft, rfft, irfft, fft2, ifft2, rfft2, irfft2, fftn, ifftn, rfftn, irfftn``
(``NotImplemented`` for everything else, and for ``plan=``, so uarray falls back to SciPy's
own backend). Arguments are normalised as SciPy reads them, by
:func:`fracfft._validate.normalize_fft` (``norm=None`` is ``"backward"``, ``workers=None`` is
1, negative ``workers`` count back from the CPU count, integers and bool compute in float64,
float16 in float32, long double in long double) before the kernels run. Importing this
module imports neither Numba nor a kernel; the first transform does.
"""

from __future__ import annotations

import numpy as np

from .._validate import normalize_fft

__all__ = ["ManualBackend", "manual_backend"]


def _input(x, real):
    """``x`` as an ndarray of the dtype the kernels take (long double kept)."""
    x = np.asarray(x)
    kind = x.dtype.kind
    if kind in "biu":
        dtype = np.dtype(np.float64)
    elif kind == "f":
        dtype = np.dtype(np.float32 if x.dtype.itemsize < 8 else x.dtype)
    elif kind == "c":
        if real:
            raise TypeError("x must be a real sequence")
        dtype = x.dtype
    else:
        raise TypeError(f"unsupported dtype {x.dtype}")
    dtype = dtype.newbyteorder("=")
    if not real and dtype.kind == "f":
        dtype = np.result_type(dtype, np.complex64)
    return x.astype(dtype, copy=False)


def _dispatch(op, x, s, axes, norm, workers, forward=True):
    from . import _manual

    x = _input(x, real=(op == "r2c"))
    s, axes, norm, workers = normalize_fft(x.shape, s, axes, norm, workers, c2r=op == "c2r",
                                           real=op != "c2c", api="scipy")
    if op == "c2c":
        return _manual.c2c(x, s, axes, forward, norm, workers)
    if op == "r2c":
        return _manual.r2c(x, s, axes, norm, workers)
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
    ``ifft``, ``rfft``, ``irfft``, their 2-D and n-D versions (long double in long double);
    anything else (and ``plan=``) is handed back to SciPy's own backend.

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
