r"""Fused Numba kernel: multiply spectra in place by the fractional-derivative symbol.

Replaces the core's ``spec *= K`` without building ``K`` in NumPy: every value is computed in
float64 from the rules of :mod:`fracfft.symbols` (zero mode, weyl Nyquist bin, masked
logarithm) and multiplied in; the product is rounded to ``spec``'s precision as NumPy's
``spec *= K`` would. With one order shared by several rows, ``K`` (length ``m``, complex128)
is computed once per call and reused; otherwise it is computed on the fly.
"""

from __future__ import annotations

import math

import numpy as np
from numba import types as nt

from ._jit import helper, kernel, launch

__all__ = ["KINDS", "MODES", "multiply_symbol"]

#: ``kind`` codes.
KINDS = {"weyl": 0, "riesz": 1}
#: ``mode`` codes: the symbol, its conjugate (adjoint), its alpha derivative.
MODES = {"K": 0, "conj": 1, "dalpha": 2}


@helper
def _bin(k, n, half):
    """Return (|frequency index|, sign, is Nyquist) of bin ``k``."""
    if half or k < (n + 1) // 2:
        kk = k
        sgn = 1.0
    else:
        kk = n - k
        sgn = -1.0
    if kk == 0:
        sgn = 0.0
    return kk, sgn, (n % 2 == 0 and kk == n // 2)


@helper
def _value(kk, sgn, nyq, unit, alpha, ca, sa, kind, mode):
    """Symbol value (complex128) at |xi| = kk * unit."""
    if kk == 0:
        if mode == 2 or alpha != 0.0:
            return complex(0.0, 0.0)
        return complex(1.0, 0.0)
    if alpha == 0.0 and mode != 2:
        return complex(1.0, 0.0)
    xi = 2.0 * math.pi * (kk * unit)  # 2*pi*fftfreq, as numpy computes it
    p = xi**alpha
    if kind == 1:
        if mode == 2:
            return complex(-p * math.log(xi), 0.0)
        return complex(-p, 0.0)
    if nyq:
        if mode == 2:
            return complex(p * (math.log(xi) * ca - 0.5 * math.pi * sa), 0.0)
        return complex(p * ca, 0.0)
    if mode == 1:
        return complex(p * ca, -sgn * p * sa)
    kv = complex(p * ca, sgn * p * sa)
    if mode == 2:
        return kv * complex(math.log(xi), sgn * 0.5 * math.pi)
    return kv


def _sig(f, c):
    return nt.void(c[:, ::1], nt.float64[::1], nt.int64, nt.float64, nt.int64, nt.int64,
                   nt.boolean, nt.int64, nt.int64)


@kernel(_sig)
def _multiply(spec, alpha, n, dx, kind, mode, half, lo, hi):
    # [lo, hi) ranges over the bins of the one row when one order serves a single row,
    # otherwise over rows (multiply_symbol's split).
    rows, m = spec.shape
    unit = 1.0 / (n * dx)
    if alpha.size == 1:
        a = alpha[0]
        ca = math.cos(0.5 * math.pi * a)
        sa = math.sin(0.5 * math.pi * a)
        if rows == 1:
            for k in range(lo, hi):
                kk, sgn, nyq = _bin(k, n, half)
                spec[0, k] = spec[0, k] * _value(kk, sgn, nyq, unit, a, ca, sa, kind, mode)
            return
        # Shared order: compute K once, then sweep the rows.
        kvec = np.empty(m, np.complex128)
        for k in range(m):
            kk, sgn, nyq = _bin(k, n, half)
            kvec[k] = _value(kk, sgn, nyq, unit, a, ca, sa, kind, mode)
        for r in range(lo, hi):
            for k in range(m):
                spec[r, k] = spec[r, k] * kvec[k]
        return
    for r in range(lo, hi):
        a = alpha[r]
        ca = math.cos(0.5 * math.pi * a)
        sa = math.sin(0.5 * math.pi * a)
        for k in range(m):
            kk, sgn, nyq = _bin(k, n, half)
            spec[r, k] = spec[r, k] * _value(kk, sgn, nyq, unit, a, ca, sa, kind, mode)


def multiply_symbol(spec, alpha, n, dx, kind, mode, half, workers):
    """Multiply spectra in place by the fractional-derivative symbol (or its variants).

    ``spec[r, k] *= K(xi_k; alpha_r)`` with ``xi = 2*pi*fftfreq(n, dx)`` (``half`` False,
    ``m == n``) or ``xi = 2*pi*rfftfreq(n, dx)`` (``half`` True, ``m == n//2 + 1``). Symbols:
    weyl ``|xi|**alpha * exp(i*sign(xi)*pi*alpha/2)``, its Nyquist bin (even ``n``)
    ``|xi|**alpha * cos(pi*alpha/2)``; riesz ``-|xi|**alpha``; ``K(0) = 0`` for
    ``alpha != 0`` and ``K = 1`` everywhere at ``alpha == 0``. ``mode`` 1 conjugates (the
    adjoint), ``mode`` 2 gives ``dK/dalpha`` (``0`` at ``xi = 0``, no ``log(0)``).

    Parameters
    ----------
    spec : (rows, m) complex64 or complex128 C-contiguous ndarray
        Spectra, modified in place.
    alpha : 1-D float64 ndarray
        One order per row (length ``rows``), or length 1 for all rows.
    n : int
        Grid length along the transformed axis.
    dx : float
        Grid spacing (positive).
    kind : int
        0 = weyl, 1 = riesz.
    mode : int
        0 = K, 1 = conj(K), 2 = dK/dalpha.
    half : bool
        True for the rfft grid.
    workers : int
        Threads (at least 1).

    Returns
    -------
    ndarray
        ``spec`` itself.

    Raises
    ------
    ValueError
        If ``spec`` has the wrong number of bins for ``n`` or ``alpha`` the wrong length.

    Examples
    --------
    >>> import numpy as np
    >>> from fracfft.fft.manual import multiply_symbol
    >>> spec = np.fft.fft(np.sin(2 * np.pi * np.arange(8) / 8))[None, :]
    >>> out = multiply_symbol(spec, np.array([1.0]), 8, 2 * np.pi / 8, 0, 0, False, 1)
    >>> y = np.fft.ifft(out[0]).real                  # d/dt sin t = cos t
    >>> bool(np.allclose(y, np.cos(2 * np.pi * np.arange(8) / 8)))
    True
    """
    rows, m = spec.shape
    if m != (n // 2 + 1 if half else n):
        raise ValueError(f"spec has {m} bins; a length-{n} {'rfft' if half else 'fft'} grid has "
                         f"{n // 2 + 1 if half else n}")
    if alpha.ndim != 1 or alpha.size not in (1, rows):
        raise ValueError(f"alpha must have length 1 or {rows}; got shape {alpha.shape}")
    if rows and m:
        alpha = np.ascontiguousarray(alpha, dtype=np.float64)
        tasks = m if (rows == 1 and alpha.size == 1) else rows
        launch(_multiply, (spec, alpha, int(n), float(dx), int(kind), int(mode), bool(half)),
               tasks, workers, work=rows * m)
    return spec
