"""A batch of signals too big for memory: fracfft on a dask array, on a local cluster.

Run with, for example::

    python examples/dask_batch.py --rows 16384 --n 65536      # 8 GiB of float64 in all

The batch is generated lazily, block by block, on the workers; each block of rows is
differentiated by ``fracfft.derivative`` (a task per block) and reduced to one number per
row (the energy of its half-derivative), so no process ever holds more than a few blocks.
Open the dashboard link printed at the start to watch the tasks stream through the workers.
With ``--scheduler synchronous`` it runs in this process (used by the test suite).
"""

import argparse

import dask
import dask.array as da
import numpy as np

import fracfft


def build(rows, n, chunk_rows, alpha):
    """Return the lazy batch, its lazy half-derivative and the per-row energy."""
    batch = da.random.default_rng(0).standard_normal((rows, n), chunks=(chunk_rows, n))
    deriv = fracfft.derivative(batch, alpha, axis=-1, kind="riesz", dx=1.0 / n)
    energy = (deriv**2).mean(axis=-1)
    return batch, deriv, energy


def main():
    """Compute the per-row energies and check one block against the NumPy call."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4096)
    parser.add_argument("--n", type=int, default=65536)
    parser.add_argument("--chunk-rows", type=int, default=256)
    parser.add_argument("--alpha", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", choices=["distributed", "synchronous"],
                        default="distributed")
    args = parser.parse_args()
    batch, deriv, energy = build(args.rows, args.n, args.chunk_rows, args.alpha)
    print(f"batch {batch.shape} float64 = {batch.nbytes / 2**30:.2f} GiB in "
          f"{batch.npartitions} blocks of {batch.blocks[0].nbytes / 2**20:.0f} MiB")

    if args.scheduler == "distributed":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1)
        client = Client(cluster)
        print(f"dashboard: {client.dashboard_link}")
        result = energy.compute()
        client.close()
        cluster.close()
    else:
        with dask.config.set(scheduler="synchronous"):
            result = energy.compute()

    # The first block again, eagerly with NumPy: the lazy result must match it.
    first = batch.blocks[0].compute(scheduler="synchronous")
    ref = fracfft.derivative(first, args.alpha, kind="riesz", dx=1.0 / args.n)
    lazy_first = deriv.blocks[0].compute(scheduler="synchronous")
    error = np.abs(lazy_first - ref).max() / np.abs(ref).max()
    print(f"mean energy {result.mean():.6e} over {result.size} rows; "
          f"max error vs NumPy on the first block {error:.1e}")


if __name__ == "__main__":
    main()
