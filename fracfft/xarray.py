r"""Fractional derivatives of :class:`xarray.DataArray` objects, by dimension name.

The same operators as the NumPy API (:func:`fracfft.derivative` and friends), with the
grid spacing read from the coordinates: along a dimension ``d`` with coordinate values
:math:`c_0 < c_1 < \dots < c_{n-1}`, ``dx = (c_{n-1} - c_0)/(n - 1)``, so wavenumbers are in
radians per coordinate unit. Conventions follow xrft where they apply: ``dim`` is a name or a
tuple of names; a dimension without a coordinate has spacing 1; datetime coordinates give
spacings in seconds. A coordinate that is not uniformly spaced (largest relative deviation
of a step from the mean step above ``1e-6``) or not increasing is a ``ValueError`` naming
the dimension: the operators assume one period sampled uniformly.

The result keeps the input's dims, coords and name (not its attrs: a derivative changes the
units). A dask-backed DataArray gives a dask-backed result and nothing is computed until
``.compute()`` (the chunk rules are on the "Scaling out" page).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .derivative import derivative as _derivative
from .derivative import derivative_adjoint as _derivative_adjoint
from .derivative import derivative_dalpha as _derivative_dalpha
from .derivative import fractional_laplacian as _fractional_laplacian

__all__ = ["derivative", "derivative_adjoint", "derivative_dalpha", "fractional_laplacian"]

# Largest relative deviation of one coordinate step from the mean step (SPEC §6).
SPACING_RTOL = 1e-6


def _dims(da, dim, name):
    if dim is None:
        return tuple(da.dims)
    dims = (dim,) if isinstance(dim, str) or not isinstance(dim, (tuple, list)) else tuple(dim)
    if not dims:
        raise ValueError(f"{name} must name at least one dimension")
    for d in dims:
        if d not in da.dims:
            raise ValueError(f"{name}: {d!r} is not a dimension of the DataArray {da.dims}")
    if len(set(dims)) != len(dims):
        raise ValueError(f"repeated dimensions in {name}={dim!r}")
    return dims


def _spacing(da, d):
    """Grid spacing along dimension ``d`` from its coordinate (1 where it has none)."""
    if d not in da.coords or da.sizes[d] < 2:
        return 1.0
    values = np.asarray(da[d].values)
    if values.ndim != 1:
        raise ValueError(f"the coordinate of dimension {d!r} must be one-dimensional")
    if np.issubdtype(values.dtype, np.datetime64) or np.issubdtype(values.dtype,
                                                                   np.timedelta64):
        steps = np.diff(values).astype("timedelta64[ns]").astype(np.float64) * 1e-9
    elif np.issubdtype(values.dtype, np.number) and not np.iscomplexobj(values):
        steps = np.diff(values.astype(np.float64))
    else:
        raise ValueError(f"the coordinate of dimension {d!r} is not numeric or datetime "
                         f"(dtype {values.dtype}); cannot read a grid spacing from it")
    if not np.all(np.isfinite(steps)) or not np.all(steps > 0):
        raise ValueError(f"the coordinate of dimension {d!r} is not strictly increasing; "
                         f"sort it first (da.sortby({d!r}))")
    mean = steps.sum() / steps.size
    deviation = np.abs(steps - mean).max() / mean
    if deviation > SPACING_RTOL:
        raise ValueError(f"the coordinate of dimension {d!r} is not uniformly spaced (relative "
                         f"deviation {deviation:.2e} > {SPACING_RTOL:g}); interpolate it "
                         "onto a uniform grid first")
    return float(mean)


def _alpha(da, alpha, dims, name):
    """Alpha for the NumPy API: a DataArray of orders is aligned to ``da``'s dims by name."""
    if not isinstance(alpha, xr.DataArray):
        return alpha
    for d in alpha.dims:
        if d not in da.dims:
            raise ValueError(f"{name} has dimension {d!r}, which the DataArray lacks")
        if d in dims:
            raise ValueError(f"{name} must not vary along the transformed dimension {d!r}")
    order = [d for d in da.dims if d in alpha.dims]
    a = alpha.transpose(*order)
    data = a.data
    shape = tuple(a.sizes[d] if d in alpha.dims else 1 for d in da.dims)
    for d in alpha.dims:
        if a.sizes[d] not in (1, da.sizes[d]):
            raise ValueError(f"{name} has {a.sizes[d]} entries along {d!r}; the DataArray "
                             f"has {da.sizes[d]}")
    return data.reshape(shape)


def _apply(func, da, alpha, dim, kwargs, *, dim_name="dim", alpha_name="alpha"):
    if not isinstance(da, xr.DataArray):
        raise TypeError(f"da must be an xarray.DataArray; got {type(da).__name__}")
    dims = _dims(da, dim, dim_name)
    axes = tuple(da.get_axis_num(d) for d in dims)
    dx = tuple(_spacing(da, d) for d in dims)
    a = _alpha(da, alpha, dims, alpha_name)
    out = func(da.data, a, axes, dx=dx, **kwargs)
    return xr.DataArray(out, dims=da.dims, coords=da.coords, name=da.name)


_PARAMETERS = """
    Parameters
    ----------
    da : xarray.DataArray
        Samples of one period on a uniform grid along ``dim``; NumPy- or dask-backed.
    alpha : float or xarray.DataArray
        The order; a DataArray gives one order per channel and must not have the
        transformed dimensions (it is matched to ``da`` by dimension name).
    dim : str or tuple of str
        Dimension(s) to transform; ``dx`` comes from their coordinates.
    kind : {"weyl", "riesz"}, optional
        As in :func:`fracfft.derivative` (every kind of the NumPy API is accepted).
    method : {"auto", "fft", "rfft"}, optional
        As in :func:`fracfft.derivative`.
    backend : str, optional
        FFT backend for this call.
    workers : int, optional
        Threads for backends that take them.

    Returns
    -------
    xarray.DataArray
        With ``da``'s dims, coords and name; lazy if ``da`` is dask-backed.

    Raises
    ------
    ValueError
        A coordinate along ``dim`` that is not increasing or not uniformly spaced (the
        message names the dimension); an unknown dimension; every error of the NumPy API.
"""


def _doc(func):
    func.__doc__ = func.__doc__.replace("{parameters}", _PARAMETERS)
    return func


@_doc
def derivative(da, alpha, dim, *, kind="weyl", method="auto", backend=None, workers=None):
    r"""Fractional derivative :math:`D^\alpha` along named dimensions, dx from coordinates.

    :math:`D^\alpha x = \mathcal F^{-1}[K_\alpha(\xi)\,\mathcal F x]` with
    :math:`\xi = 2\pi\,\mathrm{fftfreq}(n, dx)`; see :func:`fracfft.derivative`.
    {parameters}

    Examples
    --------
    >>> import numpy as np, xarray as xr, fracfft.xarray
    >>> t = np.linspace(0.0, 2 * np.pi, 64, endpoint=False)
    >>> u = xr.DataArray(np.sin(3 * t), dims="t", coords={"t": t}, name="u")
    >>> du = fracfft.xarray.derivative(u, 1.0, "t")
    >>> bool(np.allclose(du, 3 * np.cos(3 * t))), du.name
    (True, 'u')
    """
    return _apply(_derivative, da, alpha, dim,
                  dict(kind=kind, method=method, backend=backend, workers=workers))


@_doc
def derivative_adjoint(da, alpha, dim, *, kind="weyl", method="auto", backend=None,
                       workers=None):
    r"""Adjoint :math:`(D^\alpha)^*` along named dimensions, dx from coordinates.

    :math:`(D^\alpha)^* g = \mathcal F^{-1}[\overline{K_\alpha(\xi)}\,\mathcal F g]`; see
    :func:`fracfft.derivative_adjoint`.
    {parameters}
    """
    return _apply(_derivative_adjoint, da, alpha, dim,
                  dict(kind=kind, method=method, backend=backend, workers=workers))


@_doc
def derivative_dalpha(da, alpha, dim, *, kind="weyl", method="auto", backend=None,
                      workers=None):
    r"""Exact order derivative :math:`\partial_\alpha D^\alpha` along named dimensions.

    :math:`\partial_\alpha D^\alpha x = \mathcal F^{-1}[\partial_\alpha K_\alpha\,\mathcal F x]`;
    see :func:`fracfft.derivative_dalpha`.
    {parameters}
    """
    return _apply(_derivative_dalpha, da, alpha, dim,
                  dict(kind=kind, method=method, backend=backend, workers=workers))


def fractional_laplacian(da, s, dims=None, *, method="auto", backend=None, workers=None):
    r"""Fractional Laplacian :math:`(-\Delta)^s` over named dimensions, dx from coordinates.

    :math:`(-\Delta)^s x = \mathcal F^{-1}[|\xi|^{2s}\,\mathcal F x]` with :math:`|\xi|` the
    Euclidean norm of the wavenumber over ``dims``, each axis with its own spacing; see
    :func:`fracfft.fractional_laplacian`.

    Parameters
    ----------
    da : xarray.DataArray
        Samples of one period on a uniform grid along ``dims``; NumPy- or dask-backed.
    s : float or xarray.DataArray
        The power; a DataArray gives one per channel (without the dimensions of ``dims``).
    dims : str or tuple of str, optional
        Dimensions of the Laplacian; all of ``da``'s dimensions by default.
    method : {"auto", "fft", "rfft"}, optional
        As in :func:`fracfft.derivative`.
    backend : str, optional
        FFT backend for this call.
    workers : int, optional
        Threads for backends that take them.

    Returns
    -------
    xarray.DataArray
        With ``da``'s dims, coords and name; lazy if ``da`` is dask-backed.

    Raises
    ------
    ValueError
        A coordinate along ``dims`` that is not increasing or not uniformly spaced (the
        message names the dimension); an unknown dimension; every error of the NumPy API.

    Examples
    --------
    >>> import numpy as np, xarray as xr, fracfft.xarray
    >>> x = np.linspace(0.0, 2 * np.pi, 32, endpoint=False)
    >>> u = xr.DataArray(np.cos(2 * x)[:, None] * np.cos(x)[None, :], dims=("x", "y"),
    ...                  coords={"x": x, "y": x})
    >>> lap = fracfft.xarray.fractional_laplacian(u, 1.0)
    >>> bool(np.allclose(lap, 5 * u))
    True
    """
    return _apply(_fractional_laplacian, da, s, dims,
                  dict(method=method, backend=backend, workers=workers), dim_name="dims",
                  alpha_name="s")
