r"""fracfft: spectral fractional derivatives with exact adjoints and alpha-gradients.

On a uniform periodic grid with wavenumbers ``xi = 2*pi*fftfreq(n, dx)``,

.. math:: D^\alpha x = \mathcal F^{-1}\left[K_\alpha(\xi)\,\mathcal F x\right],

.. math:: K_\alpha(\xi) = (i\xi)^\alpha \ \text{(weyl)} \quad\text{or}\quad
          -|\xi|^\alpha \ \text{(riesz)}.

The NumPy API lives here; the PyTorch bridge is :mod:`fracfft.torch`. Importing this package
imports neither torch nor numba and compiles nothing.
"""

from .causal import weights
from .derivative import derivative, derivative_adjoint, derivative_dalpha, fractional_laplacian
from .fft._registry import get_fft_backend, set_fft_backend
from .symbols import set_symbol_cache, symbol, symbol_cache_info, wavenumbers

__version__ = "0.1.0"

__all__ = [
    "derivative",
    "derivative_adjoint",
    "derivative_dalpha",
    "fractional_laplacian",
    "get_fft_backend",
    "set_fft_backend",
    "set_symbol_cache",
    "symbol",
    "symbol_cache_info",
    "wavenumbers",
    "weights",
]
