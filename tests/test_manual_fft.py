"""The manual (Numba) FFT backend: kernels, adapter, scipy.fft backend, symbol kernel."""

import math
import warnings

import numpy as np
import pytest
import scipy.fft

from conftest import HOST_BACKENDS
from naive import crandn, dft, fft_tol, rel_err

pytestmark = pytest.mark.skipif("manual" not in HOST_BACKENDS, reason="numba not installed")

NORMS = ("backward", "ortho", "forward")
CDTYPES = (np.complex64, np.complex128)
POW2 = [2**k for k in range(1, 17)]
SMOOTH = [12, 60, 1000, 2**5 * 3**5, 2**3 * 3**3 * 5**2, 7 * 9 * 16]
PRIMES = [53, 149, 281, 397, 2011, 65537]
# Lengths with primes of 11 to 61 (generic direct passes), and just past the direct budget.
DIRECT = [11 * 13 * 4, 13 * 17 * 19, 61 * 3 * 8, 59 * 64, 11**3, 7**4 * 2, 37 * 43, 37 * 47, 67 * 4]


@pytest.fixture(scope="module")
def manual():
    from fracfft.fft import _manual

    _manual.load()
    return _manual


def relerr(got, ref):
    return rel_err(got, ref, if_zero=1.0)


def reference(x, forward, norm):
    """Exact-enough DFT in complex128: dense below 1025, scipy.fft in float64 above."""
    n = x.shape[-1]
    x = x.astype(np.complex128)
    if n <= 1024:
        y = dft(x, inverse=not forward) * (n if not forward else 1)
    else:
        y = scipy.fft.fft(x) if forward else scipy.fft.ifft(x, norm="forward")
    if norm == "ortho":
        return y / math.sqrt(n)
    if (norm == "forward") == forward:
        return y / n
    return y


def check_c2c(manual, rng, n, dtype, norm, rows=2):
    x = crandn(rng, (rows, n), dtype)
    for forward in (True, False):
        got = manual.c2c(x, None, (1,), forward, norm, 1)
        assert got.dtype == dtype and got.shape == (rows, n) and got.flags.c_contiguous
        err = relerr(got, reference(x, forward, norm))
        assert err <= fft_tol(n, dtype), (n, dtype, norm, forward, err / fft_tol(n, dtype))


@pytest.mark.parametrize("dtype", CDTYPES)
@pytest.mark.parametrize("norm", NORMS)
def test_every_length_to_64(manual, rng, dtype, norm):
    for n in range(1, 65):
        check_c2c(manual, rng, n, dtype, norm)


@pytest.mark.parametrize("dtype", CDTYPES)
@pytest.mark.parametrize("n", POW2 + SMOOTH + PRIMES + DIRECT)
def test_sizes(manual, rng, n, dtype):
    norm = NORMS[n % 3]
    check_c2c(manual, rng, n, dtype, norm, rows=1)


def test_analytic_large_power_of_two(manual):
    # Independent of any FFT library: a pure exponential transforms to one spike.
    n, m = 2**18, 12345
    x = np.exp(2j * np.pi * ((m * np.arange(n)) % n / n))  # exact angle reduction
    ref = np.zeros(n, complex)
    ref[m] = n
    assert relerr(manual.c2c(x, None, (0,), True, "backward", 1), ref) <= fft_tol(n, np.float64)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_round_trip_every_length_to_512(manual, rng, dtype):
    worst = 0.0
    for n in range(1, 513):
        x = crandn(rng, (1, n), dtype)
        y = manual.c2c(manual.c2c(x, None, (1,), True, "ortho", 1), None, (1,), False, "ortho", 1)
        worst = max(worst, relerr(y, x) / fft_tol(n, dtype))
    assert worst <= 1.0


def test_round_trip_as_tight_as_pocketfft(manual):
    # numpy's own suite checks ifft(fft(x, n), n) against x to 5 ulp (absolute, x in [0, 1)),
    # with unseeded inputs. Through Bluestein, primes from 11 to 31 reached 7 ulp; direct
    # passes stay below 3.1 here (pocketfft: 2.9).
    rng = np.random.default_rng(5)
    x = rng.random((400, 32)) + 1j * rng.random((400, 32))
    for n in range(1, 33):
        y = manual.c2c(manual.c2c(x, (n,), (1,), True, "backward", 1), None, (1,), False,
                       "backward", 1)
        ref = np.zeros((400, n), complex)
        ref[:, :min(n, 32)] = x[:, :n]
        worst = np.abs(y - ref).max() / np.spacing(1.0)
        assert worst <= 4.0, (n, worst)


def test_direct_prime_budget():
    from fracfft.fft.manual._plans import factor

    for n, radices in [(7, [7]), (11 * 13 * 17 * 4, [4, 11, 13, 17]), (61 * 12, [4, 3, 61]),
                       (37 * 43, [37, 43])]:
        got, rest = factor(n)
        assert rest == 1 and got.tolist() == radices, n
    # Past the budget (37 + 47 = 84, 13 + 17 + 53 = 83), a prime above 61, or one unsupported
    # factor among direct ones: the whole non-smooth part goes to Bluestein.
    for n, rest in [(37 * 47, 37 * 47), (67 * 4, 67), (11 * 67 * 3, 11 * 67),
                    (13 * 17 * 53, 13 * 17 * 53)]:
        assert factor(n)[1] == rest, n


def test_user_kernel_factors_as_plans():
    # c2c_1d's jitted _smooth_radices mirrors _plans.factor (it cannot call Python code); the
    # two must split every length alike, or c2c_1d takes another route than the batch kernels.
    from fracfft.fft.manual._plans import factor
    from fracfft.fft.manual._user import _smooth_radices

    lengths = list(range(1, 1200)) + [37 * 43, 37 * 47, 11 * 13 * 17 * 4, 13 * 17 * 53,
                                      61 * 61, 67 * 4, 11 * 67 * 3, 7 ** 4 * 2 * 61]
    for n in lengths:
        want, want_rest = factor(n)
        got, rest = _smooth_radices(n)
        assert (got.tolist(), int(rest)) == (want.tolist(), want_rest), n


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 15, 16, 30, 53, 64, 100, 106, 243, 1000, 1009])
def test_real_transforms(manual, rng, n, dtype):
    cdtype = np.complex64 if dtype == np.float32 else np.complex128
    x = rng.standard_normal((3, n)).astype(dtype)
    for norm in NORMS:
        X = manual.r2c(x, None, (1,), norm, 1)
        assert X.dtype == cdtype and X.shape == (3, n // 2 + 1)
        ref = scipy.fft.rfft(x.astype(np.float64), norm=norm)
        assert relerr(X, ref) <= fft_tol(n, dtype)
        back = manual.c2r(X, (n,), (1,), norm, 1)
        assert back.dtype == dtype and back.shape == x.shape
        assert relerr(back, x) <= fft_tol(n, dtype)
        # c2r against scipy on a spectrum that is not exactly Hermitian (imaginary DC/Nyquist)
        Y = crandn(rng, (3, n // 2 + 1), cdtype)
        ref = scipy.fft.irfft(Y.astype(np.complex128), n, norm=norm)
        assert relerr(manual.c2r(Y, (n,), (1,), norm, 1), ref) <= fft_tol(n, dtype)


@pytest.mark.parametrize("s", [(5, 12), (8, 7), (3, 20), (1, 1)])
def test_padding_cropping_and_axes(manual, rng, s):
    x = crandn(rng, (6, 4, 9))
    r = rng.standard_normal((6, 4, 9))
    axes = (2, 0)
    np.testing.assert_allclose(manual.c2c(x, s, axes, True, "backward", 2),
                               scipy.fft.fftn(x, s, axes), atol=1e-12)
    np.testing.assert_allclose(manual.c2c(x, s, axes, False, "ortho", 1),
                               scipy.fft.ifftn(x, s, axes, norm="ortho"), atol=1e-12)
    np.testing.assert_allclose(manual.r2c(r, s, axes, "forward", 2),
                               scipy.fft.rfftn(r, s, axes, norm="forward"), atol=1e-12)
    X = scipy.fft.rfftn(r, axes=(1, 2))
    np.testing.assert_allclose(manual.c2r(X, s, (1, 2), "backward", 3),
                               scipy.fft.irfftn(X, s, (1, 2)), atol=1e-12)
    np.testing.assert_allclose(manual.c2r(X, None, (0, 1, 2), "backward", 1),
                               scipy.fft.irfftn(X, axes=(0, 1, 2)), atol=1e-12)


def test_every_axis_and_workers(manual, rng):
    x = crandn(rng, (5, 6, 7), np.complex64)
    for ax in range(3):
        ref = scipy.fft.fft(x.astype(np.complex128), axis=ax)
        for workers in (1, 2, 8):
            got = manual.c2c(x, None, (ax,), True, "backward", workers)
            assert got.dtype == np.complex64
            assert relerr(got, ref) <= fft_tol(7, np.float32)


def test_awkward_inputs_not_modified(manual, rng):
    base = crandn(rng, (8, 33))
    views = [base[::-2, ::-1], base.T, np.asfortranarray(base), base[:, 1::3]]
    ro = base.copy()
    ro.flags.writeable = False
    views.append(ro)
    for v in views:
        before = v.copy()
        np.testing.assert_allclose(manual.c2c(v, None, (1,), True, "backward", 2),
                                   scipy.fft.fft(v, axis=1), atol=1e-12)
        np.testing.assert_allclose(manual.r2c(v.real, None, (0,), "backward", 2),
                                   scipy.fft.rfft(v.real, axis=0), atol=1e-12)
        np.testing.assert_allclose(manual.c2r(v, None, (1,), "backward", 1),
                                   scipy.fft.irfft(v, axis=1), atol=1e-12)
        np.testing.assert_array_equal(v, before)


def test_empty_batch_and_new_array(manual):
    for shape in [(0, 8), (3, 0, 8)]:
        x = np.zeros(shape, np.complex64)
        y = manual.c2c(x, None, (x.ndim - 1,), True, "backward", 2)
        assert y.shape == shape and y.dtype == np.complex64
        r = manual.r2c(x.real, None, (x.ndim - 1,), "backward", 1)
        assert r.shape == shape[:-1] + (5,) and r.dtype == np.complex64
        b = manual.c2r(r, (8,), (x.ndim - 1,), "backward", 1)
        assert b.shape == shape and b.dtype == np.float32
    x = np.ones(1, complex)
    y = manual.c2c(x, None, (0,), True, "backward", 1)
    assert y is not x and not np.shares_memory(x, y)
    with pytest.raises(ValueError):
        manual.c2c(np.ones(3, complex), (0,), (0,), True, "backward", 1)


def test_nan_propagates(manual):
    x = np.ones(16, complex)
    x[3] = np.nan
    assert np.isnan(manual.c2c(x, None, (0,), True, "backward", 1)).all()


def test_plans_cached_and_bounded():
    from fracfft.fft.manual import _plans

    a = _plans.c2c_plan(97, np.dtype(np.complex64))
    assert _plans.c2c_plan(97, np.dtype(np.complex64)) is a
    assert a[1].dtype == np.complex64 and a[2].size == 97  # Bluestein plan
    assert _plans.c2c_plan.cache_info().maxsize == 64
    # float64 twiddles, rounded once: complex64 twiddles are the correctly rounded values
    tw64 = _plans.c2c_plan(97, np.dtype(np.complex128))[1]
    np.testing.assert_array_equal(a[1], tw64.astype(np.complex64))


def test_user_njit_parallel(rng):
    import numba

    from fracfft.fft.manual import c2c_1d

    @numba.njit(parallel=True)
    def rows_fft(a, out, forward, scale):
        for i in numba.prange(a.shape[0]):
            c2c_1d(a[i], out[i], forward, scale)

    # One compilation of the user's function (complex128); smooth, direct-prime and Bluestein
    # lengths.
    for n in (16, 13, 67):
        x = crandn(rng, (4, n))
        out = np.empty_like(x)
        rows_fft(x, out, True, 1.0)
        assert relerr(out, dft(x)) <= fft_tol(n, np.float64)
        rows_fft(x, out, False, 1.0 / n)
        assert relerr(out, dft(x, inverse=True)) <= fft_tol(n, np.float64)
    # complex64 and strided 1-D views, from Python.
    x = crandn(rng, (6, 8), np.complex64)
    out = np.empty(6, np.complex64)
    c2c_1d(x[:, 3], out, True, 1.0)
    assert relerr(out, dft(x[:, 3])) <= fft_tol(6, np.float32)


def test_kernel_decorator_without_cache_location():
    # A function with no source file has no cache locator: Numba raises at decoration time,
    # the factory must fall back to cache=False silently (pytest turns warnings into errors).
    from numba import types as nt

    from fracfft.fft.manual._jit import kernel

    ns = {}
    exec("def twice(x, out):\n    for i in range(x.size):\n        out[i] = 2 * x[i]\n", ns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = kernel(lambda f, c: nt.void(c[::1], c[::1]))(ns["twice"])
    x = np.arange(3, dtype=np.complex64)
    out = np.empty_like(x)
    f(x, out)
    np.testing.assert_array_equal(out, 2 * x)


# --- scipy.fft backend --------------------------------------------------------------------


def test_scipy_backend_runs_manual(monkeypatch, rng):
    import fracfft.fft
    from fracfft.fft import _manual

    calls = []
    for op in ("c2c", "r2c", "c2r"):
        real = getattr(_manual, op)

        def counted(*args, _real=real, _op=op, **kw):
            calls.append(_op)
            return _real(*args, **kw)

        monkeypatch.setattr(_manual, op, counted)
    x = rng.standard_normal((4, 10))
    xc = crandn(rng, (4, 10), np.complex64)
    backend = fracfft.fft.manual_backend
    with scipy.fft.set_backend(backend, only=True):
        got = {
            "fft": scipy.fft.fft(xc, 12, axis=0, norm="ortho"),
            "ifft": scipy.fft.ifft(xc),
            "rfft": scipy.fft.rfft(x.astype(np.float16)),
            "irfft": scipy.fft.irfft(xc, 9, workers=-1),
            "fft2": scipy.fft.fft2(np.arange(20).reshape(4, 5)),
            "ifft2": scipy.fft.ifft2(xc, s=(3, 3)),
            "rfft2": scipy.fft.rfft2(x > 0),
            "irfft2": scipy.fft.irfft2(xc),
            "fftn": scipy.fft.fftn(x, axes=(0,), norm="forward"),
            "ifftn": scipy.fft.ifftn(x),
            "rfftn": scipy.fft.rfftn(x, s=(6,)),
            "irfftn": scipy.fft.irfftn(xc, workers=2),
        }
        with pytest.raises(TypeError):
            scipy.fft.rfft(xc)
    assert len(calls) == 12
    ref = {
        "fft": scipy.fft.fft(xc, 12, axis=0, norm="ortho"),
        "ifft": scipy.fft.ifft(xc),
        "rfft": scipy.fft.rfft(x.astype(np.float16)),
        "irfft": scipy.fft.irfft(xc, 9),
        "fft2": scipy.fft.fft2(np.arange(20).reshape(4, 5)),
        "ifft2": scipy.fft.ifft2(xc, s=(3, 3)),
        "rfft2": scipy.fft.rfft2(x > 0),
        "irfft2": scipy.fft.irfft2(xc),
        "fftn": scipy.fft.fftn(x, axes=(0,), norm="forward"),
        "ifftn": scipy.fft.ifftn(x),
        "rfftn": scipy.fft.rfftn(x, s=(6,)),
        "irfftn": scipy.fft.irfftn(xc),
    }
    for name, value in got.items():
        assert value.dtype == ref[name].dtype, name
        assert value.shape == ref[name].shape, name
        np.testing.assert_allclose(value, ref[name], rtol=1e-5, atol=1e-5, err_msg=name)


def test_scipy_backend_declines_the_rest():
    import fracfft.fft

    with scipy.fft.set_backend(fracfft.fft.manual_backend):
        # Not handled here: uarray falls back to SciPy's own implementation.
        got = scipy.fft.dct(np.arange(4.0))
    np.testing.assert_allclose(got, scipy.fft.dct(np.arange(4.0)))


# --- fused symbol kernel ------------------------------------------------------------------


def reference_symbol(n, alpha, dx, kind, mode, half):
    """The symbol as fracfft.symbols defines it (the one implementation of the rules)."""
    from fracfft.symbols import grid_symbol

    return grid_symbol(1, (0,), (n,), (dx,), half, float(alpha), ("weyl", "riesz")[kind],
                       ("forward", "adjoint", "dalpha")[mode])


@pytest.mark.parametrize("dtype", CDTYPES)
def test_multiply_symbol(rng, dtype):
    from fracfft._device import multiply_symbol

    for n, half, rows, alphas in [(16, False, 3, [0.5]), (17, False, 2, [1.3, -0.7]),
                                  (16, True, 1, [2.0]), (15, True, 4, [0.0, 0.25, 1.0, -1.5]),
                                  (64, False, 1, [0.0]), (10, True, 3, [0.0])]:
        m = n // 2 + 1 if half else n
        for kind in (0, 1):
            for mode in (0, 1, 2):
                spec = crandn(rng, (rows, m), dtype)
                expect = spec.copy()
                for r in range(rows):
                    a = alphas[r] if len(alphas) > 1 else alphas[0]
                    expect[r] *= reference_symbol(n, a, 0.3, kind, mode, half)
                got = multiply_symbol(spec, np.array(alphas), n, 0.3, kind, mode, half, 2)
                assert got is spec
                np.testing.assert_allclose(spec, expect, rtol=4 * np.finfo(dtype).eps, atol=0,
                                           err_msg=f"{n} {half} {kind} {mode} {alphas}")
    with pytest.raises(ValueError):
        multiply_symbol(np.zeros((2, 5), complex), np.ones(1), 16, 1.0, 0, 0, False, 1)


def test_bluestein_fast_length():
    from fracfft.fft.manual._plans import factor, fast_length

    def smooth(m):
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        return m == 1

    for target in list(range(1, 2000)) + [131073, 4021, 2**20 + 1]:
        got = fast_length(target)
        assert got >= target and smooth(got), target
        assert not any(smooth(m) for m in range(target, got)), target  # the smallest
        assert factor(got)[1] == 1
