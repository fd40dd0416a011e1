"""A 3-D fractional Laplacian on a grid split over MPI ranks (fracfft.mpi on mpi4py-fft).

Run with, for example::

    mpiexec -n 4 python examples/mpi_laplacian.py --n 128 --s 0.75

Each rank holds one pencil of the ``n**3`` grid on ``[0, 2*pi)**3``. For
``u = sin(x) sin(2y) cos(3z)`` the exact result is ``(-Laplacian)**s u = 14**s u``; rank 0
prints the largest error over all ranks, the time per application and the decomposition.
"""

import argparse
import time

import numpy as np
from mpi4py import MPI
from mpi4py_fft import PFFT, newDistArray

import fracfft.mpi


def main():
    """Apply the operator once and report the error against the exact value."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64, help="grid points per axis")
    parser.add_argument("--s", type=float, default=0.75, help="power of the Laplacian")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    n = args.n

    # Pencils: two axes split over a near-square process grid, the last axis whole.
    fft = PFFT(comm, (n, n, n), dtype=np.float64, grid=(0, 0))
    u = newDistArray(fft, False)
    h = 2 * np.pi / n
    x, y, z = (h * np.arange(n)[sl] for sl in u.local_slice())
    u[:] = (np.sin(x)[:, None, None] * np.sin(2 * y)[None, :, None]
            * np.cos(3 * z)[None, None, :])

    comm.Barrier()
    start = time.perf_counter()
    lap = fracfft.mpi.fractional_laplacian(u, args.s, fft, dx=h)
    comm.Barrier()
    elapsed = time.perf_counter() - start

    error = comm.allreduce(float(np.abs(lap - 14.0**args.s * u).max()), op=MPI.MAX)
    if comm.Get_rank() == 0:
        grid = [sub.Get_size() for sub in fft.subcomm]
        print(f"{n}^3 grid on {comm.Get_size()} ranks (process grid {grid}): "
              f"max error {error:.2e}, {elapsed * 1e3:.1f} ms")
    fft.destroy()


if __name__ == "__main__":
    main()
