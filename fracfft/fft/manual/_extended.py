"""Long double transforms of the manual FFT, in long double precision.

Numba has no long double, so rows of ``longdouble`` / ``clongdouble`` data take this
NumPy-vectorised path: the same Stockham passes as :mod:`._kernels` (radix-4, 2, 3, 5, 7 and
the larger primes :func:`._plans.factor` gives a direct pass, each pass a small matrix
product over the whole batch), Bluestein's algorithm for the lengths it leaves, and twiddles
and chirps from :func:`._plans.roots` computed in long double with the same exact integer
angle reduction. Slower than the Numba kernels, but as accurate as the dtype allows, so a
long double input keeps its dtype *and* its precision.
"""

from __future__ import annotations

import functools

import numpy as np

from ._plans import factor, fast_length, roots

__all__ = ["c2c_rows", "c2r_rows", "r2c_rows"]

_LD = np.dtype(np.longdouble)


@functools.lru_cache(maxsize=64)
def _passes(n):
    """``[(p, stride, DFT matrix (p, p), twiddles (p, m, 1))]`` of a Stockham FFT of ``n``."""
    radices = [int(p) for p in factor(n)[0]]
    out, s = [], 1
    for p in radices:
        m = n // (p * s)
        k = np.arange(p)
        mat = roots((k[:, None] * k[None, :]) % p, p, _LD)
        tw = roots((s * np.arange(m)[None, :] * k[:, None]) % n, n, _LD)[:, :, None]
        out.append((p, s, mat, tw))
        s *= p
    return out


@functools.lru_cache(maxsize=64)
def _bluestein(n):
    """``(M, chirp, filter spectrum)`` of Bluestein's algorithm for length ``n``."""
    size = fast_length(2 * n - 1)
    j = np.arange(n, dtype=np.int64)
    chirp = roots((j * j) % (2 * n), 2 * n, _LD)
    b = np.zeros((1, size), np.clongdouble)
    b[0, :n] = chirp.conj()
    b[0, size - n + 1:] = chirp[:0:-1].conj()
    return size, chirp, _dft(b)[0]


def _needs_bluestein(n):
    return factor(n)[1] > 1


def _dft(z):
    """Forward DFT of each row of the clongdouble (rows, n) array ``z`` (a new array)."""
    rows, n = z.shape
    if n == 1:
        return z.copy()
    if _needs_bluestein(n):
        size, chirp, filt = _bluestein(n)
        y = np.zeros((rows, size), np.clongdouble)
        y[:, :n] = z * chirp
        y = _dft(y) * filt
        # Inverse DFT as conj(DFT(conj(.))) / M.
        return chirp * _dft(y.conj())[:, :n].conj() / size
    for p, s, mat, tw in _passes(n):
        m = n // (p * s)
        a = np.matmul(mat, z.reshape(rows, p, m * s)).reshape(rows, p, m, s)
        a *= tw
        z = a.transpose(0, 2, 1, 3).reshape(rows, n)
    return z


def _fit(x, n, dtype):
    """``x`` (rows, m) cropped or zero-padded to (rows, n) in ``dtype`` (a new array)."""
    out = np.zeros((x.shape[0], n), dtype)
    m = min(n, x.shape[1])
    out[:, :m] = x[:, :m]
    return out


def c2c_rows(x, n, forward, scale):
    """Complex DFT of length ``n`` of each row of ``x``, times ``scale``; clongdouble.

    ``scale`` is a ``numpy.longdouble`` (a Python float would round it to double).
    """
    z = _fit(x, n, np.clongdouble)
    if forward:
        return _dft(z) * scale
    return _dft(z.conj()).conj() * scale


def r2c_rows(x, n, scale):
    """Return the ``n//2 + 1`` non-negative frequencies of each real row, times ``scale``."""
    return _dft(_fit(x, n, np.clongdouble))[:, : n // 2 + 1] * scale


def c2r_rows(x, n, scale):
    """Real length-``n`` inverse of each half-spectrum row of ``x``, times ``scale``.

    As in pocketfft, the imaginary parts of the zero and (even ``n``) Nyquist bins are
    ignored: taking the real part of the inverse of the Hermitian-filled spectrum does that.
    """
    h = n // 2 + 1
    half = _fit(x, h, np.clongdouble)
    full = np.empty((x.shape[0], n), np.clongdouble)
    full[:, :h] = half
    full[:, h:] = half[:, n - h:0:-1].conj()
    # real(IDFT(X)) = real(DFT(conj X)) / n; the 1/n lives in ``scale``.
    return _dft(full.conj()).real * scale
