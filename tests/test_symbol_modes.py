"""Symbol modes of the core: adjoints and first and second alpha-derivatives (SPEC §1).

The second derivative feeds the double backward of the torch bridge; it is checked against an
independent closed form (NumPy's complex power and log) and against central differences of the
first derivative.
"""

import numpy as np
import pytest

from fracfft.symbols import MODES, grid_symbol

EPS = np.finfo(np.float64).eps


def _sym(shape, axes, alpha, kind, mode, real=False, dxs=None):
    ns = tuple(shape[a] for a in axes)
    return grid_symbol(len(shape), axes, ns, dxs or (1.0,) * len(axes), real, alpha, kind, mode)


@pytest.mark.parametrize("n", [7, 8])
@pytest.mark.parametrize("alpha", [-0.6, 0.5, 1.3, 2.0])
def test_weyl_closed_form_off_nyquist(n, alpha):
    xi = 2 * np.pi * np.fft.fftfreq(n, 0.5)
    nz = xi != 0
    if n % 2 == 0:
        nz[n // 2] = False  # the Nyquist bin follows its own rule, checked below
    ixi = 1j * xi[nz]
    k = ixi**alpha
    for order, expected in ((0, k), (1, k * np.log(ixi)), (2, k * np.log(ixi) ** 2)):
        mode = ("forward", "dalpha", "dalpha2")[order]
        got = _sym((n,), (0,), alpha, "weyl", mode, dxs=(0.5,))
        np.testing.assert_allclose(got[nz], expected, rtol=20 * EPS, atol=20 * EPS)
        if order:
            assert got[0] == 0  # zero mode of every derivative
        if n % 2 == 0:
            # Nyquist: the real part of the principal value, so its derivatives are too.
            full = (1j * xi[n // 2]) ** alpha * np.log(1j * xi[n // 2]) ** order
            assert got[n // 2] == pytest.approx(full.real, rel=20 * EPS, abs=20 * EPS)


@pytest.mark.parametrize("kind", ["weyl", "riesz"])
@pytest.mark.parametrize("shape,axes,real", [((9,), (0,), False), ((6, 8), (0, 1), False),
                                             ((5, 6), (0, 1), True), ((4, 7, 3), (2, 0), False)])
@pytest.mark.parametrize("alpha", [0.4, 1.7])
def test_second_derivative_is_the_derivative_of_the_first(kind, shape, axes, real, alpha):
    h = 1e-4
    d2 = _sym(shape, axes, alpha, kind, "dalpha2", real)
    fd = (_sym(shape, axes, alpha + h, kind, "dalpha", real)
          - _sym(shape, axes, alpha - h, kind, "dalpha", real)) / (2 * h)
    # Central difference: truncation h**2 |d4K| / 6 and round-off eps / h, both far below 1e-6.
    assert np.linalg.norm(d2 - fd) <= 1e-6 * np.linalg.norm(d2)
    d1 = _sym(shape, axes, alpha, kind, "dalpha", real)
    fd1 = (_sym(shape, axes, alpha + h, kind, "forward", real)
           - _sym(shape, axes, alpha - h, kind, "forward", real)) / (2 * h)
    assert np.linalg.norm(d1 - fd1) <= 1e-6 * np.linalg.norm(d1)


@pytest.mark.parametrize("kind", ["weyl", "riesz"])
def test_adjoint_modes_are_conjugates(kind):
    alpha = np.array([0.3, 1.1]).reshape(2, 1, 1)
    for name, adjoint in (("forward", "adjoint"), ("dalpha", "dalpha_adjoint"),
                          ("dalpha2", "dalpha2_adjoint")):
        base = _sym((2, 6, 5), (1, 2), alpha, kind, name)
        adj = _sym((2, 6, 5), (1, 2), alpha, kind, adjoint)
        np.testing.assert_array_equal(adj, np.conj(base))
    k, dk = _sym((2, 6, 5), (1, 2), alpha, kind, "both")
    np.testing.assert_array_equal(k, _sym((2, 6, 5), (1, 2), alpha, kind, "forward"))
    np.testing.assert_array_equal(dk, _sym((2, 6, 5), (1, 2), alpha, kind, "dalpha"))


def test_every_mode_is_listed_and_unknown_modes_raise():
    assert set(MODES) == {"forward", "adjoint", "dalpha", "dalpha_adjoint", "dalpha2",
                          "dalpha2_adjoint"}
    with pytest.raises(ValueError, match="mode"):
        _sym((8,), (0,), 0.5, "weyl", "dalpha3")
