"""Adapters for libraries with scipy.fft's interface: scipy.fft itself, mkl_fft and pyFFTW.

An adapter has ``NAME``, ``EXTRA`` (the pip extra that installs its library), ``load()`` and
``c2c / r2c / c2r`` with the semantics of ``scipy.fft.fftn / ifftn / rfftn / irfftn``.
"""

import importlib

import numpy as np

_LONG = (np.dtype(np.longdouble), np.dtype(np.clongdouble))


class ScipyLikeAdapter:
    """Adapter over a module exposing ``fftn``, ``ifftn``, ``rfftn``, ``irfftn`` with ``workers``.

    Parameters
    ----------
    name : str
        Backend name in the registry.
    extra : str or None
        The fracfft pip extra that installs the library.
    module : str
        Module to import lazily on :meth:`load`.
    setup : callable, optional
        Called once with the imported module (e.g. to switch on a plan cache).
    """

    def __init__(self, name, extra, module, setup=None):
        self.NAME = name
        self.EXTRA = extra
        self._module = module
        self._setup = setup
        self._fft = None
        self._direct = None
        self._direct_for = {}
        # Only scipy.fft computes long double in long double; mkl_fft and pyFFTW's interface
        # would quietly drop to double precision (or fail), so they refuse it.
        self._refuse_long = name != "scipy"

    def load(self):
        """Import the library; raises ImportError where it is missing."""
        if self._fft is None:
            fft = importlib.import_module(self._module)
            if self._setup is not None:
                self._setup(fft)
            if self.NAME == "scipy":
                self._direct = _load_direct()
                self._direct_for = {op: getattr(fft, op) for op in ("fft", "ifft", "rfft", "irfft")}
            self._fft = fft

    def loaded(self) -> bool:
        """Return True once :meth:`load` has imported the library."""
        return self._fft is not None

    def _call(self, one_d, n_d, a, s, axes, norm, workers):
        if self._refuse_long and a.dtype in _LONG:
            raise TypeError(f"FFT backend {self.NAME!r} computes in at most double precision; "
                            f"long double ({a.dtype}) input needs 'scipy', 'numpy' or 'manual'")
        # The 1-D entry points skip the n-D argument handling: it dominates small transforms.
        if len(axes) == 1:
            fn = getattr(self._fft, one_d)
            if norm == "backward" and self._direct_stands(one_d):
                out = self._direct(one_d, a, s, axes[0], workers)
                if out is not None:
                    return out
            n = None if s is None else s[0]
            return fn(a, n=n, axis=axes[0], norm=norm, workers=workers)
        return getattr(self._fft, n_d)(a, s=s, axes=axes, norm=norm, workers=workers)

    def direct_route(self):
        """Return the direct 1-D route while it stands for scipy.fft, else None.

        The route, ``(op, a, s, axis, workers) -> array or None``, stands for scipy.fft while
        that is unpatched and no uarray backend is installed; it returns None for a call it
        does not serve (then the public route must be used).
        """
        return self._direct if self._direct_stands("rfft", "irfft") else None

    def _direct_stands(self, *ops) -> bool:
        """Tell whether the direct route stands for scipy.fft's ``ops`` now.

        Only while each is the function the route was checked against (a patched or wrapped
        scipy.fft keeps being called) and no uarray backend is installed for scipy.fft.
        """
        if self._direct is None:
            return False
        for op in ops:  # a loop, not all(genexpr): this runs on every small transform
            if getattr(self._fft, op) is not self._direct_for[op]:
                return False
        return _default_dispatch()

    def c2c(self, a, s, axes, forward, norm, workers):
        """Complex FFT over ``axes`` (``fftn`` / ``ifftn``)."""
        if forward:
            return self._call("fft", "fftn", a, s, axes, norm, workers)
        return self._call("ifft", "ifftn", a, s, axes, norm, workers)

    def r2c(self, a, s, axes, norm, workers):
        """Real-input FFT, the last of ``axes`` halved (``rfftn``)."""
        return self._call("rfft", "rfftn", a, s, axes, norm, workers)

    def c2r(self, a, s, axes, norm, workers):
        """Inverse of :meth:`r2c` (``irfftn``)."""
        return self._call("irfft", "irfftn", a, s, axes, norm, workers)


# A direct route to SciPy's pocketfft for one axis (issue 14): scipy.fft.rfft spends about
# 2.5 us of its 3 us at n = 32 in uarray dispatch and argument handling that the core's
# validated plan makes redundant. It uses SciPy internals, so it is taken only when they are
# there with the expected shape, and only while no uarray backend is installed for
# scipy.fft (``scipy.fft.set_backend`` and friends keep serving every call); anything
# unusual (other dtypes, unaligned data, padding, other norms) goes through scipy.fft.
_DOMAINS = ("numpy.scipy.fft", "numpy.scipy", "numpy")
_get_state = None
_scipy_backend = None
_default_state = None  # uarray's state, pickled, once it was found to be the default one


def _default_dispatch() -> bool:
    """Return True while scipy.fft dispatches to SciPy's own backend (no uarray backend)."""
    global _default_state
    state = _get_state()._pickle()
    if state == _default_state:  # one comparison in C in the common case (issue 14)
        return True
    globals_, locals_, _ = state
    for domain in _DOMAINS:
        entry = globals_.get(domain)
        if entry is not None:
            (backend, _, _), registered, _ = entry
            if registered or (backend is not None and backend is not _scipy_backend):
                return False
        entry = locals_.get(domain)
        if entry is not None and (entry[0] or entry[1]):
            return False
    _default_state = state  # a fresh snapshot that nothing else holds
    return True


def _load_direct():
    """Return the direct 1-D transform function, or None where SciPy's internals differ."""
    global _get_state, _scipy_backend
    try:
        from scipy._lib._uarray import get_state
        from scipy.fft._backend import _ScipyBackend
        from scipy.fft._pocketfft import pypocketfft as pfft

        _get_state, _scipy_backend = get_state, _ScipyBackend
        _default_dispatch()  # the state has the layout read above
        f64, c128 = np.dtype(np.float64), np.dtype(np.complex128)
        f32, c64 = np.dtype(np.float32), np.dtype(np.complex64)
    except Exception:  # noqa: BLE001 - any difference: keep the public route
        return None

    def direct(op, a, s, axis, workers):
        # Exactly what scipy.fft's pocketfft backend passes for a native, aligned array of
        # a floating dtype with norm="backward" ("inorm" 0 forward, 2 = 1/n inverse).
        if type(a) is not np.ndarray or not a.flags.aligned:
            return None
        dt = a.dtype
        if op == "rfft":
            if (dt is f64 or dt is f32) and (s is None or s[0] == a.shape[axis]):
                return pfft.r2c(a, (axis,), True, 0, None, workers)
        elif op == "irfft":
            if (dt is c128 or dt is c64) and s is not None and s[0] // 2 + 1 == a.shape[axis]:
                return pfft.c2r(a, (axis,), s[0], False, 2, None, workers)
        elif dt is c128 or dt is c64:
            if s is None or s[0] == a.shape[axis]:
                forward = op == "fft"
                return pfft.c2c(a, (axis,), forward, 0 if forward else 2, None, workers)
        return None

    # One check against the public route, so a SciPy that changed meaning is not used.
    try:
        x = np.arange(6.0)
        spec = fft_ref = importlib.import_module("scipy.fft").rfft(x)
        ok = (np.allclose(direct("rfft", x, None, 0, 1), fft_ref)
              and np.allclose(direct("irfft", spec, (6,), 0, 1), x)
              and np.allclose(direct("ifft", direct("fft", x + 1j, None, 0, 1), None, 0, 1),
                              x + 1j))
    except Exception:  # noqa: BLE001
        return None
    return direct if ok else None


def _enable_fftw_cache(_):
    # pyFFTW plans are expensive; its interface cache keeps them across calls.
    importlib.import_module("pyfftw.interfaces.cache").enable()


SCIPY = ScipyLikeAdapter("scipy", None, "scipy.fft")
MKL = ScipyLikeAdapter("mkl", "mkl", "mkl_fft.interfaces.scipy_fft")
FFTW = ScipyLikeAdapter("fftw", "fftw", "pyfftw.interfaces.scipy_fft", _enable_fftw_cache)
