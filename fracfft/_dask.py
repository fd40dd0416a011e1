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
built, on a proxy of a few elements, not when it is computed. This module is imported only
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
    if a.ndim > len(shape):
        raise ValueError(f"{name} with shape {a.shape} has more dimensions than the input {shape}")
    a = a.reshape((1,) * (len(shape) - a.ndim) + tuple(a.shape))
    for ax, (sa, sx) in enumerate(zip(a.shape, shape)):
        if sa != 1 and sa != sx:
            raise ValueError(f"{name} with shape {a.shape} does not broadcast against {shape}")
        if sa != 1 and ax in axes:
            raise ValueError(
                f"{name} must have size 1 along the transformed axis {ax}; got shape {a.shape}"
            )
    return a


def _proxy_alpha(a, axes):
    """Return one entry of alpha (per axis), standing for all of it in the argument check."""
    if not hasattr(a, "ndim"):
        return a
    index = tuple(slice(0, 1) for _ in range(a.ndim))
    proxy = a[index]
    if isinstance(proxy, da.Array):
        # One element, computed while the graph is built: its dtype and finiteness are checked
        # again on every block when the graph runs.
        proxy = np.ones(proxy.shape, dtype=proxy.dtype)
    return proxy


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
    # Check every other argument, and learn the output dtype, on a proxy of a few elements
    # with the same dtype and the same transformed-axis lengths up to 2 (length 0 stays 0).
    proxy_shape = tuple(min(n, 2) if i in axes else min(n, 1) for i, n in enumerate(x.shape))
    meta = func(np.zeros(proxy_shape, dtype=x.dtype), _proxy_alpha(a, axes), axis, **kwargs)
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

