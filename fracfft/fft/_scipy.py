"""Adapters for libraries with scipy.fft's interface: scipy.fft itself, mkl_fft and pyFFTW.

An adapter has ``NAME``, ``EXTRA`` (the pip extra that installs its library), ``load()`` and
``c2c / r2c / c2r`` with the semantics of ``scipy.fft.fftn / ifftn / rfftn / irfftn``.
"""

import importlib


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

    def load(self):
        """Import the library; raises ImportError where it is missing."""
        if self._fft is None:
            fft = importlib.import_module(self._module)
            if self._setup is not None:
                self._setup(fft)
            self._fft = fft

    def _call(self, one_d, n_d, a, s, axes, norm, workers):
        # The 1-D entry points skip the n-D argument handling: it dominates small transforms.
        if len(axes) == 1:
            n = None if s is None else s[0]
            return getattr(self._fft, one_d)(a, n=n, axis=axes[0], norm=norm, workers=workers)
        return getattr(self._fft, n_d)(a, s=s, axes=axes, norm=norm, workers=workers)

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


def _enable_fftw_cache(_):
    # pyFFTW plans are expensive; its interface cache keeps them across calls.
    importlib.import_module("pyfftw.interfaces.cache").enable()


SCIPY = ScipyLikeAdapter("scipy", None, "scipy.fft")
MKL = ScipyLikeAdapter("mkl", "mkl", "mkl_fft.interfaces.scipy_fft")
FFTW = ScipyLikeAdapter("fftw", "fftw", "pyfftw.interfaces.scipy_fft", _enable_fftw_cache)
