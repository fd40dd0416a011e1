"""Run under ``mpiexec -n P``: fracfft.mpi against serial fracfft on the gathered grid.

Every rank builds the same global arrays from one seed, so "the gathered result equals the
serial result" is checked as "every rank's block equals its slice of the serial result",
with the worst error reduced over all ranks. Any failure aborts the whole job (a rank that
raised alone would leave the others waiting in a collective).
"""

import sys
import traceback

import numpy as np
from mpi4py import MPI
from mpi4py_fft import PFFT, DistArray, newDistArray

import fracfft
import fracfft.mpi as fm

COMM = MPI.COMM_WORLD
RTOL = 1e-12


def layouts(size):
    """(name, shape, PFFT keywords) of the decompositions to test on ``size`` ranks."""
    out = [("slab0", (18, 14, 10), dict(grid=(-1,))),
           ("slab1", (15, 12, 9), dict(grid=(1, -1))),
           ("slab0-r2c-axis1", (16, 11, 10), dict(grid=(-1,), axes=(2, 0, 1))),
           ("slab0-collapse", (18, 14, 10), dict(grid=(-1,), collapse=True))]
    if size == 4:
        out.append(("pencil22", (18, 14, 10), dict(grid=(2, 2))))
        out.append(("pencil22-odd", (17, 13, 9), dict(grid=(2, 2))))
    return out


def gmax(x):
    return COMM.allreduce(float(x), op=MPI.MAX)


def gsum(x):
    return COMM.allreduce(x, op=MPI.SUM)


def check_close(got, ref, what):
    err = gmax(np.abs(np.asarray(got) - ref).max() if ref.size else 0.0)
    scale = gmax(np.abs(ref).max() if ref.size else 0.0)
    assert err <= RTOL * scale, f"{what}: error {err:.3e} vs scale {scale:.3e}"


def run_layout(name, shape, kw, dtype):
    fft = PFFT(COMM, shape, dtype=dtype, **kw)
    rng = np.random.default_rng(11)
    big_u = rng.standard_normal(shape)
    big_g = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        big_u = big_u + 1j * rng.standard_normal(shape)
        big_g = big_g + 1j * rng.standard_normal(shape)
    sl = fft.local_slice(False)
    u = newDistArray(fft, False)
    u[:] = big_u[sl]
    g = np.array(big_g[sl])  # a plain ndarray block works too
    before = np.array(u, copy=True)
    dx = (0.3, 0.7, 1.1)
    for kind in ("weyl", "riesz"):
        for axis in (-1, 0, (0, 2), (0, 1, 2)):
            dxa = dx[0] if isinstance(axis, int) else dx[: len(axis)]
            for fn, ref_fn in ((fm.derivative, fracfft.derivative),
                               (fm.derivative_adjoint, fracfft.derivative_adjoint),
                               (fm.derivative_dalpha, fracfft.derivative_dalpha)):
                for alpha in (0.6, 1.0, -0.4):
                    out = fn(u, alpha, fft, axis, kind=kind, dx=dxa)
                    assert isinstance(out, DistArray) and out.shape == u.shape
                    assert out.dtype == u.dtype
                    ref = ref_fn(big_u, alpha, axis, kind=kind, dx=dxa)[sl]
                    check_close(out, ref, f"{name} {dtype} {fn.__name__} {kind} {axis} {alpha}")
                out = fn(g, 0.6, fft, axis, kind=kind, dx=dxa)
                assert type(out) is np.ndarray
            # <D u, g> = <u, D* g>, inner products summed over all ranks.
            du = fm.derivative(u, 0.7, fft, axis, kind=kind, dx=dxa)
            dsg = fm.derivative_adjoint(g, 0.7, fft, axis, kind=kind, dx=dxa)
            left = gsum(complex(np.vdot(g, du)))
            right = gsum(complex(np.vdot(dsg, u)))
            norm = np.sqrt(gsum(float(np.vdot(du, du).real)) * gsum(float(np.vdot(g, g).real)))
            assert abs(left - right) <= RTOL * norm, f"{name} adjoint {kind} {axis}"
            # alpha_gradient: the same float on every rank, equal to the serial value.
            grad = fm.alpha_gradient(u, g, 0.7, fft, axis, kind=kind, dx=dxa)
            assert isinstance(grad, float)
            assert len(set(COMM.allgather(grad))) == 1, f"{name} alpha_gradient differs"
            dref = fracfft.derivative_dalpha(big_u, 0.7, axis, kind=kind, dx=dxa)
            ref = float(np.sum(dref * np.conj(big_g)).real)
            scale = float(np.abs(dref).sum() * np.abs(big_g).max())
            assert abs(grad - ref) <= RTOL * scale, f"{name} grad {kind} {axis} {grad} {ref}"
    for axes in (None, (1, 2), 0):
        out = fm.fractional_laplacian(u, 0.35, fft, axes, dx=0.5)
        ref = fracfft.fractional_laplacian(big_u, 0.35, axes, dx=0.5)[sl]
        check_close(out, ref, f"{name} laplacian {axes}")
    out = fm.fractional_laplacian(u, 0.0, fft)
    check_close(out, big_u[sl], f"{name} laplacian s=0")
    assert np.array_equal(np.asarray(u), before), "input modified"
    # Errors: causal kinds, arrays of orders, wrong blocks.
    for bad in ("gl", "caputo", "nope"):
        try:
            fm.derivative(u, 0.5, fft, kind=bad)
        except ValueError as e:
            assert "weyl" in str(e)
        else:
            raise AssertionError(f"kind={bad!r} accepted")
    for call in (lambda: fm.derivative(u, np.ones(3), fft),
                 lambda: fm.derivative(np.zeros((2, 2, 2)), 0.5, fft),
                 lambda: fm.derivative(u, np.nan, fft),
                 lambda: fm.fractional_laplacian(u, 0.5, fft, dx=-1.0)):
        try:
            call()
        except ValueError:
            pass
        else:
            raise AssertionError("bad argument accepted")
    fft.destroy()


def run_partial_axes():
    # A PFFT over axes (1, 2) only: axis 0 is a batch axis and may not be differentiated.
    shape = (6, 14, 10)
    fft = PFFT(COMM, shape, axes=(1, 2), dtype=float, grid=(-1,))
    rng = np.random.default_rng(5)
    big_u = rng.standard_normal(shape)
    sl = fft.local_slice(False)
    u = newDistArray(fft, False)
    u[:] = big_u[sl]
    out = fm.derivative(u, 0.5, fft, (1, 2), kind="riesz")
    check_close(out, fracfft.derivative(big_u, 0.5, (1, 2), kind="riesz")[sl], "partial axes")
    out = fm.fractional_laplacian(u, 0.5, fft)  # axes None: fft's axes, not axis 0
    check_close(out, fracfft.fractional_laplacian(big_u, 0.5, (1, 2))[sl], "partial laplacian")
    try:
        fm.derivative(u, 0.5, fft, 0)
    except ValueError as e:
        assert "not transformed" in str(e)
    else:
        raise AssertionError("untransformed axis accepted")
    fft.destroy()


def main():
    default = fm._SLAB_BYTES
    for name, shape, kw in layouts(COMM.Get_size()):
        for dtype in (np.float64, np.complex128):
            run_layout(name, shape, kw, dtype)
            if dtype is not np.float64:
                continue
            # Symbol applied row by row along axis 0 (as on large grids) gives the same.
            fm._SLAB_BYTES = 1
            try:
                run_layout(name, shape, kw, dtype)
            finally:
                fm._SLAB_BYTES = default
    run_partial_axes()
    if COMM.Get_rank() == 0:
        print(f"OK {COMM.Get_size()} ranks", flush=True)


if __name__ == "__main__":
    try:
        main()
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        COMM.Abort(1)
