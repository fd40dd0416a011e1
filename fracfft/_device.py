r"""The one seam between the core and where an array lives: host, numba.cuda or CuPy.

:mod:`fracfft._core` does its arithmetic on spectra only through the functions here (and its
transforms only through :func:`fracfft.fft._registry.execute`), so the GPU path of the
package can be read from this file: each function has a host implementation (NumPy, or the
manual backend's Numba kernels where they pay) and a device implementation (numba.cuda kernels
for numba.cuda device arrays, CuPy's own arithmetic for CuPy arrays).

Operations: :func:`kind` (which kind of array), :func:`real_part`, :func:`fresh_copy` (a
causal crop), :func:`multiply` (by a small host symbol, in place), :func:`project` and
:func:`project_adjoint` (caputo's :math:`P x = x - x_0` and :math:`P^T`), and
:func:`alpha_gradient`, the vjp's reduction
:math:`\mathrm{Re}\,\frac1N\sum_k \partial_\alpha K_k X_k \bar G_k` to alpha's shape, fused
with the adjoint's multiply :math:`G \leftarrow \bar K G` where a kernel does both in one pass.
On a device the full-size spectra are reduced on the device; only an array of alpha's shape
comes back to the host. The half (rfft) spectrum's count-twice bins come from one helper,
:func:`paired_range`.

Nothing here imports Numba, numba.cuda or CuPy before an array of theirs (or the manual
backend) needs them.
"""

from __future__ import annotations

import math
import string

import numpy as np

from ._compat import ignoring_fp_errors
from ._validate import is_cupy_array, is_device_array
from .fft._registry import get_fft_backend
from .symbols import bin_weights, paired_range

__all__ = ["alpha_gradient", "canonical", "fresh_copy", "host_product", "is_device_array",
           "kind", "multiply", "multiply_symbol", "paired_range", "project", "project_adjoint",
           "real_part"]

HOST, NUMBA, CUPY = "host", "numba", "cupy"


def kind(a) -> str:
    """Return where ``a`` lives: ``"host"`` (NumPy), ``"numba"`` (numba.cuda) or ``"cupy"``."""
    if type(a) is np.ndarray or not is_device_array(a):
        return HOST
    return CUPY if is_cupy_array(a) else NUMBA


# --------------------------------------------------------------------------------------------
# Small operations
# --------------------------------------------------------------------------------------------

def real_part(a):
    """Return the real part of a complex array as a new contiguous array (host or device)."""
    where = kind(a)
    if where == HOST:
        return np.ascontiguousarray(a.real)
    if where == CUPY:
        return a.real.copy()
    from .fft.manual._cuda import real_part as device_real_part

    return device_real_part(a)


def fresh_copy(a):
    """Return a new C-contiguous copy of ``a`` (a view, e.g. a causal crop), where it lives."""
    where = kind(a)
    if where == HOST:
        return np.array(a, copy=True, order="C")
    if where == CUPY:
        return a.copy()
    from .fft.manual._cuda import _fresh_copy, _tpb, as_device_array

    a = as_device_array(a)
    return _fresh_copy(a, a.dtype, _tpb(None))


def project(x, axes):
    """Caputo's :math:`P x = x - x_0` along each of ``axes``, as a new array."""
    for ax in axes:
        if kind(x) == NUMBA:
            from . import _causal_cuda

            x = _causal_cuda.project(x, ax)
        else:
            first = [slice(None)] * x.ndim
            first[ax] = slice(0, 1)
            x = x - x[tuple(first)]
    return x


def project_adjoint(y, axes):
    """:math:`P^T y`: subtract the sum along each of ``axes`` from its element 0 (in place)."""
    for ax in axes:
        if kind(y) == NUMBA:
            from . import _causal_cuda

            y = _causal_cuda.project_adjoint(y, ax)
        else:
            first = [slice(None)] * y.ndim
            first[ax] = slice(0, 1)
            y[tuple(first)] -= y.sum(axis=ax, keepdims=True)  # y is the core's own new array
    return y


# --------------------------------------------------------------------------------------------
# Multiply by a symbol
# --------------------------------------------------------------------------------------------

# The manual backend's fused Numba kernel takes over a host spectrum from this many elements on:
# below it NumPy's few calls are as fast and the small-call path of issue 14 stays as it is.
KERNEL_MIN = 1 << 15


def _host_kernels(spec, backend) -> bool:
    """Tell whether a host spectrum should go through the manual backend's Numba kernels."""
    return (spec.size >= KERNEL_MIN and (backend if backend is not None
                                          else get_fft_backend()) == "manual")


def multiply(spec, k, *, backend=None, workers=1):
    """``spec *= k`` in place (``spec`` is the core's private buffer); return ``spec``.

    ``k`` is a small host array broadcastable against ``spec`` (the symbol: the grid of the
    transformed axes times alpha's shape). numba.cuda arrays use a numba.cuda kernel, CuPy
    arrays CuPy. Host spectra use NumPy on every backend: a lone multiply is bound by memory
    and NumPy's loop already runs at its speed (the manual backend's Numba multiply measured
    1.1-3x slower on one thread), so the Numba kernels serve where they fuse passes
    (:func:`alpha_gradient`). ``backend`` and ``workers`` are accepted for that symmetry.
    """
    where = kind(spec)
    if where == HOST:
        return _host_multiply(spec, k, spec)
    k = np.ascontiguousarray(k)
    if where == CUPY:
        import cupy

        spec *= cupy.asarray(k)
        return spec
    from .fft.manual._cuda import multiply_inplace, to_device

    multiply_inplace(spec, to_device(k))
    return spec


def host_product(spec, k):
    """Return ``spec * k`` as a new host array, with :func:`multiply`'s rule for non-finite data."""
    return _host_multiply(spec, k, None)


@ignoring_fp_errors  # non-finite input is data, not an error (SPEC §4)
def _host_multiply(spec, k, out):
    return np.multiply(spec, k, out=out)


def canonical(shape, kshape):
    """Return ``(A, B, C, D)`` with ``spec.reshape(A, B, C, D) * k.reshape(B, D)`` == ``spec * k``.

    Neighbouring dimensions where the symbol is broadcast (size 1) merge, and so do those where
    it is not; a broadcast of at most four such runs, ending on the last axis, fits. Returns
    None for more runs (then the caller uses NumPy).
    """
    runs = []  # [symbol present?, size]
    for s, ks in zip(shape, kshape):
        if s == 1:
            continue
        full = ks != 1
        if runs and runs[-1][0] == full:
            runs[-1][1] *= s
        else:
            runs.append([full, s])
    if not runs or not runs[-1][0]:
        runs.append([True, 1])
    if len(runs) == 2 and not runs[0][0]:
        runs[1:1] = [[True, 1], [False, 1]]  # keep the batch as A: the kernels split it
    while len(runs) < 4:
        runs.insert(0, [not runs[0][0], 1])
    if len(runs) > 4:
        return None
    return tuple(size for _, size in runs)


def _kernel_symbol(k, b, d):
    """``k`` as the complex128 ``(B, D)`` array the kernels take (small: no copy if it is)."""
    return np.ascontiguousarray(k, dtype=np.complex128).reshape(b, d)


def _split(a, b, c, d, workers):
    """Return ``(parts, chunks, tasks)``: lines shared out, or bins when lines are too few."""
    from .fft.manual._symbol import CHUNK

    lines = a * b * c
    nchunks = -(-d // CHUNK)
    if lines >= workers or nchunks == 1:
        parts = max(1, min(workers, lines))
        return parts, 1, parts
    return 1, nchunks, nchunks


def _kernel_multiply(spec, k, workers) -> bool:
    """``spec *= k`` with the manual backend's Numba kernel; False when it does not apply."""
    dims = canonical(spec.shape, np.shape(k))
    if dims is None or not (spec.flags.c_contiguous and spec.flags.writeable):
        return False
    from .fft.manual._jit import launch
    from .fft.manual._symbol import multiply as kernel

    a, b, c, d = dims
    parts, nchunks, tasks = _split(a, b, c, d, workers)
    launch(kernel, (spec.reshape(dims), _kernel_symbol(k, b, d), parts, nchunks), tasks,
           workers, work=spec.size)
    return True


def multiply_symbol(spec, alpha, n, dx, kind, mode, half, workers):
    """Multiply spectra in place by the fractional-derivative symbol (or its variants).

    ``spec[r, k] *= K(xi_k; alpha_r)`` with ``xi = 2*pi*fftfreq(n, dx)`` (``half`` False,
    ``m == n``) or ``xi = 2*pi*rfftfreq(n, dx)`` (``half`` True, ``m == n//2 + 1``): the
    symbol of :func:`fracfft.symbol` (weyl or riesz, with its zero-mode and Nyquist rules),
    computed once by :mod:`fracfft.symbols` and multiplied in by the manual backend's Numba
    kernel, in double precision and rounded to ``spec``'s. ``mode`` 1 conjugates (the
    adjoint), ``mode`` 2 gives ``dK/dalpha``.

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
    >>> from fracfft._device import multiply_symbol
    >>> spec = np.fft.fft(np.sin(2 * np.pi * np.arange(8) / 8))[None, :]
    >>> out = multiply_symbol(spec, np.array([1.0]), 8, 2 * np.pi / 8, 0, 0, False, 1)
    >>> y = np.fft.ifft(out[0]).real                  # d/dt sin t = cos t
    >>> bool(np.allclose(y, np.cos(2 * np.pi * np.arange(8) / 8)))
    True
    """
    from .symbols import grid_symbol

    rows, m = spec.shape
    if m != (n // 2 + 1 if half else n):
        raise ValueError(f"spec has {m} bins; a length-{n} {'rfft' if half else 'fft'} grid has "
                         f"{n // 2 + 1 if half else n}")
    alpha = np.asarray(alpha, dtype=np.float64)
    if alpha.ndim != 1 or alpha.size not in (1, rows):
        raise ValueError(f"alpha must have length 1 or {rows}; got shape {alpha.shape}")
    if rows and m:
        a = float(alpha[0]) if alpha.size == 1 else alpha.reshape(rows, 1)
        k = grid_symbol(2, (1,), (int(n),), (float(dx),), bool(half), a,
                        ("weyl", "riesz")[kind], ("forward", "adjoint", "dalpha")[mode])
        if not _kernel_multiply(spec, k, int(workers)):
            raise ValueError("spec must be a C-contiguous, writeable (rows, m) array")
    return spec


# --------------------------------------------------------------------------------------------
# The vjp's alpha reduction
# --------------------------------------------------------------------------------------------

def weighted_dalpha(dk, axes, ns, half):
    r"""Return :math:`W = \partial_\alpha K\,c/N` in double precision (a new host array).

    ``c`` is each bin's count in the full spectrum (2 for the paired bins of a half spectrum,
    see :func:`fracfft.symbols.paired_range`), so that :math:`\partial L/\partial\alpha =
    \mathrm{Re}\sum W X \bar G` is one dot product (:func:`small_vjp_reduce`).
    """
    weights = bin_weights(np.shape(dk)[axes[-1]], math.prod(ns), ns[-1], half)
    shape = [1] * np.ndim(dk)
    shape[axes[-1]] = weights.size
    return np.multiply(dk, weights.reshape(shape),
                       dtype=np.complex128 if dk.dtype.kind == "c" else np.float64)


@ignoring_fp_errors  # as _host_multiply
def small_vjp_reduce(spectrum_x, big_g, weighted_dk, adjoint):
    r"""Return :math:`\mathrm{Re}\sum W X \bar G` (a float) and do ``big_g *= adjoint``.

    The small host vjp of a scalar order (the autograd bridge's kept path): ``weighted_dk``
    from :func:`weighted_dalpha`, so the count-twice rule and ``1/N`` are in it; the sum is
    taken in double precision. ``adjoint`` None skips the multiply. Host arrays only.
    """
    total = float(np.vdot(big_g, spectrum_x * weighted_dk).real)
    if adjoint is not None:
        np.multiply(big_g, adjoint, out=big_g)
    return total


# Elements per step of product_vjp_reduce: its temporaries stay in the cache (512 KiB).
PRODUCT_CHUNK = 1 << 15


@ignoring_fp_errors  # as _host_multiply
def product_vjp_reduce(product, big_g, logs, k, axis=None):
    r"""Return :math:`\mathrm{Re}\sum L P \bar G` and do ``big_g *= conj(k)``.

    ``product`` is :math:`P` and ``logs`` :math:`L` of
    :func:`fracfft.symbols.weyl_half_product_weights`, ``k`` the forward symbol (all three
    broadcastable against ``P``). Large host spectra, a slab of axis 0 at a time: the
    temporaries ``L P`` and ``conj(k)`` and the slab of ``G``, read for the sum and then
    multiplied, stay in the cache, so ``G`` crosses memory once and no N-sized buffer is made.
    The sum is taken in double precision: a float over every bin (``axis`` None, a scalar
    order), or per line (per-channel orders), a float64 array of the spectra's shape with size 1
    on ``axis``. ``k`` None skips the multiply.
    """
    rows = product.shape[0]
    step = max(1, PRODUCT_CHUNK // max(1, product.size // max(1, rows)))
    if axis is None:
        total = 0.0
    else:
        shape = list(product.shape)
        shape[axis] = 1
        total = np.zeros(shape)
    for i in range(0, rows, step):
        s = slice(i, i + step)
        g = big_g[s]
        term = product[s] * (logs if logs.shape[0] == 1 else logs[s])
        if axis is None:
            total += np.vdot(g, term).real
        else:
            np.multiply(term, np.conj(g), out=term)
            part = term.real.sum(axis=axis, keepdims=True)
            if axis == 0:  # the slabs split the summed axis itself
                total += part
            else:
                total[s] = part
        if k is not None:
            np.multiply(g, np.conj(k if k.shape[0] == 1 else k[s]), out=g)
    return float(total) if axis is None else total


def _paired_index(axis, ns_last, ndim):
    lo, hi = paired_range(ns_last, True)
    index = [slice(None)] * ndim
    index[axis] = slice(lo, hi)
    return tuple(index)


# Below this many spectrum bins (double precision, scalar order) the host alpha reduction takes
# one full-size product and a dot product: fewer NumPy calls than the einsum route, whose point
# (no N-sized temporary) matters only for large arrays.
SMALL_REDUCTION = 1 << 12


def alpha_gradient(spectrum_x, big_g, dk, *, axes, ns, half, scalar, adjoint=None,
                   backend=None, workers=1):
    r"""Return :math:`\mathrm{Re}\frac1N\sum\partial_\alpha K X\bar G` summed to alpha's shape.

    ``dk`` is the (small, host) alpha-derivative symbol, broadcastable against the spectra;
    ``half``: the spectra are half (rfft) spectra along ``axes[-1]``, whose paired bins count
    twice; ``ns`` the transform lengths (``N = prod(ns)``). With ``adjoint`` (a symbol of
    ``dk``'s shape, or broadcastable), ``big_g *= adjoint`` in place afterwards -- in the same
    pass where a kernel reads ``G`` anyway (manual backend, numba.cuda).

    Returns
    -------
    float or numpy.ndarray
        A float when ``scalar``, else a float64 array of ``dk``'s shape with size 1 on
        ``axes`` (alpha's normalised shape).
    """
    norm = float(math.prod(ns))
    where = kind(big_g)
    if where == NUMBA:
        return _numba_alpha_gradient(spectrum_x, big_g, dk, axes, ns, half, scalar, adjoint,
                                     norm)
    if where == CUPY:
        total = _cupy_alpha_gradient(spectrum_x, big_g, dk, axes, ns, half) / norm
    elif (scalar and big_g.size <= SMALL_REDUCTION and big_g.dtype == np.complex128):
        total = _small_alpha_gradient(spectrum_x, big_g, dk, axes, ns, half) / norm
    else:
        reduced = None
        if (adjoint is not None and _host_kernels(big_g, backend)
                and np.shape(adjoint) == np.shape(dk)):
            reduced = _kernel_reduce(spectrum_x, big_g, adjoint, workers)
            if reduced is not None:
                adjoint = None  # multiplied in the same pass
        if reduced is None:
            reduced = _reduce_product(spectrum_x, big_g, np.shape(dk))
        total = _finish(reduced, dk, axes, ns, half) / norm
    if adjoint is not None:
        multiply(big_g, adjoint, backend=backend, workers=workers)
    return float(total.sum()) if scalar else total


def _reduce_product(a, b, shape):
    """``sum(a * conj(b))`` over the dims where ``shape`` has size 1, without an N-sized temp."""
    letters = string.ascii_letters[: a.ndim]
    kept = "".join(c for c, s in zip(letters, shape) if s != 1)
    np.conjugate(b, out=b)
    out = np.einsum(f"{letters},{letters}->{kept}", a, b)
    np.conjugate(b, out=b)
    return out.reshape(tuple(s if s != 1 else 1 for s in shape))


def _finish(reduced, dk, axes, ns, half):
    """``Re(dK * reduced)`` with the paired bins twice, summed over ``axes`` (host, small)."""
    reduced = reduced.astype(np.complex128, copy=False)  # the gradient comes out in double
    np.multiply(reduced, dk, out=reduced)
    term = reduced.real  # a view: the weights below scale it in place
    if half:
        term[_paired_index(axes[-1], ns[-1], term.ndim)] *= 2.0
    return term.sum(axis=axes, keepdims=True)


def _small_alpha_gradient(spectrum_x, big_g, dk, axes, ns, half):
    """:func:`alpha_gradient`'s sum for a scalar order on a small double-precision spectrum."""
    prod = spectrum_x * dk  # dk broadcasts against the spectrum
    total = np.vdot(big_g, prod).real  # sum(conj(G) * dK X) over every bin
    if half:
        index = _paired_index(axes[-1], ns[-1], prod.ndim)  # these count twice: once more
        total += np.vdot(big_g[index], prod[index]).real
    return np.float64(total)


def _kernel_reduce(spectrum_x, big_g, adjoint, workers):
    """Reduce ``x conj(g)`` to the symbol's shape and do ``g *= adj``, in one Numba pass."""
    dims = canonical(big_g.shape, np.shape(adjoint))
    if (dims is None or spectrum_x.shape != big_g.shape or spectrum_x.dtype != big_g.dtype
            or not (big_g.flags.c_contiguous and big_g.flags.writeable
                    and spectrum_x.flags.c_contiguous)):
        return None
    from .fft.manual._jit import launch
    from .fft.manual._symbol import reduce_multiply

    a, b, c, d = dims
    parts, nchunks, tasks = _split(a, b, c, d, workers)
    out = np.zeros((parts, b, d), np.complex128)
    launch(reduce_multiply, (spectrum_x.reshape(dims), big_g.reshape(dims),
                             _kernel_symbol(adjoint, b, d), True, out, parts, nchunks),
           tasks, workers, work=big_g.size)
    return out.sum(axis=0).reshape(np.shape(adjoint))


def _cupy_alpha_gradient(spectrum_x, big_g, dk, axes, ns, half):
    """Reduce with CuPy's arithmetic on the device; alpha's shape comes to the host."""
    import cupy

    term = (cupy.asarray(np.ascontiguousarray(dk)) * (spectrum_x * big_g.conj())).real
    if half:
        term[_paired_index(axes[-1], ns[-1], term.ndim)] *= 2.0
    drop = tuple(i for i in range(term.ndim) if i in axes or np.shape(dk)[i] == 1)
    return cupy.asnumpy(term.sum(axis=drop, keepdims=True)).astype(np.float64, copy=False)


def _numba_alpha_gradient(spectrum_x, big_g, dk, axes, ns, half, scalar, adjoint, norm):
    """Reduce with one numba.cuda kernel; alpha's shape comes to the host."""
    from numba import cuda

    from .fft.manual._cuda import _launch, _tpb, as_device_array, to_device
    from .fft.manual._spectral_cuda import alpha_term_kernel

    x = as_device_array(spectrum_x)
    g = as_device_array(big_g)
    if not x.is_c_contiguous():
        x = fresh_copy(x)
    shape = tuple(g.shape)
    kshape = np.shape(dk)
    mul = adjoint is not None and np.shape(adjoint) == kshape
    if not g.is_c_contiguous() and mul:
        mul = False  # the kernel writes g through a flat view; multiply it apart
    gflat = g if g.is_c_contiguous() else fresh_copy(g)
    spec_strides = _c_strides(shape)
    ashape = tuple(1 if (i in axes or s == 1) else s for i, s in enumerate(kshape))
    alpha_strides = _c_strides(ashape)
    full = [i for i in range(len(shape)) if shape[i] != 1 and kshape[i] != 1]
    bcast = [i for i in range(len(shape)) if shape[i] != 1 and kshape[i] == 1]
    # A dimension of size 1 and stride 0 stands in for an empty list (no empty device arrays).
    fsh, fst, fas = (([shape[i] for i in full], [spec_strides[i] for i in full],
                      [alpha_strides[i] if i not in axes else 0 for i in full]) if full
                     else ([1], [0], [0]))
    bsh, bst = (([shape[i] for i in bcast], [spec_strides[i] for i in bcast]) if bcast
                else ([1], [0]))
    pair = paired_range(ns[-1], half)
    pair_k = full.index(axes[-1]) if pair is not None and axes[-1] in full else -1
    lo, hi = pair if pair is not None else (0, 0)

    def ints(values):
        return cuda.to_device(np.array(values, dtype=np.int64).reshape(len(values)))

    out = cuda.to_device(np.zeros(math.prod(ashape), np.float64))
    dk_dev = to_device(np.ascontiguousarray(dk, dtype=np.complex128).reshape(-1))
    adj_dev = (to_device(np.ascontiguousarray(adjoint).reshape(-1)) if mul else dk_dev)
    tpb = _tpb(None)
    _launch(alpha_term_kernel, int(np.prod(kshape)), tpb, x.reshape(x.size),
            gflat.reshape(gflat.size), dk_dev, adj_dev, mul, out,
            ints(fsh), ints(fst), ints(fas), ints(bsh), ints(bst), pair_k, lo, hi)
    total = out.copy_to_host().reshape(ashape) / norm
    if adjoint is not None and not mul:
        multiply(big_g, adjoint)
    return float(total.sum()) if scalar else total


def _c_strides(shape):
    """C-order element strides of ``shape``."""
    strides = [1] * len(shape)
    for i in range(len(shape) - 2, -1, -1):
        strides[i] = strides[i + 1] * shape[i + 1]
    return strides
