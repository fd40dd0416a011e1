"""numba.cuda kernel of the alpha-gradient's reduction, fused with the adjoint's multiply.

For spectra ``x``, ``g`` (flat, C-contiguous device arrays) and a symbol-shaped ``dk``, one
thread per symbol entry ``j`` sums ``x * conj(g)`` over the spectrum entries that the symbol
broadcasts ``j`` to, optionally multiplies those entries of ``g`` by ``adj[j]`` in the same
pass (the adjoint operator reads ``G`` once), and adds ``w_j Re(dk[j] * sum)`` to the entry of
alpha's (small) shape that ``j`` belongs to, ``w_j`` being 2 on the half spectrum's paired bins
(:func:`fracfft._device.paired_range`). Only that alpha-sized array leaves the device.

The symbol's non-broadcast dimensions (``fshape``, in C order, so ``j`` is the symbol's flat
index) carry the strides of the spectrum (``fstride``) and of alpha (``fastride``, 0 on the
transformed axes); the broadcast ones (``bshape``) the spectrum's strides (``bstride``).
"""

from __future__ import annotations

from numba import cuda

__all__ = ["alpha_term_kernel"]


@cuda.jit
def alpha_term_kernel(x, g, dk, adj, mul, out, fshape, fstride, fastride, bshape, bstride,
                      pair_k, pair_lo, pair_hi):
    """See the module docstring; a grid-stride loop over the symbol's entries."""
    nf = fshape.shape[0]
    nb = bshape.shape[0]
    nq = 1
    for i in range(nb):
        nq *= bshape[i]
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for j in range(start, dk.size, step):
        rem = j
        base = 0
        aoff = 0
        w = 1.0
        for i in range(nf - 1, -1, -1):
            c = rem % fshape[i]
            rem = rem // fshape[i]
            base += c * fstride[i]
            aoff += c * fastride[i]
            if i == pair_k and pair_lo <= c and c < pair_hi:
                w = 2.0
        acc = 0j
        for q in range(nq):
            rem = q
            off = base
            for i in range(nb - 1, -1, -1):
                off += (rem % bshape[i]) * bstride[i]
                rem = rem // bshape[i]
            gv = g[off]
            xv = x[off]
            acc += complex(xv.real, xv.imag) * complex(gv.real, -gv.imag)
            if mul:
                g[off] = gv * adj[j]
        cuda.atomic.add(out, aoff, w * (dk[j] * acc).real)
