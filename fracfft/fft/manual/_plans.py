"""Plans of the manual FFT: radices, twiddles and Bluestein chirp filters, cached per length.

A plan is computed once per ``(n, dtype)`` in float64 / complex128 (so complex64 transforms
get correctly rounded twiddles) and cast to the working precision. The caches are bounded
(``functools.lru_cache(maxsize=64)``): a process that sees many lengths keeps at most 64
plans of each kind. Plan arrays are shared by every caller and must never be written to (they
stay writeable only because the kernels' signatures take mutable arrays).
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = ["DIRECT_BUDGET", "DIRECT_PRIMES", "SMALL_PRIMES", "c2c_plan", "chirp", "chirp_filter",
           "factor", "fast_length", "real_plan", "roots", "scale", "stage_twiddles"]

#: Prime factors with their own Stockham pass (7: the kernels' generic odd-prime pass).
SMALL_PRIMES = (3, 5, 7)

#: Larger primes the generic pass also takes, while their sum stays within
#: :data:`DIRECT_BUDGET`; else the length goes to Bluestein. Measured against Bluestein
#: (median of 7, 2-core AVX-512, 64 Ki points per batch): 13 * 2**k and 53 * 2**k take 0.3
#: and 0.7-0.85 of the time direct, 11*13*17*19 0.66, 37*41*4 0.84, 41*43 1.02,
#: 53*53 1.1-1.3, 47*53 1.4. Direct passes are also more accurate (roundtrip error 2.5 ulp
#: at n = 17, against 7 through Bluestein's three transforms).
DIRECT_PRIMES = (11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61)
DIRECT_BUDGET = 80


def roots(num, den, real=np.float64):
    """Return ``exp(-2j*pi*num/den)``, accurate to about one ulp of ``real``.

    Parameters
    ----------
    num : array of int
        Numerators, ``0 <= num < den``.
    den : int
        Denominator.
    real : numpy dtype, optional
        Precision of the computation: float64 (the default) or longdouble.

    Returns
    -------
    ndarray
        complex128 (clongdouble for ``real=longdouble``) roots of unity.
    """
    # Exact integer reduction: angle = (pi/2) * (q + r/den) with 2r <= den after folding,
    # so cos/sin only ever see arguments in [0, pi/4].
    v = 4 * np.asarray(num, dtype=np.int64)
    q = v // den
    r = v - q * den
    flip = 2 * r > den
    real = np.dtype(real)
    half_pi = 2 * np.arctan(real.type(1))  # pi/2 in the working precision
    a = half_pi * (np.where(flip, den - r, r).astype(real) / real.type(den))
    c, s = np.cos(a), np.sin(a)
    c, s = np.where(flip, s, c), np.where(flip, c, s)
    q %= 4
    cq = np.choose(q, [c, -s, -c, s])
    sq = np.choose(q, [s, c, -s, -c])
    return cq - 1j * sq


def factor(n):
    """Split ``n`` into Stockham radices.

    Parameters
    ----------
    n : int
        Length, at least 1.

    Returns
    -------
    radices : ndarray of int64
        Radix-4 passes, at most one radix 2, then 3, 5, 7, then primes of
        :data:`DIRECT_PRIMES` when they sum to at most :data:`DIRECT_BUDGET`.
    rest : int
        The part of ``n`` left to Bluestein (1 when every factor has a pass).
    """
    rad = []
    while n % 4 == 0:
        rad.append(4)
        n //= 4
    if n % 2 == 0:
        rad.append(2)
        n //= 2
    for p in SMALL_PRIMES:
        while n % p == 0:
            rad.append(p)
            n //= p
    big, left = [], n
    for p in DIRECT_PRIMES:
        while left % p == 0:
            big.append(p)
            left //= p
    if left == 1 and sum(big) <= DIRECT_BUDGET:
        rad += big
        n = 1
    return np.array(rad, dtype=np.int64), n


def stage_twiddles(tw, radices):
    """Per-pass twiddles of the Stockham passes, each pass's in the order it reads them.

    Parameters
    ----------
    tw : ndarray
        ``exp(-2 pi i t/n)`` for ``t < n``.
    radices : ndarray of int
        The passes.

    Returns
    -------
    ndarray
        For each pass of radix ``p`` with stride ``s`` and ``m = n/(p s)``: ``tw[s j k]`` for
        ``j < m``, ``1 <= k < p`` (``k`` fastest), passes concatenated. Contiguous reads in
        the kernel instead of ``p - 1`` strided ones over the whole table.
    """
    n = tw.size
    parts, s = [], 1
    for p in radices:
        p = int(p)
        m = n // (p * s)
        idx = (s * np.arange(m)[:, None] * np.arange(1, p)[None, :]) % max(n, 1)
        parts.append(tw[idx].ravel())
        s *= p
    return np.concatenate(parts) if parts else tw[:0].copy()


def fast_length(target):
    """Return the smallest ``2**a * 3**b * 5**c >= target`` (a fast Bluestein length).

    Parameters
    ----------
    target : int
        Lower bound, at least 1.

    Returns
    -------
    int
        The length; at most the next power of two, often well below it (65537 -> 131220
        instead of 262144 for ``2n - 1 = 131073``).
    """
    best = 1 << (int(target) - 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            # Smallest power of two times p35 reaching the target.
            m = p35 << max(0, (-(-target // p35) - 1).bit_length())
            best = min(best, m)
            p35 *= 3
        p5 *= 5
    return best


@functools.lru_cache(maxsize=64)
def c2c_plan(n, dtype):
    """Plan of a length-``n`` complex DFT in ``dtype``.

    Parameters
    ----------
    n : int
        Transform length, at least 1.
    dtype : numpy.dtype
        ``complex64`` or ``complex128``.

    Returns
    -------
    tuple
        ``(radices, twiddles, chirp, filter, stage twiddles)``. Smooth ``n``: twiddles
        ``exp(-2 pi i t/n)``, chirp and filter empty. Otherwise Bluestein on
        ``M = fast_length(2n - 1)``: radices and twiddles of ``M``,
        ``chirp[j] = exp(-i pi j^2/n)`` and ``filter`` the length-``M`` DFT of the wrapped
        ``conj(chirp)``, divided by ``M``. Stage twiddles: :func:`stage_twiddles`.
    """
    dtype = np.dtype(dtype)
    radices, rest = factor(n)
    empty = np.empty(0, dtype)
    if rest == 1:
        tw = roots(np.arange(n), n)
        return (radices, tw.astype(dtype), empty, empty,
                stage_twiddles(tw, radices).astype(dtype))
    size = fast_length(2 * n - 1)
    radices, _ = factor(size)
    tw = roots(np.arange(size), size)
    c = chirp(n)
    stw = stage_twiddles(tw, radices)
    filt = chirp_filter(c, size, (radices, tw, stw))
    return (radices, tw.astype(dtype), c.astype(dtype), filt.astype(dtype), stw.astype(dtype))


def chirp(n):
    """Bluestein's chirp ``exp(-i pi j^2/n)``, ``j < n``, in complex128 (exact angle reduction).

    Parameters
    ----------
    n : int
        Transform length.

    Returns
    -------
    ndarray
        complex128, shape ``(n,)``; the inverse transform uses its conjugate.
    """
    j = np.arange(n, dtype=np.int64)
    return roots((j * j) % (2 * n), 2 * n)


def chirp_filter(c, size, plan=None):
    """Length-``size`` DFT of the wrapped ``conj(c)``, divided by ``size`` (complex128).

    Parameters
    ----------
    c : ndarray
        The chirp of :func:`chirp`, length ``n`` with ``2n - 1 <= size``.
    size : int
        Convolution length: any length the CPU kernels transform directly (smooth).
    plan : tuple, optional
        ``(radices, twiddles, stage twiddles)`` of ``size`` in complex128, when already built.

    Returns
    -------
    ndarray
        complex128, shape ``(size,)``: the filter spectrum with the inverse FFT's ``1/size``
        folded in, for the CPU kernels and the numba.cuda Bluestein steps alike.
    """
    n = c.size
    if plan is None:
        radices, _ = factor(size)
        tw = roots(np.arange(size), size)
        plan = (radices, tw, stage_twiddles(tw, radices))
    radices, tw, stw = plan
    b = np.zeros((1, size), np.complex128)
    b[0, :n] = c.conj()
    b[0, size - n + 1:] = c[:0:-1].conj()
    # The filter spectrum is always computed in complex128, by our own kernel.
    from ._kernels import C2C_FORWARD, rows

    filt = np.empty_like(b)
    e = np.empty(0, np.complex128)
    rows(C2C_FORWARD, b, np.empty((0, 0)), filt, np.empty((0, 0)), 1.0 / size, radices, tw,
         e, e, stw, e, np.empty((0, 0), np.complex128), 0, 1)
    return filt[0]


def scale(norm, n, forward, real=float):
    """Factor of a length-``n`` transform in direction ``forward`` under ``norm``.

    Parameters
    ----------
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    n : int
        Transform length (the product of the lengths for an n-dimensional transform).
    forward : bool
        Direction.
    real : type, optional
        Python ``float`` (the default) or ``numpy.longdouble`` for long double transforms.

    Returns
    -------
    float or numpy.longdouble
    """
    if norm == "ortho":
        return real(1) / (math.sqrt(n) if real is float else np.sqrt(real(n)))
    if (norm == "forward") == forward:
        return real(1) / real(n)
    return real(1)


@functools.lru_cache(maxsize=64)
def real_plan(n, dtype):
    """Plan of a length-``n`` real DFT whose spectrum has complex ``dtype``.

    Parameters
    ----------
    n : int
        Real length, at least 1.
    dtype : numpy.dtype
        ``complex64`` or ``complex128``.

    Returns
    -------
    tuple
        The :func:`c2c_plan` of ``n // 2`` (even ``n``) or of ``n`` (odd ``n``), then
        ``post`` and ``pre`` with ``post[k] = -i/2 w^k`` (forward split) and
        ``pre[k] = i conj(w^k)`` (inverse merge), ``w = exp(-2 pi i/n)``, ``k = 0..n//2``
        (both empty for odd ``n``).
    """
    dtype = np.dtype(dtype)
    if n % 2:
        empty = np.empty(0, dtype)
        return c2c_plan(n, dtype) + (empty, empty)
    w = roots(np.arange(n // 2 + 1), n)
    post = (-0.5j * w).astype(dtype)
    pre = (1j * w.conj()).astype(dtype)
    return c2c_plan(n // 2, dtype) + (post, pre)
