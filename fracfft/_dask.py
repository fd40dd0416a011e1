"""dask arrays through the NumPy API: a lazy graph of the existing kernels (SPEC §6).

Every public NumPy function hands a ``dask.array.Array`` to :func:`apply`, which returns a
dask array with the input's shape and chunks and the dtype the NumPy function would give.
Each output block is the NumPy function on one input block, so a block must hold whole lines
along the transformed axes: where a transformed axis is split into several chunks the input
is rechunked to one chunk along it first and the result rechunked back to the input's chunks.
Rechunking to whole lines never gathers the array in one place: if whole lines make a block
larger than the input's largest chunk (or dask's ``array.chunk-size``), the other axes are
split finer.

Nothing here knows the kinds or the keywords: they go to the NumPy function untouched, so
every rule (and every error) stays that function's. Arguments are checked when the graph is
built, on a small proxy, not when it is computed. This module is imported only
when a dask array arrives.
"""

from __future__ import annotations

import functools
import math

import dask
import dask.array as da
import numpy as np

from . import _validate


def _block(xb, ab, *, func, axis, kwargs):
    """One output block: the NumPy function on one input block (and its alpha block)."""
    return func(xb, ab, axis, **kwargs)


def _block_scalar(xb, *, func, alpha, axis, kwargs):
    return func(xb, alpha, axis, **kwargs)


def _alpha_full(alpha, shape, axes, name):
    """Alpha with ``len(shape)`` dims (a float, or a NumPy/dask array); shape errors here."""
    if isinstance(alpha, da.Array):
        a = alpha
    else:
        a = np.asarray(alpha)
        if a.ndim == 0:
            return alpha  # the NumPy function checks scalars itself
    return a.reshape(_validate.alpha_shape(a.shape, shape, axes, name))


def _proxy(x, a, axes):
    """Return small NumPy stand-ins for ``x`` and alpha, for the NumPy function to check.

    Same dtype, transformed axes of length up to 2 (0 stays 0), other axes of length 1 -- or,
    for a NumPy array of orders, its own length there, so every order is checked (a causal
    kind's range, say) when the graph is built. A dask array of orders is represented by one
    entry; its values are checked in every block when the graph runs.
    """
    concrete = hasattr(a, "ndim") and not isinstance(a, da.Array)
    shape = tuple(min(n, 2) if i in axes else (a.shape[i] if concrete else min(n, 1))
                  for i, n in enumerate(x.shape))
    if isinstance(a, da.Array):
        a = np.ones((1,) * a.ndim, dtype=a.dtype)
    return np.zeros(shape, dtype=x.dtype), a


def _whole_chunks(x, axes):
    """Chunks of ``x`` with one chunk along ``axes`` and blocks no larger than needed."""
    if all(len(x.chunks[a]) == 1 for a in axes):
        return x.chunks
    itemsize = max(x.dtype.itemsize, 8)
    limit = max(math.prod(max(c) if c else 0 for c in x.chunks) * itemsize,
                dask.utils.parse_bytes(dask.config.get("array.chunk-size")))
    target = {a: -1 for a in axes}
    line = math.prod(x.shape[a] for a in axes) * itemsize
    # Other axes keep their chunks unless whole lines would make blocks above the limit; then
    # dask splits them ("auto") under the limit, down to one line per block at the least.
    sizes = [max(c) if c else 0 for c in x.chunks]
    block = line * math.prod(s for i, s in enumerate(sizes) if i not in axes)
    if block > limit:
        for i in range(x.ndim):
            if i not in axes:
                target[i] = "auto"
        return x.rechunk(target, block_size_limit=max(limit, line)).chunks
    return x.rechunk(target).chunks


def apply(func, x, alpha, axis, kwargs, *, axis_default_all=False, alpha_name="alpha"):
    """Return ``func(x, alpha, axis, **kwargs)`` as a lazy dask array.

    Parameters
    ----------
    func : callable
        The public NumPy function (picklable, so distributed workers can run it).
    x : dask.array.Array
        The input.
    alpha : float, array_like or dask.array.Array
        The order; an array is split along with ``x``'s blocks.
    axis : int, tuple of int or None
        Transformed axes (None: all axes, when ``axis_default_all``).
    kwargs : dict
        Every other keyword, passed on unchanged.
    axis_default_all : bool
        True for :func:`fracfft.fractional_laplacian`, whose ``axes=None`` means all axes.
    alpha_name : str
        Name of the order in error messages.
    """
    if axis is None and axis_default_all:
        axis = tuple(range(x.ndim)) or 0
    axes = _validate.normalize_axes(axis, x.ndim, "axes" if axis_default_all else "axis")
    a = _alpha_full(alpha, tuple(x.shape), axes, alpha_name)
    # Check every argument, and learn the output dtype, on a small proxy of the same dtype.
    meta = func(*_proxy(x, a, axes), axis, **kwargs)
    out_dtype = meta.dtype
    meta = np.empty((0,) * x.ndim, dtype=out_dtype)

    whole = x.rechunk(_whole_chunks(x, axes))
    if hasattr(a, "ndim"):
        alpha_chunks = tuple((1,) if s == 1 else c for s, c in zip(a.shape, whole.chunks))
        if isinstance(a, da.Array):
            a_blocks = a.rechunk(alpha_chunks)
        else:
            a_blocks = da.from_array(np.asarray(a), chunks=alpha_chunks)
        fn = functools.partial(_block, func=func, axis=axis, kwargs=dict(kwargs))
        out = da.map_blocks(fn, whole, a_blocks, dtype=out_dtype, meta=meta,
                            chunks=whole.chunks)
    else:
        fn = functools.partial(_block_scalar, func=func, alpha=alpha, axis=axis,
                               kwargs=dict(kwargs))
        out = da.map_blocks(fn, whole, dtype=out_dtype, meta=meta)
    return out.rechunk(x.chunks) if out.chunks != x.chunks else out

