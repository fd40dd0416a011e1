"""A self-contained serial FFT kernel for the user's own Numba code.

Compiled on first access of :func:`fracfft.fft.manual.c2c_1d` only.
"""

from __future__ import annotations

import math

import numpy as np
from numba import types as nt

from ._jit import helper, kernel
from ._kernels import _stockham
from ._plans import DIRECT_BUDGET as _DIRECT_BUDGET
from ._plans import DIRECT_PRIMES as _DIRECT_PRIMES


@helper
def _fft_core(b0, b1, n, radices, tw, chirp, filt, stw):
    """Forward DFT of b0[:n] (b0, b1 of length tw.size); True when the result is in b1."""
    if chirp.size == 0:
        return _stockham(b0, b0, b1, b0, False, tw, stw, radices)
    size = tw.size
    for j in range(n):
        b0[j] = b0[j] * chirp[j]
    for j in range(n, size):
        b0[j] = 0
    in_b1 = _stockham(b0, b0, b1, b0, False, tw, stw, radices)
    src = b1 if in_b1 else b0
    # Pointwise product with the filter spectrum (1/M folded in), then the inverse FFT as
    # conj(FFT(conj(.))).
    for i in range(size):
        src[i] = (src[i] * filt[i]).conjugate()
    if in_b1:
        in_b1 = not _stockham(b1, b1, b0, b1, False, tw, stw, radices)
    else:
        in_b1 = _stockham(b0, b0, b1, b0, False, tw, stw, radices)
    res = b1 if in_b1 else b0
    for k in range(n):
        res[k] = chirp[k] * res[k].conjugate()
    return in_b1


@helper
def _c2c_row(xr, outr, forward, scale, radices, tw, chirp, filt, stw, b0, b1):
    n = outr.size
    m = min(xr.size, n)
    if forward:
        for i in range(m):
            b0[i] = xr[i]
    else:
        for i in range(m):
            b0[i] = xr[i].conjugate()
    for i in range(m, n):
        b0[i] = 0
    res = b1 if _fft_core(b0, b1, n, radices, tw, chirp, filt, stw) else b0
    if forward:
        for k in range(n):
            outr[k] = res[k] * scale
    else:
        for k in range(n):
            outr[k] = res[k].conjugate() * scale


@helper
def _stage_twiddles(tw, radices):
    # Same layout as fracfft.fft.manual._plans.stage_twiddles.
    n = tw.size
    total = 0
    s = 1
    for i in range(radices.size):
        p = radices[i]
        total += (n // (p * s)) * (p - 1)
        s *= p
    stw = np.empty(total, tw.dtype)
    t = 0
    s = 1
    for i in range(radices.size):
        p = radices[i]
        for j in range(n // (p * s)):
            for k in range(1, p):
                stw[t] = tw[(s * j * k) % n]
                t += 1
        s *= p
    return stw


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
    # The same rule as fracfft.fft.manual._plans.factor for the larger primes.
    left = n
    total = 0
    kk = k
    for p in _DIRECT_PRIMES:
        while left % p == 0:
            rad[kk] = p
            kk += 1
            total += p
            left //= p
    if left == 1 and total <= _DIRECT_BUDGET:
        return rad[:kk].copy(), 1
    return rad[:k].copy(), n


@kernel(lambda f, c: nt.void(c[:], c[:], nt.boolean, f), lazy=False)  # called from user njit
def c2c_1d(x, out, forward, scale):
    """Complex DFT of a 1-D array; a plain serial kernel for the user's own Numba code.

    ``out[k] = scale * sum_j x[j] * exp(-+2*pi*i*j*k/n)`` with ``n = out.size`` (``x`` zero
    padded or cropped to ``n``). Self-contained: the twiddles (and, for lengths that go to
    Bluestein, the chirp and filter) are computed on every call, an O(n) overhead; for
    batches prefer :func:`fracfft.fft.fftn` with ``backend="manual"``.
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
        _c2c_row(f0, fl, True, 1.0 / size, radices, tw64, e, e, _stage_twiddles(tw64, radices),
                 f1, np.empty(size, np.complex128))
        for t in range(size):
            filt[t] = fl[t]
    _c2c_row(x, out, forward, scale, radices, tw, chirp, filt, _stage_twiddles(tw, radices), b0,
             b1)
