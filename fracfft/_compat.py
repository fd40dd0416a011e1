"""Differences between the dependency versions fracfft supports, in one place.

The floors declared in ``setup.cfg`` (numpy 1.25, scipy 1.11.1, numba 0.59, torch 2.1) and the
newest releases differ in a few names; every such difference is bridged here, so the rest of
the package is written against one API. CI runs the whole test suite on the floors of numpy,
scipy and numba (``.ci/run``). Importing this module imports neither torch nor numba: the torch
helpers take the ``torch`` module from their caller.
"""

from __future__ import annotations

import functools
import importlib

import numpy as np
from numpy.exceptions import AxisError  # numpy >= 1.25, the declared floor

try:  # numpy >= 2.0
    from numpy.lib.array_utils import normalize_axis_index
except ImportError:  # numpy 1.25, 1.26 (numpy.core is deprecated from 2.0 on: ask it last)
    from numpy.core.multiarray import normalize_axis_index

__all__ = [
    "AxisError",
    "ignoring_fp_errors",
    "normalize_axis_index",
    "not_compiling",
    "torch_has_custom_op",
    "torch_is_compiling",
]


def _errstate_internals():
    """NumPy 2's error-state ContextVar and its extobj maker, or None where they differ."""
    try:
        from numpy._core.umath import _extobj_contextvar, _make_extobj

        _make_extobj(invalid="ignore", over="ignore")  # the signature errstate itself uses
    except Exception:  # noqa: BLE001 - any difference: the public errstate serves
        return None
    return _extobj_contextvar, _make_extobj


def ignoring_fp_errors(func):
    """Decorate ``func`` to run with NumPy's invalid and overflow errors ignored.

    Non-finite input is data, not an error (SPEC §4): ``inf * 0`` gives NaN silently; the
    caller's other settings (divide, under, the callback) are kept. On NumPy 2 this is what
    ``np.errstate(invalid="ignore", over="ignore")`` does as a decorator (set NumPy's error-state
    ContextVar, reset it after), with the derived state remembered for the caller's last state:
    ``errstate`` builds it again on every call, which was a measurable part of the smallest
    calls (issue 14). Elsewhere a ``with`` block serves (NumPy 1's decorator keeps its state
    on the shared instance, which threads would race on).
    """
    internals = _errstate_internals() if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else None
    if internals is None:
        @functools.wraps(func)
        def inner(*args, **kwargs):
            with np.errstate(invalid="ignore", over="ignore"):
                return func(*args, **kwargs)

        return inner

    state, make = internals
    last = [(None, None)]  # (caller's state, derived state): one tuple, replaced atomically

    @functools.wraps(func)
    def quiet(*args, **kwargs):
        current = state.get()
        seen, derived = last[0]
        if seen is not current:  # the memo holds `seen`, so its identity is never reused
            derived = make(invalid="ignore", over="ignore")
            last[0] = (current, derived)
        token = state.set(derived)
        try:
            return func(*args, **kwargs)
        finally:
            state.reset(token)

    return quiet


def torch_has_custom_op(torch) -> bool:
    """Tell whether ``torch.library.custom_op`` exists (torch >= 2.4).

    Parameters
    ----------
    torch : module
        The imported ``torch`` module.

    Returns
    -------
    bool
        True where fracfft can register its ``torch.compile`` custom ops.

    Examples
    --------
    >>> import types
    >>> torch_has_custom_op(types.SimpleNamespace(library=types.SimpleNamespace()))
    False
    """
    return callable(getattr(getattr(torch, "library", None), "custom_op", None))


def torch_is_compiling(torch):
    """Return torch's "is ``torch.compile`` tracing this call?" function, on any torch >= 2.1.

    ``torch.compiler.is_compiling`` exists from torch 2.3 on; torch 2.1 and 2.2 have the same
    function as ``torch._dynamo.external_utils.is_compiling``. Without either, nothing can be
    compiling, and the returned function always says False.

    Parameters
    ----------
    torch : module
        The imported ``torch`` module.

    Returns
    -------
    callable
        A function of no arguments returning a bool.

    Examples
    --------
    >>> import types
    >>> torch_is_compiling(types.SimpleNamespace())()
    False
    """
    fn = getattr(getattr(torch, "compiler", None), "is_compiling", None)
    if callable(fn):
        return fn
    name = getattr(torch, "__name__", None)
    if name is None:
        return not_compiling
    try:
        external_utils = importlib.import_module(name + "._dynamo.external_utils")
    except ImportError:
        return not_compiling
    fn = getattr(external_utils, "is_compiling", None)
    return fn if callable(fn) else not_compiling


def not_compiling() -> bool:
    """Return False: the "is compiling" answer where nothing can be compiling.

    Returns
    -------
    bool
        Always False.

    Examples
    --------
    >>> not_compiling()
    False
    """
    return False
