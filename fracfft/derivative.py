r"""Spectral fractional derivatives on NumPy arrays.

All four functions compute :math:`\mathcal F^{-1}[S(\xi)\,\mathcal F x]` on a periodic grid
with :math:`\xi = 2\pi\,\mathrm{fftfreq}(n, dx)`; they differ only in the symbol :math:`S`
(see :mod:`fracfft.symbols` for the zero-mode and Nyquist rules). The causal kinds
``"gl"``, ``"gl2"`` and ``"caputo"`` are full-history convolutions
:math:`y_n = \sum_{k\le n} c_k u_{n-k}` (weights :func:`fracfft.weights`), computed the same
way on a grid zero-padded to at least :math:`2N - 1` (:mod:`fracfft.causal`).
"""

from __future__ import annotations

from . import _core, _validate

__all__ = ["derivative", "derivative_adjoint", "derivative_dalpha", "fractional_laplacian"]

_PARAMETERS = r"""
    Parameters
    ----------
    {arg} : array_like
        Samples on a uniform grid: one period (weyl, riesz) or a record that starts at its
        first sample with zero history (gl, gl2, caputo). Real input gives a real result of the same
        floating dtype (float32 stays float32; integers and bool compute in float64, float16
        in float32); complex input gives a complex result. GPU arrays give GPU arrays.
    alpha : float or array_like
        The order, any finite real number (``alpha < 0``: fractional integral, of the
        mean-free part for the periodic kinds); ``0 <= alpha <= 1`` for caputo.
        An array gives one order per channel: it must broadcast against
        ``{arg}`` and have size 1 along the transformed axes.
    axis : int or tuple of int, optional
        Axis or axes to transform. Over several axes weyl and the causal kinds are the
        composition of the 1-D operators and riesz is isotropic (Euclidean ``|xi|``).
    kind : {"weyl", "riesz", "gl", "gl2", "caputo"}, optional
        ``"weyl"``: :math:`K = (i\xi)^\alpha`; ``"riesz"``: :math:`K = -|\xi|^\alpha`;
        ``"gl"``: Grünwald–Letnikov, weights of :math:`h^{-\alpha}(1 - z)^\alpha`
        (order 1 in ``dx``); ``"gl2"``: Lubich's BDF2 quadrature,
        :math:`h^{-\alpha}((3 - 4z + z^2)/2)^\alpha` (order 2 when ``x(t0) = 0``);
        ``"caputo"``: the L1 scheme on ``x - x[0]`` (order :math:`2 - \alpha`).
    dx : float or tuple of float, optional
        Grid spacing, one value or one per axis.
    method : {"auto", "fft", "rfft"}, optional
        ``"auto"`` uses rfft for real input and fft for complex input; both give the same
        result for real input.
    backend : str, optional
        FFT backend for this call (default: :func:`fracfft.get_fft_backend`).
    workers : int, optional
        Threads for backends that take them, with :mod:`scipy.fft`'s meaning.
"""

_RAISES = r"""
    Raises
    ------
    ValueError
        Non-finite ``alpha``; caputo ``alpha`` outside ``[0, 1]``; ``dx`` not positive and
        finite or of the wrong length; unknown ``kind``, ``method`` or ``backend``; repeated
        axes; a transformed axis of length 0; complex input with ``method="rfft"``.
    numpy.exceptions.AxisError
        0-d input or an axis out of range.
    TypeError
        Object, string or other non-numeric dtype.
"""


def _is_dask(x) -> bool:
    # By module name: dask is imported only when one of its arrays arrives (SPEC §6).
    return type(x).__module__.startswith("dask")


def _lazy(func, x, alpha, axis, **kwargs):
    from . import _dask

    laplacian = func is fractional_laplacian
    return _dask.apply(func, x, alpha, axis, kwargs, axis_default_all=laplacian,
                       alpha_name="s" if laplacian else "alpha")


def _doc(func):
    params = _PARAMETERS.replace("{arg}", func.__code__.co_varnames[0])
    func.__doc__ = func.__doc__.replace("{parameters}", params).replace("{raises}", _RAISES)
    return func


@_doc
def derivative(x, alpha, axis=-1, *, kind="weyl", dx=1.0, method="auto", backend=None,
               workers=None):
    r"""Fractional derivative :math:`D^\alpha x = \mathcal F^{-1}[K_\alpha(\xi)\,\mathcal F x]`.

    Weyl: :math:`K_\alpha(\xi) = (i\xi)^\alpha`, so
    :math:`D^\alpha \sin(kt) = k^\alpha \sin(kt + \alpha\pi/2)`; riesz:
    :math:`K_\alpha(\xi) = -|\xi|^\alpha`, so :math:`D^\alpha \sin(kt) = -k^\alpha\sin(kt)`.
    The mean is removed for ``alpha != 0``; ``alpha == 0`` is the identity. Causal kinds:
    :math:`y_n = \sum_{k=0}^{n} c_k u_{n-k}` with the weights :math:`c_k` of
    :func:`fracfft.weights` (``u = x``, or ``x - x[0]`` for caputo); gl and gl2 satisfy
    :math:`D^a D^b = D^{a+b}` exactly, so ``-alpha`` inverts ``alpha``.
    {parameters}

    Returns
    -------
    numpy.ndarray
        A new array with the shape of ``x``.
    {raises}

    Examples
    --------
    >>> import numpy as np, fracfft
    >>> t = 2 * np.pi * np.arange(64) / 64
    >>> y = fracfft.derivative(np.sin(3 * t), 0.5, dx=t[1])
    >>> bool(np.allclose(y, 3**0.5 * np.sin(3 * t + np.pi / 4)))
    True

    Causal: the Caputo derivative of order 1/2 of ``t`` is ``2 sqrt(t/pi)``, and
    Grünwald–Letnikov differencing is undone exactly by the opposite order:

    >>> t = np.linspace(0.0, 1.0, 101)
    >>> y = fracfft.derivative(t, 0.5, kind="caputo", dx=0.01)
    >>> bool(np.allclose(y, 2 * np.sqrt(t / np.pi)))
    True
    >>> x = np.random.default_rng(0).standard_normal(1000)
    >>> z = fracfft.derivative(fracfft.derivative(x, 0.4, kind="gl"), -0.4, kind="gl")
    >>> bool(np.allclose(z, x, rtol=0, atol=1e-12))
    True
    """
    if _is_dask(x):
        return _lazy(derivative, x, alpha, axis, kind=kind, dx=dx, method=method,
                     backend=backend, workers=workers)
    return _core.apply(x, alpha, axis, kind=_validate.normalize_kind(kind), dx=dx, method=method,
                       backend=backend, workers=workers, mode="forward")


@_doc
def derivative_adjoint(g, alpha, axis=-1, *, kind="weyl", dx=1.0, method="auto", backend=None,
                       workers=None):
    r"""Adjoint :math:`(D^\alpha)^* g = \mathcal F^{-1}[\overline{K_\alpha(\xi)}\,\mathcal F g]`.

    It satisfies :math:`\langle D^\alpha f, g\rangle = \langle f, (D^\alpha)^* g\rangle` with
    :math:`\langle u, v\rangle = \sum u\bar v`. Weyl: :math:`\bar K = (-i\xi)^\alpha`; riesz is
    self-adjoint; causal kinds: the transpose :math:`g_m \mapsto \sum_{n\ge m} c_{n-m} g_n`
    (caputo then subtracts the sum of that result from its first element). This is the
    gradient of :math:`D^\alpha` with respect to its input.
    {parameters}

    Returns
    -------
    numpy.ndarray
        A new array with the shape of ``g``.
    {raises}

    Examples
    --------
    >>> import numpy as np, fracfft
    >>> rng = np.random.default_rng(0)
    >>> f, g = rng.standard_normal(64), rng.standard_normal(64)
    >>> lhs = np.dot(fracfft.derivative(f, 0.5), g)
    >>> rhs = np.dot(f, fracfft.derivative_adjoint(g, 0.5))
    >>> bool(np.isclose(lhs, rhs))
    True
    """
    if _is_dask(g):
        return _lazy(derivative_adjoint, g, alpha, axis, kind=kind, dx=dx, method=method,
                     backend=backend, workers=workers)
    return _core.apply(g, alpha, axis, kind=_validate.normalize_kind(kind), dx=dx, method=method,
                       backend=backend, workers=workers, mode="adjoint")


@_doc
def derivative_dalpha(x, alpha, axis=-1, *, kind="weyl", dx=1.0, method="auto", backend=None,
                      workers=None):
    r"""Exact derivative with respect to the order, :math:`\partial_\alpha D^\alpha x`.

    :math:`\partial_\alpha D^\alpha x = \mathcal F^{-1}[\partial_\alpha K_\alpha\,\mathcal F x]`
    with :math:`\partial_\alpha K = K\,(\log|\xi| + i\,\mathrm{sign}(\xi)\pi/2)` (weyl; the
    product rule over several axes; the Nyquist bin the derivative of its real symbol) and
    :math:`-|\xi|^\alpha\log|\xi|` (riesz), ``0`` at the zero mode; causal kinds: the
    convolution with the exact :math:`\partial_\alpha c_k` (:mod:`fracfft.causal`). No finite
    differences.
    {parameters}

    Returns
    -------
    numpy.ndarray
        A new array with the shape of ``x``.
    {raises}

    Examples
    --------
    >>> import numpy as np, fracfft
    >>> t = 2 * np.pi * np.arange(32) / 32
    >>> d = fracfft.derivative_dalpha(np.sin(2 * t), 1.0, dx=t[1])
    >>> exact = 2 * np.log(2) * np.cos(2 * t) - np.pi / 2 * 2 * np.sin(2 * t)
    >>> bool(np.allclose(d, exact))
    True
    """
    if _is_dask(x):
        return _lazy(derivative_dalpha, x, alpha, axis, kind=kind, dx=dx, method=method,
                     backend=backend, workers=workers)
    return _core.apply(x, alpha, axis, kind=_validate.normalize_kind(kind), dx=dx, method=method,
                       backend=backend, workers=workers, mode="dalpha")


def fractional_laplacian(x, s, axes=None, *, dx=1.0, method="auto", backend=None, workers=None):
    r"""Fractional Laplacian :math:`(-\Delta)^s x = \mathcal F^{-1}[|\xi|^{2s}\,\mathcal F x]`.

    :math:`|\xi|` is the Euclidean norm of the wavenumber over ``axes``. The mean is removed
    for ``s != 0``; ``s == 0`` is the identity. For ``s != 0`` it equals
    ``-derivative(x, 2*s, axes, kind="riesz")``.

    Parameters
    ----------
    x : array_like
        Samples on a uniform periodic grid (dtype rules as in :func:`derivative`).
    s : float or array_like
        The power, any finite real number; an array gives one per channel (size 1 along
        ``axes``).
    axes : int or tuple of int, optional
        Axes of the Laplacian; all axes by default.
    dx : float or tuple of float, optional
        Grid spacing, one value or one per axis.
    method : {"auto", "fft", "rfft"}, optional
        As in :func:`derivative`.
    backend : str, optional
        FFT backend for this call.
    workers : int, optional
        Threads for backends that take them.

    Returns
    -------
    numpy.ndarray
        A new array with the shape of ``x``.

    Raises
    ------
    ValueError, numpy.exceptions.AxisError, TypeError
        As in :func:`derivative`; errors about the order name ``s``.

    Examples
    --------
    >>> import numpy as np, fracfft
    >>> t = 2 * np.pi * np.arange(32) / 32
    >>> u = np.sin(3 * t)[:, None] * np.cos(4 * t)[None, :]
    >>> v = fracfft.fractional_laplacian(u, 0.5, dx=t[1])   # |xi| = 5
    >>> bool(np.allclose(v, 5 * u))
    True
    """
    if _is_dask(x):
        return _lazy(fractional_laplacian, x, s, axes, dx=dx, method=method, backend=backend,
                     workers=workers)
    x = _validate.as_float_array(x)
    if axes is None:
        axes = tuple(range(x.ndim)) or 0  # 0-d input: let the core raise AxisError
    return _core.apply(x, s, axes, kind="laplacian", dx=dx, method=method, backend=backend,
                       workers=workers, mode="forward", alpha_name="s", alpha_scale=2.0)
