r"""Numba kernels of the manual complex FFT.

Algorithm
---------
Every transform is a *forward* DFT :math:`X_k = \sum_j x_j e^{-2\pi i jk/n}`; the inverse
uses :math:`\mathrm{IDFT}(X) = \overline{\mathrm{DFT}(\overline X)}` with the conjugations
folded into the copy in and out, so one twiddle table per length serves both directions.

* Lengths :math:`n = 4^a 2^b 3^c 5^d 7^e` run a Stockham autosort FFT (no bit reversal, two
  ping-pong buffers): radix-4 passes, at most one radix-2 pass, then radix-3/5 passes and a
  generic radix-7 pass. A pass of radix :math:`p` with stride :math:`s` and
  :math:`m = n/(ps)` does, for :math:`0 \le j < m`, :math:`0 \le q < s`,

  .. math:: y_{q + s(pj+k)} = w_n^{sjk} \sum_{r<p} x_{q + s(j + rm)}\, \omega_p^{rk}.

* Any other length (large primes included) uses Bluestein's chirp-z algorithm on a power of two
  :math:`M \ge 2n-1`: :math:`X_k = c_k \sum_j (x_j c_j)\,\overline{c_{k-j}}`,
  :math:`c_j = e^{-i\pi j^2/n}`, the circular convolution done with two length-:math:`M` FFTs
  and the precomputed spectrum of the filter.

Twiddles and chirps are computed in float64 from exact integer angle reduction (about one ulp)
and cast to the working precision by the plan cache (:mod:`._plans`). The row kernels
are compiled with ``parallel=True`` and take the number of row chunks (threads) as an
argument; they must not be called from inside another parallel region (user code:
:func:`fracfft.fft.manual.c2c_1d`).
"""

from __future__ import annotations

import numpy as np
from numba import prange
from numba import types as nt

from ._jit import helper, kernel

# ---------------------------------------------------------------------------------------------
# Roots of unity and plans (float64)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Stockham passes (forward direction only)
# ---------------------------------------------------------------------------------------------


@helper
def _pass2(x, y, tw, n, s):
    m = n // (2 * s)
    for j in range(m):
        w = tw[s * j]
        for q in range(s):
            a = x[q + s * j]
            b = x[q + s * (j + m)]
            o = q + 2 * s * j
            y[o] = a + b
            y[o + s] = (a - b) * w


@helper
def _pass4(x, y, tw, n, s):
    m = n // (4 * s)
    mi = tw[n // 4]  # -i in the working precision
    sm = s * m
    for j in range(m):
        w1 = tw[s * j]
        w2 = tw[2 * s * j]
        w3 = tw[3 * s * j]
        i0 = s * j
        o = 4 * s * j
        for q in range(s):
            a0 = x[i0 + q]
            a1 = x[i0 + q + sm]
            a2 = x[i0 + q + 2 * sm]
            a3 = x[i0 + q + 3 * sm]
            t0 = a0 + a2
            t1 = a0 - a2
            t2 = a1 + a3
            t3 = (a1 - a3) * mi
            y[o + q] = t0 + t2
            y[o + q + s] = (t1 + t3) * w1
            y[o + q + 2 * s] = (t0 - t2) * w2
            y[o + q + 3 * s] = (t1 - t3) * w3


@helper
def _pass3(x, y, tw, n, s):
    m = n // (3 * s)
    w3 = tw[n // 3]
    c = w3.real  # cos(2pi/3) = -1/2
    im = w3 - c  # -i sin(2pi/3), kept in the working precision
    sm = s * m
    for j in range(m):
        w1 = tw[s * j]
        w2 = tw[2 * s * j]
        i0 = s * j
        o = 3 * s * j
        for q in range(s):
            a0 = x[i0 + q]
            a1 = x[i0 + q + sm]
            a2 = x[i0 + q + 2 * sm]
            t = a1 + a2
            u = a0 + t * c
            d = (a1 - a2) * im
            y[o + q] = a0 + t
            y[o + q + s] = (u + d) * w1
            y[o + q + 2 * s] = (u - d) * w2


@helper
def _pass5(x, y, tw, n, s):
    m = n // (5 * s)
    r1 = tw[n // 5]
    r2 = tw[(2 * n) // 5]
    c1 = r1.real
    c2 = r2.real
    im1 = r1 - c1  # -i sin(2pi/5)
    im2 = r2 - c2  # -i sin(4pi/5)
    sm = s * m
    for j in range(m):
        w1 = tw[s * j]
        w2 = tw[2 * s * j]
        w3 = tw[3 * s * j]
        w4 = tw[4 * s * j]
        i0 = s * j
        o = 5 * s * j
        for q in range(s):
            a0 = x[i0 + q]
            a1 = x[i0 + q + sm]
            a2 = x[i0 + q + 2 * sm]
            a3 = x[i0 + q + 3 * sm]
            a4 = x[i0 + q + 4 * sm]
            b1 = a1 + a4
            b2 = a2 + a3
            d1 = a1 - a4
            d2 = a2 - a3
            u1 = a0 + b1 * c1 + b2 * c2
            u2 = a0 + b1 * c2 + b2 * c1
            v1 = d1 * im1 + d2 * im2
            v2 = d1 * im2 - d2 * im1
            y[o + q] = a0 + b1 + b2
            y[o + q + s] = (u1 + v1) * w1
            y[o + q + 2 * s] = (u2 + v2) * w2
            y[o + q + 3 * s] = (u2 - v2) * w3
            y[o + q + 4 * s] = (u1 - v1) * w4


@helper
def _pass_generic(x, y, tw, n, s, p):
    m = n // (p * s)
    np_ = n // p
    a = np.empty(p, x.dtype)
    for j in range(m):
        for q in range(s):
            for r in range(p):
                a[r] = x[q + s * (j + r * m)]
            for k in range(p):
                acc = a[0]
                for r in range(1, p):
                    acc += a[r] * tw[((r * k) % p) * np_]
                y[q + s * (p * j + k)] = acc * tw[s * j * k]


@helper
def _stockham(x, y, tw, radices):
    """Forward DFT of x (length tw.size) using y as scratch; True when the result is in y."""
    n = tw.size
    s = 1
    in_y = False
    for i in range(radices.size):
        p = radices[i]
        src, dst = (y, x) if in_y else (x, y)
        if p == 4:
            _pass4(src, dst, tw, n, s)
        elif p == 2:
            _pass2(src, dst, tw, n, s)
        elif p == 3:
            _pass3(src, dst, tw, n, s)
        elif p == 5:
            _pass5(src, dst, tw, n, s)
        else:
            _pass_generic(src, dst, tw, n, s, p)
        s *= p
        in_y = not in_y
    return in_y


@helper
def _fft_core(b0, b1, n, radices, tw, chirp, filt):
    """Forward DFT of b0[:n] (b0, b1 of length tw.size); return the buffer holding it."""
    if chirp.size == 0:
        return b1 if _stockham(b0, b1, tw, radices) else b0
    size = tw.size
    for j in range(n):
        b0[j] = b0[j] * chirp[j]
    for j in range(n, size):
        b0[j] = 0
    src, dst = (b1, b0) if _stockham(b0, b1, tw, radices) else (b0, b1)
    # Pointwise product with the filter spectrum (1/M folded in), then the inverse FFT as
    # conj(FFT(conj(.))).
    for i in range(size):
        src[i] = (src[i] * filt[i]).conjugate()
    res = dst if _stockham(src, dst, tw, radices) else src
    for k in range(n):
        res[k] = chirp[k] * res[k].conjugate()
    return res


# ---------------------------------------------------------------------------------------------
# Row kernels
# ---------------------------------------------------------------------------------------------


@helper
def _c2c_row(xr, outr, forward, scale, radices, tw, chirp, filt, b0, b1):
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
    res = _fft_core(b0, b1, n, radices, tw, chirp, filt)
    if forward:
        for k in range(n):
            outr[k] = res[k] * scale
    else:
        for k in range(n):
            outr[k] = res[k].conjugate() * scale


def _rows_sig(f, c):
    return nt.void(c[:, ::1], c[:, ::1], nt.boolean, f,
                   nt.int64[::1], c[::1], c[::1], c[::1], nt.int64)


@kernel(_rows_sig, parallel=True)
def c2c_rows(x, out, forward, scale, radices, tw, chirp, filt, nchunks):
    """Complex DFT of each row of ``x`` into ``out``, ``nchunks`` chunks of rows in parallel.

    Parameters
    ----------
    x : (rows, m) complex64 or complex128 C-contiguous array
        Input rows, zero padded or cropped to ``n = out.shape[1]``; not modified.
    out : (rows, n) array of the same dtype
        Output, written in place.
    forward : bool
        Direction: ``exp(-2 pi i jk/n)`` when True, ``exp(+2 pi i jk/n)`` when False.
    scale : float
        Factor applied to every output value.
    radices, tw, chirp, filt : arrays
        The plan of length ``n`` (:func:`fracfft.fft.manual._plans.c2c_plan`).
    nchunks : int
        Number of row chunks run concurrently (one per thread; 1 = serial).
    """
    rows = x.shape[0]
    # One chunk of rows per thread, so each thread allocates its work buffers once.
    for c in prange(nchunks):
        b0 = np.empty_like(tw)
        b1 = np.empty_like(tw)
        for r in range(c * rows // nchunks, (c + 1) * rows // nchunks):
            _c2c_row(x[r], out[r], forward, scale, radices, tw, chirp, filt, b0, b1)
