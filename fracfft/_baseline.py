"""The by-hand baseline fracfft is measured against: the operator in ``torch.fft`` + autograd.

Shared by ``python -m fracfft`` and ``benchmarks/``. It takes the torch module as an argument,
so importing it imports nothing (only :mod:`fracfft.torch` and :mod:`fracfft._dlpack` import
torch).
"""

import math


def native_weyl(torch, x, alpha, dx=1.0):
    r"""Weyl derivative along the last dim, written with ``torch.fft`` and autograd alone.

    ``irfft(rfft(x) * K, n)`` with :math:`K = (i\xi)^\alpha` built from ``alpha`` (a tensor
    that may require grad) by differentiable torch ops, with fracfft's symbol rules (zero mode
    0, the Nyquist bin the real part), so the values agree; its gradients come from
    differentiating the FFT graph and :math:`|\xi|^\alpha`.

    Parameters
    ----------
    torch : module
        The ``torch`` module.
    x : torch.Tensor
        Real input, transformed along its last dim.
    alpha : torch.Tensor or float
        The order.
    dx : float, optional
        Grid spacing.

    Returns
    -------
    torch.Tensor
        The derivative, real, of ``x``'s shape.
    """
    n = x.shape[-1]
    xi = 2 * math.pi * torch.fft.rfftfreq(n, d=dx, dtype=x.dtype)
    nonzero = xi > 0
    logxi = torch.log(torch.where(nonzero, xi, torch.ones_like(xi)))
    mag = torch.where(nonzero, torch.exp(alpha * logxi), torch.zeros_like(xi))
    phase = (math.pi / 2) * alpha * torch.ones_like(xi)
    if n % 2 == 0:  # Nyquist bin: keep the real part of the principal value
        nyq = torch.zeros_like(nonzero)
        nyq[-1] = True
        mag = torch.where(nyq, mag * torch.cos(phase), mag)
        phase = torch.where(nyq, torch.zeros_like(phase), phase)
    return torch.fft.irfft(torch.fft.rfft(x) * torch.polar(mag, phase), n)
