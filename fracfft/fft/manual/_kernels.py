r"""Numba kernels of the manual complex FFT.

Algorithm
---------
Every transform is a *forward* DFT :math:`X_k = \sum_j x_j e^{-2\pi i jk/n}`; the inverse
uses :math:`\mathrm{IDFT}(X) = \overline{\mathrm{DFT}(\overline X)}` with the conjugations
folded into the copy in and out, so one twiddle table per length serves both directions.

* Lengths :math:`n = 4^a 2^b 3^c 5^d 7^e`, times primes up to 61 whose sum is at most 80
  (:func:`._plans.factor`), run a Stockham autosort FFT (no bit reversal, two ping-pong
  buffers): radix-4 passes, at most one radix-2 pass, radix-3/5 passes, then a generic
  odd-prime pass that computes outputs :math:`k` and :math:`p - k` together from the sums and
  differences of inputs :math:`r` and :math:`p - r` (real cosine and sine factors). (A radix-8
  pass was measured: about 5 % faster at n = 1000-1024, but 0.4 s more to compile on first
  use, which matters more.) A pass of radix :math:`p` with stride :math:`s` and
  :math:`m = n/(ps)` does, for :math:`0 \le j < m`, :math:`0 \le q < s`,

  .. math:: y_{q + s(pj+k)} = w_n^{sjk} \sum_{r<p} x_{q + s(j + rm)}\, \omega_p^{rk}.

* Any other length (larger primes included) uses Bluestein's chirp-z algorithm on the smallest
  :math:`M = 2^a 3^b 5^c \ge 2n-1`: :math:`X_k = c_k \sum_j (x_j c_j)\,\overline{c_{k-j}}`,
  :math:`c_j = e^{-i\pi j^2/n}`, the circular convolution done with two length-:math:`M` FFTs
  and the precomputed spectrum of the filter.
* Real transforms of even length :math:`n = 2h` read the row as
  :math:`z_j = x_{2j} + i x_{2j+1}`, take one complex DFT :math:`Z` of length :math:`h` and
  split it: :math:`X_k = \tfrac12(Z_k + \overline{Z_{h-k}})
  - \tfrac{i}{2} w^k (Z_k - \overline{Z_{h-k}})`, :math:`w = e^{-2\pi i/n}`, :math:`k = 0..h`
  (:math:`Z_h \equiv Z_0`); the inverse runs the same split backwards. Odd :math:`n` takes
  the full complex transform. As in :mod:`scipy.fft`, the inverse ignores the imaginary parts
  of the zero and (even ``n``) Nyquist bins.

Twiddles and chirps are computed in float64 from exact integer angle reduction (about one ulp)
and cast to the working precision by the plan cache (:mod:`._plans`). The row kernels
are serial and GIL-free; batches are split over threads by :func:`._jit.launch`.
One kernel, :func:`rows`, serves the complex, real-input and real-output transforms.
"""

from __future__ import annotations

import numpy as np
from numba import types as nt

from ._jit import helper, kernel

# ---------------------------------------------------------------------------------------------
# Roots of unity and plans (float64)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Stockham passes (forward direction only)
# ---------------------------------------------------------------------------------------------


@helper
def _stockham(first, x, y, last, use_last, tw, stw, radices):
    """Forward DFT of ``first[:n]``, ``n = tw.size``, with ``x`` and ``y`` as scratch.

    The first pass reads ``first`` (which may be ``x``); with ``use_last`` the last pass
    writes into ``last`` (distinct from ``first`` unless there are two passes or more), which
    spares the copies in and out of the scratch buffers. Returns True when the result is in
    ``y`` (meaningless with ``use_last``).
    """
    # All passes in one function: one Numba function to type and one LLVM module to optimise
    # instead of one per radix (first-use compile time).
    n = tw.size
    s = 1
    in_y = False
    off = 0  # start of this pass's twiddles in stw: [j, k-1] for j < m, 1 <= k < p
    npass = radices.size
    if npass == 0:  # n == 1
        if use_last:
            last[0] = first[0]
        else:
            x[0] = first[0]
        return False
    for i in range(npass):
        p = radices[i]
        if i == 0:
            src = first
        else:
            src = y if in_y else x
        if use_last and i == npass - 1:
            dst = last
        else:
            dst = x if in_y else y
        m = n // (p * s)
        sm = s * m
        if p == 4:
            mi = tw[n // 4]  # -i in the working precision
            for j in range(m):
                w1 = stw[off + 3 * j]
                w2 = stw[off + 3 * j + 1]
                w3 = stw[off + 3 * j + 2]
                i0 = s * j
                o = 4 * s * j
                for q in range(s):
                    a0 = src[i0 + q]
                    a1 = src[i0 + q + sm]
                    a2 = src[i0 + q + 2 * sm]
                    a3 = src[i0 + q + 3 * sm]
                    t0 = a0 + a2
                    t1 = a0 - a2
                    t2 = a1 + a3
                    t3 = (a1 - a3) * mi
                    dst[o + q] = t0 + t2
                    dst[o + q + s] = (t1 + t3) * w1
                    dst[o + q + 2 * s] = (t0 - t2) * w2
                    dst[o + q + 3 * s] = (t1 - t3) * w3
        elif p == 2:
            for j in range(m):
                w = stw[off + j]
                for q in range(s):
                    a0 = src[q + s * j]
                    a1 = src[q + s * j + sm]
                    o = q + 2 * s * j
                    dst[o] = a0 + a1
                    dst[o + s] = (a0 - a1) * w
        elif p == 3:
            w3 = tw[n // 3]
            c = w3.real  # cos(2pi/3) = -1/2
            im = w3 - c  # -i sin(2pi/3), kept in the working precision
            for j in range(m):
                w1 = stw[off + 2 * j]
                w2 = stw[off + 2 * j + 1]
                i0 = s * j
                o = 3 * s * j
                for q in range(s):
                    a0 = src[i0 + q]
                    a1 = src[i0 + q + sm]
                    a2 = src[i0 + q + 2 * sm]
                    t = a1 + a2
                    u = a0 + t * c
                    d = (a1 - a2) * im
                    dst[o + q] = a0 + t
                    dst[o + q + s] = (u + d) * w1
                    dst[o + q + 2 * s] = (u - d) * w2
        elif p == 5:
            r1 = tw[n // 5]
            r2 = tw[(2 * n) // 5]
            c1 = r1.real
            c2 = r2.real
            im1 = r1 - c1  # -i sin(2pi/5)
            im2 = r2 - c2  # -i sin(4pi/5)
            for j in range(m):
                w1 = stw[off + 4 * j]
                w2 = stw[off + 4 * j + 1]
                w3 = stw[off + 4 * j + 2]
                w4 = stw[off + 4 * j + 3]
                i0 = s * j
                o = 5 * s * j
                for q in range(s):
                    a0 = src[i0 + q]
                    a1 = src[i0 + q + sm]
                    a2 = src[i0 + q + 2 * sm]
                    a3 = src[i0 + q + 3 * sm]
                    a4 = src[i0 + q + 4 * sm]
                    b1 = a1 + a4
                    b2 = a2 + a3
                    d1 = a1 - a4
                    d2 = a2 - a3
                    u1 = a0 + b1 * c1 + b2 * c2
                    u2 = a0 + b1 * c2 + b2 * c1
                    v1 = d1 * im1 + d2 * im2
                    v2 = d1 * im2 - d2 * im1
                    dst[o + q] = a0 + b1 + b2
                    dst[o + q + s] = (u1 + v1) * w1
                    dst[o + q + 2 * s] = (u2 + v2) * w2
                    dst[o + q + 3 * s] = (u2 - v2) * w3
                    dst[o + q + 4 * s] = (u1 - v1) * w4
        else:  # any other odd prime radix: direct p-point DFT, outputs k and p - k together
            # With b_r = a_r + a_{p-r}, d_r = a_r - a_{p-r} (r = 1..h, h = (p-1)/2):
            # y_k = u_k + v_k, y_{p-k} = u_k - v_k, u_k = a_0 + sum_r b_r cos(2 pi rk/p),
            # v_k = -i sum_r d_r sin(2 pi rk/p): real factors, a quarter of the flops of a
            # complex p x p product, and each sum has h terms.
            np_ = n // p
            h = (p - 1) // 2
            roots_p = np.empty(p, tw.dtype)  # omega_p^t, contiguous
            for t in range(p):
                roots_p[t] = tw[t * np_]
            sums = np.empty(h, tw.dtype)  # b_r and d_r: formed once, each read h times
            diffs = np.empty(h, tw.dtype)
            for j in range(m):
                i0 = s * j
                o = p * s * j
                tj = off + (p - 1) * j
                for q in range(s):
                    a0 = src[i0 + q]
                    tot = a0
                    for r in range(h):
                        x1 = src[i0 + q + (r + 1) * sm]
                        x2 = src[i0 + q + (p - 1 - r) * sm]
                        sums[r] = x1 + x2
                        diffs[r] = x1 - x2
                        tot += sums[r]
                    dst[o + q] = tot
                    for k in range(1, h + 1):
                        ur = a0.real
                        ui = a0.imag
                        vr = 0.0 * ur
                        vi = 0.0 * ur
                        t = 0  # (r k) mod p, stepped without an integer division
                        for r in range(h):
                            t += k
                            if t >= p:
                                t -= p
                            w = roots_p[t]  # cos(2 pi t/p) - i sin(2 pi t/p)
                            b = sums[r]
                            d = diffs[r]
                            ur += b.real * w.real
                            ui += b.imag * w.real
                            vr -= d.imag * w.imag
                            vi += d.real * w.imag
                        dst[o + q + k * s] = complex(ur + vr, ui + vi) * stw[tj + k - 1]
                        dst[o + q + (p - k) * s] = complex(ur - vr, ui - vi) * stw[tj + p - k - 1]
        off += m * (p - 1)
        s *= p
        in_y = not in_y
    return in_y


#: ``op`` codes of :func:`rows`.
C2C_FORWARD, C2C_INVERSE, R2C, C2R = 0, 1, 2, 3


def _rows_sig(f, c):
    return nt.void(nt.int64, c[:, ::1], f[:, ::1], c[:, ::1], f[:, ::1], f, nt.int64[::1],
                   c[::1], c[::1], c[::1], c[::1], c[::1], c[:, ::1], nt.int64, nt.int64)


# One kernel for the four row transforms: the FFT passes are compiled (or loaded from the
# cache) once per precision, not once per transform.
@kernel(_rows_sig, dtype_arg=7)
def rows(op, xc, xr, outc, outr, scale, radices, tw, chirp, filt, stw, half, work, lo, hi):
    """Transform rows ``lo..hi-1`` of a batch (serial; :func:`._jit.launch` splits batches).

    Parameters
    ----------
    op : int
        :data:`C2C_FORWARD` / :data:`C2C_INVERSE`: ``xc`` -> ``outc`` (complex DFT,
        ``exp(-+2 pi i jk/n)``, ``n = outc.shape[1]``); :data:`R2C`: real ``xr`` -> ``outc``
        (``n//2 + 1`` bins; ``n`` is odd exactly when ``half`` is empty); :data:`C2R`: half
        spectra ``xc`` -> real ``outr`` (``n = outr.shape[1]``).
    xc, xr : (rows, m) C-contiguous complex / real arrays
        Input rows (the unused one may be empty), zero padded or cropped to the transform
        length; not modified.
    outc, outr : C-contiguous complex / real arrays
        Output, written in place (the unused one may be empty).
    scale : float
        Factor applied to every output value.
    radices, tw, chirp, filt, stw : arrays
        The complex plan (:func:`fracfft.fft.manual._plans.c2c_plan`, or the first five
        entries of :func:`~fracfft.fft.manual._plans.real_plan`), in the working precision.
    half : array
        ``post`` (R2C) or ``pre`` (C2R) of the real plan; unused (may be empty) for C2C.
    work : (2, >= tw.size) array, or empty
        Scratch buffers; empty: allocated here. Reusing them saves far more than it seems:
        a fresh 1 MiB buffer costs page faults on every call (65536 points: about 40 % of
        the transform).
    lo, hi : int
        Range of rows.
    """
    if work.shape[0] >= 2 and work.shape[1] >= tw.size:
        b0 = work[0]
        b1 = work[1]
    else:
        b0 = np.empty_like(tw)
        b1 = np.empty_like(tw)
    # Length of the complex DFT: half the real length for even real transforms.
    if op == 2:
        n = outc.shape[1] - 1 if half.size else 2 * outc.shape[1] - 1
    elif op == 3:
        n = outr.shape[1] // 2 if half.size else outr.shape[1]
    else:
        n = outc.shape[1]
    size = tw.size
    # A forward, unscaled complex transform of a smooth length (input as long or cropped)
    # needs no copies: the passes read the input row and write the output row.
    direct = op == 0 and scale == 1.0 and chirp.size == 0 and xc.shape[1] >= n
    # (``direct``, a runtime bool, is also the use_last flag of every other _stockham call,
    # where it is False: a literal True/False would compile _stockham twice.)
    # Packing, Bluestein steps and unpacking are written out here rather than in helpers:
    # each Numba helper level re-optimises and re-emits everything it calls, so a flat kernel
    # compiles faster on first use.
    for r in range(lo, hi):
        # --- pack row r into b0 (forward DFT of length n) ---
        if direct:
            pass
        elif op == 2 and half.size:  # even real input: z_j = x_2j + i x_2j+1
            lim = min(xr.shape[1], 2 * n)
            for j in range(lim // 2):
                b0[j] = complex(xr[r, 2 * j], xr[r, 2 * j + 1])
            start = lim // 2
            if lim % 2:
                b0[start] = xr[r, lim - 1]
                start += 1
            for j in range(start, n):
                b0[j] = 0
        elif op == 2:  # odd real input: full complex transform
            lim = min(xr.shape[1], n)
            for i in range(lim):
                b0[i] = xr[r, i]
            for i in range(lim, n):
                b0[i] = 0
        elif op == 3 and half.size:
            # Even real output, h = n bins: Z_k = (X_k + conj X_{h-k}) + pre_k (X_k - conj
            # X_{h-k}), stored conjugated (the inverse runs as a forward DFT).
            lim = min(xc.shape[1], n + 1)
            xk = complex(xc[r, 0].real if lim > 0 else 0.0, 0.0)
            xh = complex(xc[r, n].real if lim > n else 0.0, 0.0)
            b0[0] = ((xk + xh) + half[0] * (xk - xh)).conjugate()
            for k in range(1, n):
                xk = xc[r, k] if k < lim else 0
                xh = xc[r, n - k].conjugate() if n - k < lim else 0
                b0[k] = ((xk + xh) + half[k] * (xk - xh)).conjugate()
        elif op == 3:  # odd real output: the full Hermitian spectrum, conjugated
            nb = n // 2 + 1
            lim = min(xc.shape[1], nb)
            b0[0] = xc[r, 0].real if lim > 0 else 0
            for k in range(1, lim):
                v = xc[r, k]
                b0[k] = v.conjugate()
                b0[n - k] = v
            for k in range(lim, nb):
                b0[k] = 0
                b0[n - k] = 0
        else:
            lim = min(xc.shape[1], n)
            if op == 0:
                for i in range(lim):
                    b0[i] = xc[r, i]
            else:
                for i in range(lim):
                    b0[i] = xc[r, i].conjugate()
            for i in range(lim, n):
                b0[i] = 0
        # --- forward DFT of b0[:n]; res is the buffer holding it ---
        if direct:
            # Forward complex DFT straight from the input row into the output row.
            _stockham(xc[r], b0, b1, outc[r], direct, tw, stw, radices)
            continue
        if chirp.size == 0:
            res = b1 if _stockham(b0, b0, b1, b0, direct, tw, stw, radices) else b0
        else:
            for j in range(n):
                b0[j] = b0[j] * chirp[j]
            for j in range(n, size):
                b0[j] = 0
            if _stockham(b0, b0, b1, b0, direct, tw, stw, radices):
                src, dst = b1, b0
            else:
                src, dst = b0, b1
            # Pointwise product with the filter spectrum (1/M folded in), then the inverse
            # FFT as conj(FFT(conj(.))).
            for i in range(size):
                src[i] = (src[i] * filt[i]).conjugate()
            res = dst if _stockham(src, src, dst, src, direct, tw, stw, radices) else src
            for k in range(n):
                res[k] = chirp[k] * res[k].conjugate()
        # --- unpack, scale and store ---
        if op == 2 and half.size:
            # Bins 0 and n both use Z_0 (no modulo in the loop: integer division is slow).
            z0 = res[0]
            zc = z0.conjugate()
            outc[r, 0] = ((z0 + zc) * 0.5 + half[0] * (z0 - zc)) * scale
            outc[r, n] = ((z0 + zc) * 0.5 + half[n] * (z0 - zc)) * scale
            for k in range(1, n):
                zk = res[k]
                zc = res[n - k].conjugate()
                outc[r, k] = ((zk + zc) * 0.5 + half[k] * (zk - zc)) * scale
        elif op == 2:
            for k in range(outc.shape[1]):
                outc[r, k] = res[k] * scale
        elif op == 3 and half.size:
            for j in range(n):
                outr[r, 2 * j] = res[j].real * scale
                outr[r, 2 * j + 1] = -res[j].imag * scale
        elif op == 3:
            for j in range(n):
                outr[r, j] = res[j].real * scale
        elif op == 0:
            for k in range(n):
                outc[r, k] = res[k] * scale
        else:
            for k in range(n):
                outc[r, k] = res[k].conjugate() * scale
