"""A self-contained serial FFT kernel for the user's own Numba code.

Compiled on first access of :func:`fracfft.fft.manual.c2c_1d` only.
"""

from __future__ import annotations

import math

import numpy as np
from numba import types as nt

from ._jit import helper, kernel
from ._kernels import _c2c_row


@helper
def _root(num, den):
    # Same exact integer angle reduction as fracfft.fft.manual._plans.roots, one value.
    v = 4 * num
    q = v // den
    r = v - q * den
    if 2 * r <= den:
        a = (0.5 * math.pi) * (r / den)
        c, s = math.cos(a), math.sin(a)
    else:
        a = (0.5 * math.pi) * ((den - r) / den)
        c, s = math.sin(a), math.cos(a)
    q = q % 4
    if q == 1:
        c, s = -s, c
    elif q == 2:
        c, s = -c, -s
    elif q == 3:
        c, s = s, -c
    return complex(c, -s)


@helper
def _smooth_radices(n):
    rad = np.empty(64, np.int64)
    k = 0
    while n % 4 == 0:
        rad[k] = 4
        k += 1
        n //= 4
    if n % 2 == 0:
        rad[k] = 2
        k += 1
        n //= 2
    for p in (3, 5, 7):
        while n % p == 0:
            rad[k] = p
            k += 1
            n //= p
    return rad[:k].copy(), n


@kernel(lambda f, c: nt.void(c[:], c[:], nt.boolean, f), lazy=False)  # called from user njit
def c2c_1d(x, out, forward, scale):
    """Complex DFT of a 1-D array; a plain serial kernel for the user's own Numba code.

    ``out[k] = scale * sum_j x[j] * exp(-+2*pi*i*j*k/n)`` with ``n = out.size`` (``x`` zero
    padded or cropped to ``n``). Self-contained: the twiddles (and, for lengths with prime
    factors above 7, the Bluestein chirp and filter) are computed on every call, an O(n)
    overhead; for batches prefer :func:`fracfft.fft.fftn` with ``backend="manual"``.
    Safe to call inside ``numba.prange`` loops.

    Parameters
    ----------
    x : 1-D complex64 or complex128 array
        Input (any strides); not modified.
    out : 1-D array of the same dtype
        Output, written in place; must not overlap ``x``.
    forward : bool
        True for the forward transform (``exp(-...)``), False for the inverse (``exp(+...)``).
    scale : float
        Factor applied to the result (e.g. ``1/n`` for a normalised inverse).

    Returns
    -------
    None
        The transform is written to ``out``.

    Examples
    --------
    >>> import numba, numpy as np
    >>> from fracfft.fft.manual import c2c_1d
    >>> @numba.njit  # or parallel=True with numba.prange over the rows
    ... def rows_fft(a, out):
    ...     for i in range(a.shape[0]):
    ...         c2c_1d(a[i], out[i], True, 1.0)
    >>> a = np.random.default_rng(0).standard_normal((4, 12)) + 0j
    >>> out = np.empty_like(a)
    >>> rows_fft(a, out)
    >>> bool(np.allclose(out, np.fft.fft(a, axis=1)))
    True
    """
    n = out.size
    radices, rest = _smooth_radices(n)
    size = n
    if rest != 1:
        size = 1
        while size < 2 * n - 1:
            size *= 2
        radices, rest = _smooth_radices(size)
    tw = np.empty(size, out.dtype)
    for t in range(size):
        tw[t] = _root(t, size)
    chirp = np.empty(n if size != n else 0, out.dtype)
    filt = np.empty(size if size != n else 0, out.dtype)
    b0 = np.empty(size, out.dtype)
    b1 = np.empty(size, out.dtype)
    if size != n:
        # Filter spectrum computed in complex128, then cast.
        tw64 = np.empty(size, np.complex128)
        for t in range(size):
            tw64[t] = _root(t, size)
        f0 = np.zeros(size, np.complex128)
        f1 = np.empty(size, np.complex128)
        for j in range(n):
            cj = _root((j * j) % (2 * n), 2 * n)
            chirp[j] = cj
            f0[j] = cj.conjugate()
            if j > 0:
                f0[size - j] = cj.conjugate()
        e = np.empty(0, np.complex128)
        fl = np.empty(size, np.complex128)
        _c2c_row(f0, fl, True, 1.0 / size, radices, tw64, e, e, f1, np.empty(size, np.complex128))
        for t in range(size):
            filt[t] = fl[t]
    _c2c_row(x, out, forward, scale, radices, tw, chirp, filt, b0, b1)
