"""Scaling out: dask on a LocalCluster against one NumPy call, and 2 MPI ranks against 1.

dask (SPEC §6): a (512, 65536) float64 batch (256 MiB) in 16 chunks of 32 rows.

* Time: ``fracfft.derivative`` on the batch held in the workers' memory (``persist``), result
  kept there too, on ``LocalCluster(n_workers=2, threads_per_worker=1)``, against the
  single-process ``fracfft.derivative(x, workers=2)`` on the same array in memory. Medians of
  interleaved repeats.
* Memory: a streaming pipeline on a fresh cluster (batch generated on the workers, derivative,
  a per-row reduction), so no worker needs the batch: peak RSS rise of each worker
  (the kernel's peak-RSS count, VmHWM, reset before the run, minus the RSS before it), in
  chunks. The NumPy call needs the
  input and the output whole: 32 chunks.

MPI: the fractional Laplacian of a 256³ float64 grid through :mod:`fracfft.mpi` on a slab
``PFFT``, ``mpiexec -n 1`` against ``-n 2`` (one thread per rank), median time per
application; the time spent in mpi4py-fft's global transposes (the communication) measured
by timing its transfer steps; peak memory per rank (``ru_maxrss``, reduced with MAX) as a
multiple of the rank's block: absolute, as the rise over the RSS before the plan and the
array existed, and split into what the input and mpi4py-fft's own work arrays hold (resident
after one transform pair) and what the fracfft call adds on top (its output and slab-wise
symbol).

Usage::

    python benchmarks/bench_scale.py             # the sizes above (a few minutes)
    python benchmarks/bench_scale.py --quick     # smaller sizes, fewer repeats
    python benchmarks/bench_scale.py --only dask # or --only mpi
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import _reference as ref
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MIB = 2.0**20
COLLAPSE = os.environ.get("BENCH_COLLAPSE", "1") == "1"


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _maxrss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_peak():
    """Restart the kernel's peak-RSS count of this process (Linux: VmHWM)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _peak_bytes():
    """Peak RSS since the last :func:`_reset_peak` (VmHWM).

    A dask worker's ``ru_maxrss`` is useless here: the kernel carries the peak of the process
    that started it (this one, holding the NumPy batch) across fork and exec.
    """
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


# ----------------------------------------------------------------------------------------------
# dask


def bench_dask(rows, n, nchunks, repeats):
    import dask.array as da
    from distributed import Client, LocalCluster, get_task_stream, wait

    import fracfft

    chunk_rows = rows // nchunks
    chunk_bytes = chunk_rows * n * 8
    x = np.random.default_rng(0).standard_normal((rows, n))
    out = {"shape": [rows, n], "chunks": nchunks, "chunk_MiB": chunk_bytes / MIB}

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        lazy_in = da.random.default_rng(0).standard_normal((rows, n),
                                                          chunks=(chunk_rows, n)).persist()
        wait(lazy_in)
        # Warm-up: imports and plans on both workers and here.
        wait(fracfft.derivative(lazy_in, 0.5).persist())
        fracfft.derivative(x, 0.5, workers=2)
        held = []

        def dask_step():
            y = fracfft.derivative(lazy_in, 0.5).persist()
            wait(y)
            held.append(y)  # released untimed, by the next setup

        med = ref.medians(ref.interleaved(
            {"numpy": lambda: fracfft.derivative(x, 0.5, workers=2), "dask": dask_step},
            repeats, warmup=0, order="fixed", setup=lambda name, i: held.clear()))
        held.clear()
        # Where the dask time goes: the workers' busy share of the wall time (1.0: no idle
        # worker, so any gap to NumPy is compute, not scheduling).
        with get_task_stream(client) as stream:
            t0 = time.perf_counter()
            wait(fracfft.derivative(lazy_in, 0.5).persist())
            wall = time.perf_counter() - t0
        busy = sum(p["stop"] - p["start"] for task in stream.data
                   for p in task["startstops"] if p["action"] == "compute")
        out["dask_workers_busy_share"] = busy / (2 * wall)
        out["numpy_workers2_s"] = float(med["numpy"])
        out["dask_2x1_s"] = float(med["dask"])
        out["time_ratio_dask_over_numpy"] = out["dask_2x1_s"] / out["numpy_workers2_s"]

    # Memory: fresh workers, a streaming pipeline.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        small = da.random.default_rng(1).standard_normal((2 * chunk_rows, 256),
                                                        chunks=(chunk_rows, 256))
        fracfft.derivative(small, 0.5).sum().compute()  # imports on the workers
        client.run(_reset_peak)
        before = client.run(_rss_bytes)
        batch = da.random.default_rng(2).standard_normal((rows, n), chunks=(chunk_rows, n))
        energy = (fracfft.derivative(batch, 0.5) ** 2).mean(axis=-1).compute()
        assert energy.shape == (rows,)
        peaks = client.run(_peak_bytes)
    rises = [(peaks[w] - before[w]) / chunk_bytes for w in peaks]
    out["peak_rise_per_worker_chunks"] = [round(r, 2) for r in rises]
    out["numpy_needs_chunks"] = 2 * nchunks  # input and output, whole
    return out


# ----------------------------------------------------------------------------------------------
# MPI


def mpi_worker(n, repeats):
    """Run under mpiexec: time the 3-D fractional Laplacian; rank 0 prints one JSON line."""
    from mpi4py import MPI
    from mpi4py_fft import PFFT, newDistArray

    import fracfft.mpi

    comm = MPI.COMM_WORLD
    rss0 = _rss_bytes()
    fft = PFFT(comm, (n, n, n), dtype=np.float64, grid=(-1,), collapse=COLLAPSE)
    comm_time = [0.0]

    def timed(step):
        def run(*args, **kwargs):
            t0 = time.perf_counter()
            result = step(*args, **kwargs)
            comm_time[0] += time.perf_counter() - t0
            return result
        return run

    for transform in (fft.forward, fft.backward):
        transform._transfer = [timed(s) for s in transform._transfer]  # noqa: SLF001

    u = newDistArray(fft, False)
    u[:] = np.random.default_rng(comm.rank).standard_normal(u.shape)
    block = u.nbytes
    fft.backward(fft.forward(u), newDistArray(fft, False))  # mpi4py-fft's buffers resident
    rss_ready = _rss_bytes()
    fracfft.mpi.fractional_laplacian(u, 0.75, fft)  # warm-up: plans, symbol grids
    local_comms = []

    def setup(name, i):
        comm.Barrier()
        comm_time[0] = 0.0

    def step():
        fracfft.mpi.fractional_laplacian(u, 0.75, fft)
        comm.Barrier()
        local_comms.append(comm_time[0])

    times = ref.interleaved({"laplacian": step}, repeats, warmup=0, setup=setup)["laplacian"]
    comms = [comm.allreduce(c, op=MPI.MAX) for c in local_comms]
    peak = comm.allreduce(_maxrss_bytes(), op=MPI.MAX)
    rise = comm.allreduce(_maxrss_bytes() - rss0, op=MPI.MAX)
    engine = comm.allreduce(rss_ready - rss0, op=MPI.MAX)
    extra = comm.allreduce(_maxrss_bytes() - rss_ready, op=MPI.MAX)
    block = comm.allreduce(block, op=MPI.MAX)
    if comm.rank == 0:
        print(json.dumps({"ranks": comm.size, "n": n, "time_s": float(np.median(times)),
                          "comm_s": float(np.median(comms)), "block_MiB": block / MIB,
                          "maxrss_over_block": peak / block,
                          "maxrss_rise_over_block": rise / block,
                          "input_and_pfft_buffers_over_block": engine / block,
                          "fracfft_extra_over_block": extra / block}), flush=True)
    fft.destroy()


def bench_mpi(n, repeats):
    mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or "mpiexec"
    env = dict(os.environ, OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                          if p))
    results = {}
    for ranks in (1, 2):
        proc = subprocess.run([mpiexec, "-n", str(ranks), sys.executable, __file__,
                               "--mpi-worker", "--n", str(n), "--repeats", str(repeats)],
                              capture_output=True, text=True, env=env, check=True)
        results[ranks] = json.loads(proc.stdout.strip().splitlines()[-1])
    out = {"n": n, "one_rank": results[1], "two_ranks": results[2],
           "time_ratio_2_over_1": results[2]["time_s"] / results[1]["time_s"],
           "comm_share_2_ranks": results[2]["comm_s"] / results[2]["time_s"]}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["dask", "mpi"])
    parser.add_argument("--mpi-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    if args.mpi_worker:
        mpi_worker(args.n, args.repeats)
        return
    repeats = args.repeats or (3 if args.quick else 7)
    report = {}
    if args.only in (None, "dask"):
        rows, n = (64, 8192) if args.quick else (512, 65536)
        report["dask"] = bench_dask(rows, n, 16, repeats)
        print(json.dumps({"dask": report["dask"]}, indent=1), flush=True)
    if args.only in (None, "mpi"):
        report["mpi"] = bench_mpi(64 if args.quick else args.n, repeats)
        print(json.dumps({"mpi": report["mpi"]}, indent=1), flush=True)


if __name__ == "__main__":
    main()
