"""Benchmark fracfft against the alternatives, side by side, in one run.

    python benchmarks/run.py                 # full table, N = 32 ... 16384, < 5 minutes on 2 cores
    python benchmarks/run.py --quick         # small N, few repeats (CI smoke run, < 60 s)
    python benchmarks/run.py --out DIR       # where results.json and results.png go

Every row times one forward+backward pass (gradients to the input and to alpha) of a
float64 signal of length N (``--batch`` signals), and one forward pass alone:

* ``GL dense (torch)``: the "standard" fractional autograd: Grünwald–Letnikov weights built
  from a learnable alpha inside torch autograd, a dense lower-triangular N×N matrix, matmul.
  O(N²); it computes the causal GL derivative, not the periodic spectral one, so only its
  cost is comparable.
* ``fracfft (torch)``: :func:`fracfft.torch.fractional_derivative`, manual adjoints.
* ``fracfft gl (torch)``: the same with ``kind="gl"``: the causal Grünwald–Letnikov
  derivative, the very operator of the dense GL row (same numbers), by zero-padded FFT.
* ``native torch``: ``irfft(rfft(x) * K(alpha), n)`` with autograd through the FFT graph.
* ``numpy/<backend>``: the NumPy API with ``backend=<backend>``; "fwd+bwd" is
  ``derivative`` + ``derivative_adjoint`` + ``derivative_dalpha`` (what a backward pass needs).

"ratio" is time / fracfft (torch) time at the same N and thread count (> 1: slower than fracfft).
Threads: ``torch.set_num_threads`` for torch rows, ``workers=`` for NumPy rows.

Then the PDE-loop rows of ``bench_pde.py`` (``--no-pde`` skips them): fractional_laplacian
and derivative along one axis of an n^3 array, in a loop with the same order and at a first
call, against the hand-written SciPy loop (JSON key "pde", figure ``results_pde.png``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _reference as ref  # noqa: E402 - must pin malloc before numpy/torch allocate

PINNED = ref.pin_mmap_threshold()

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import bench_pde  # noqa: E402 - after the pin, like every other import here
import numpy as np  # noqa: E402

import fracfft  # noqa: E402

FULL_SIZES = (32, 64, 128, 256, 512, 4096, 16384)
QUICK_SIZES = (32, 64, 128, 256, 512)
TOTAL_BUDGET_S = 240.0  # keep the whole run under 5 minutes
ALPHA = 0.6
PDE_SIZES = (64, 128, 256)
PDE_QUICK_SIZES = (32, 48)


def say(msg=""):
    print(msg, flush=True)


def available_backends():
    """Host backends that load here, in table order; loaded in the table's safe load order."""
    from fracfft.fft._backends import HOST, load_order
    from fracfft.fft._registry import load_backend

    missing = {}
    for name in load_order(HOST):
        try:
            load_backend(name)
        except Exception as exc:  # noqa: BLE001 - report why and leave the row out
            missing[name] = f"{type(exc).__name__}: {exc}"
    return [name for name in HOST if name not in missing], missing


def import_torch():
    try:
        import torch
    except ImportError:
        return None, None, "PyTorch not installed"
    try:
        bridge = importlib.import_module("fracfft.torch")
        bridge.fractional_derivative  # noqa: B018 - must exist
    except Exception as exc:  # noqa: BLE001
        return torch, None, f"fracfft.torch not importable ({type(exc).__name__}: {exc})"
    return torch, bridge, None


class Cell:
    """Measures one (method, N, threads) cell: fwd+bwd and fwd medians, peak memory."""

    def __init__(self, budget_s, max_repeats, measure_memory):
        self.budget_s = budget_s
        self.max_repeats = max_repeats
        self.measure_memory = measure_memory

    def run(self, fwd, fwdbwd):
        start = time.perf_counter()
        fwdbwd()  # warm-up: plans, caches, first-use compilation, first page touches
        first = time.perf_counter() - start
        second = None
        if first > self.budget_s:  # slow, or only a slow first call (compilation, plans)?
            start = time.perf_counter()
            fwdbwd()
            second = time.perf_counter() - start
        if second is not None and second > self.budget_s:
            # Slow (large GL): that one timed run is the measure; memory from one more.
            med, reps = second, 1
            peak = ref.peak_rss(fwdbwd) if self.measure_memory else None
        else:
            med, reps, _ = ref.time_call(fwdbwd, budget_s=self.budget_s,
                                         max_repeats=self.max_repeats, warmup=False)
            peak = ref.peak_rss(fwdbwd) if self.measure_memory else None
        fwd_med = None
        if first < 2.0:  # forward alone, unless one pass is already slow
            fwd_med, _, _ = ref.time_call(fwd, budget_s=self.budget_s / 2,
                                          max_repeats=self.max_repeats)
        return {"fwdbwd_s": med, "fwd_s": fwd_med, "repeats": reps,
                "peak_bytes": peak if self.measure_memory else None}

    def safe_run(self, fwd, fwdbwd):
        """:meth:`run`, or ``{"skipped": "failed (...)"}`` when the method raises."""
        try:
            return self.run(fwd, fwdbwd)
        except Exception as exc:  # noqa: BLE001 - one broken method must not stop the table
            msg = f"{type(exc).__name__}: {exc}".splitlines()[0][:100]
            say(f"    failed: {msg}")
            return {"skipped": f"failed ({msg})"}


def torch_cases(torch, bridge, n, batch, seed=0):
    """``{method: (fwd, fwdbwd)}`` closures for the torch rows at length ``n``."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, n, dtype=torch.float64, generator=gen, requires_grad=True)
    g = torch.randn(batch, n, dtype=torch.float64, generator=gen)
    alpha = torch.tensor(ALPHA, dtype=torch.float64, requires_grad=True)

    def pair(op):
        def fwd():
            with torch.no_grad():
                return op(x, alpha)

        def fwdbwd():
            x.grad = alpha.grad = None
            (op(x, alpha) * g).sum().backward()

        return fwd, fwdbwd

    cases = {}
    if bridge is not None:
        # fracfft's CPU FFTs use torch.get_num_threads() workers by default, like torch.
        cases["fracfft (torch)"] = pair(lambda x, a: bridge.fractional_derivative(x, a))
        cases["fracfft gl (torch)"] = pair(
            lambda x, a: bridge.fractional_derivative(x, a, kind="gl"))
    cases["native torch"] = pair(lambda x, a: ref.native_weyl(torch, x, a))
    cases["GL dense (torch)"] = pair(lambda x, a: ref.gl_derivative(torch, x, a))
    return cases


def numpy_case(backend, n, batch, threads, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, n))
    g = rng.standard_normal((batch, n))
    kw = {"backend": backend, "workers": threads}

    def fwd():
        return fracfft.derivative(x, ALPHA, **kw)

    def fwdbwd():
        fracfft.derivative(x, ALPHA, **kw)
        fracfft.derivative_adjoint(g, ALPHA, **kw)
        return float(np.sum(fracfft.derivative_dalpha(x, ALPHA, **kw) * g))

    return fwd, fwdbwd


def fmt_time(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.1f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_mem(b):
    if b is None:
        return "-"
    if b < 2**20:
        return f"{b / 2**10:.0f} KiB"
    return f"{b / 2**20:.1f} MiB"


def run(args):
    torch, bridge, torch_reason = import_torch()
    backends, missing = available_backends()
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    if args.sizes:
        sizes = tuple(int(v) for v in args.sizes.split(","))
    threads_list = tuple(int(v) for v in args.threads.split(","))
    measure_memory = PINNED and ref.can_measure_memory()
    cell = Cell(budget_s=0.05 if args.quick else 0.3, max_repeats=5 if args.quick else 50,
                measure_memory=measure_memory)
    start = time.perf_counter()
    rows = []

    if torch_reason:
        say(f"note: {torch_reason}: torch rows skipped")
    for name, why in missing.items():
        say(f"note: backend {name!r} skipped ({why.splitlines()[0][:120]})")
    say(f"measuring N = {sizes}, threads = {threads_list}, batch = {args.batch}")

    if torch is not None:
        # Half a second of warm-up for the whole process: probing the backends can leave
        # OpenMP threads (MKL's) spinning for a while, which slowed the first cell measured.
        cases = torch_cases(torch, bridge, sizes[0], args.batch)
        deadline = time.perf_counter() + 0.5
        while time.perf_counter() < deadline:
            for _, fwdbwd in cases.values():
                fwdbwd()
    gl_per_n2 = None  # seconds per N² of one GL fwd+bwd, to predict the large N
    for threads in threads_list:
        if torch is not None:
            torch.set_num_threads(threads)
        for n in sizes:
            t_n = time.perf_counter()
            if torch is not None:
                for method, (fwd, fwdbwd) in torch_cases(torch, bridge, n, args.batch).items():
                    row = {"N": n, "threads": threads, "method": method}
                    if method.startswith("GL"):
                        skip = gl_skip_reason(n, gl_per_n2, start, args)
                        if skip:
                            rows.append({**row, "skipped": skip})
                            continue
                    row.update(cell.safe_run(fwd, fwdbwd))
                    if method.startswith("GL") and n >= 256 and "fwdbwd_s" in row:
                        gl_per_n2 = row["fwdbwd_s"] / n**2
                    rows.append(row)
            for backend in backends:
                fwd, fwdbwd = numpy_case(backend, n, args.batch, threads)
                rows.append({"N": n, "threads": threads, "method": f"numpy/{backend}",
                             **cell.safe_run(fwd, fwdbwd)})
            say(f"  threads={threads} N={n:>6}: {time.perf_counter() - t_n:5.1f} s "
                f"(total {time.perf_counter() - start:5.1f} s)")

    for row in rows:  # ratio vs fracfft at the same N and threads
        base = next((r for r in rows if r["N"] == row["N"] and r["threads"] == row["threads"]
                     and r["method"] == "fracfft (torch)" and "fwdbwd_s" in r), None)
        if base is not None and "fwdbwd_s" in row:
            row["ratio_vs_fracfft"] = row["fwdbwd_s"] / base["fwdbwd_s"]
    meta = {
        "fracfft": fracfft.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": getattr(torch, "__version__", None),
        "backends": backends,
        "backends_missing": missing,
        "torch_note": torch_reason,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "batch": args.batch,
        "alpha": ALPHA,
        "dtype": "float64",
        "memory_method": ref.MEMORY_METHOD if measure_memory else "not measured on this system",
        "total_s": time.perf_counter() - start,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "hpfracc": "not included: it cannot be measured honestly without installing hpfracc",
    }
    return meta, rows


def run_pde(args):
    """The PDE-loop rows of bench_pde.py: n^3 grids, fracfft vs the hand-written scipy loop."""
    if args.no_pde:
        return []
    sizes = PDE_QUICK_SIZES if args.quick else PDE_SIZES
    say(f"\nPDE loop: n^3 grids n = {sizes} (bench_pde.py)")
    start = time.perf_counter()
    rows = bench_pde.measure(sizes, repeats=3 if args.quick else None, log=say)
    say(f"  PDE loop: {time.perf_counter() - start:.1f} s")
    return rows


def gl_skip_reason(n, gl_per_n2, start, args):
    need = ref.gl_bytes(n)
    if need > 0.5 * ref.available_memory():
        return f"skipped (memory: ~{need / 2**30:.1f} GiB)"
    if gl_per_n2 is not None:
        predicted = 2.5 * gl_per_n2 * n**2  # warm-up + one measured run + slack
        left = TOTAL_BUDGET_S - (time.perf_counter() - start)
        if predicted > max(left - 30.0, 0.0) or (args.quick and predicted > 5):
            return f"skipped (time: ~{predicted:.0f} s predicted)"
    return None


def print_tables(meta, rows):
    say("\nAll rows (median of repeats; ratio = fwd+bwd time / fracfft (torch), > 1: slower)")
    head = (f"{'N':>6} {'thr':>3}  {'method':<18} {'fwd+bwd':>10} {'fwd':>10} {'ratio':>7} "
            f"{'peak mem':>11} {'reps':>4}")
    say(head)
    say("-" * len(head))
    for r in rows:
        if "skipped" in r:
            say(f"{r['N']:>6} {r['threads']:>3}  {r['method']:<18} {r['skipped']}")
            continue
        ratio = f"{r['ratio_vs_fracfft']:.2f}" if "ratio_vs_fracfft" in r else "-"
        say(f"{r['N']:>6} {r['threads']:>3}  {r['method']:<18} {fmt_time(r['fwdbwd_s']):>10} "
            f"{fmt_time(r['fwd_s']):>10} {ratio:>7} {fmt_mem(r['peak_bytes']):>11} "
            f"{r['repeats']:>4}")
    say(f"\npeak memory: {meta['memory_method']}")

    # The headline: spectral vs "standard" GL autograd, one thread, fwd+bwd.
    methods = ["GL dense (torch)", "fracfft gl (torch)", "fracfft (torch)", "native torch"] + [
        f"numpy/{b}" for b in meta["backends"]]
    methods = [m for m in methods if any(r["method"] == m for r in rows)]
    threads = min(r["threads"] for r in rows)
    say(f"\nHeadline: fwd+bwd time, {threads} thread(s), batch {meta['batch']}, float64")
    head = f"{'N':>6}  " + "  ".join(f"{m:>16}" for m in methods)
    if "GL dense (torch)" in methods and "fracfft (torch)" in methods:
        head += f"  {'GL / fracfft':>12}"
    if "GL dense (torch)" in methods and "fracfft gl (torch)" in methods:
        head += f"  {'GL / fft gl':>12}"
    say(head)
    say("-" * len(head))
    for n in sorted({r["N"] for r in rows}):
        cells, by = [], {}
        for m in methods:
            r = next((r for r in rows if r["N"] == n and r["threads"] == threads
                      and r["method"] == m), None)
            by[m] = r
            if r is None:
                cells.append("-")
            elif "skipped" in r:
                cells.append(r["skipped"].split(":")[0].replace("skipped (", "skip (") + ")")
            else:
                cells.append(fmt_time(r["fwdbwd_s"]))
        line = f"{n:>6}  " + "  ".join(f"{c:>16}" for c in cells)
        if "GL dense (torch)" in methods and "fracfft (torch)" in methods:
            gl, ff = by["GL dense (torch)"], by["fracfft (torch)"]
            if gl and ff and "fwdbwd_s" in gl and "fwdbwd_s" in ff:
                line += f"  {gl['fwdbwd_s'] / ff['fwdbwd_s']:>11.1f}x"
        if "GL dense (torch)" in methods and "fracfft gl (torch)" in methods:
            gl, fg = by["GL dense (torch)"], by["fracfft gl (torch)"]
            if gl and fg and "fwdbwd_s" in gl and "fwdbwd_s" in fg:
                line += f"  {gl['fwdbwd_s'] / fg['fwdbwd_s']:>11.1f}x"
        say(line)


def write_plot(path, meta, rows, dpi=100):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    threads_all = sorted({r["threads"] for r in rows})
    fig, axes = plt.subplots(1, len(threads_all) + 1, figsize=(4.6 * (len(threads_all) + 1), 4),
                             constrained_layout=True)
    methods = list(dict.fromkeys(r["method"] for r in rows))
    colors = dict(zip(methods, plt.cm.tab10.colors, strict=False))
    for ax, threads in zip(axes, threads_all, strict=False):
        for m in methods:
            pts = [(r["N"], r["fwdbwd_s"]) for r in rows
                   if r["method"] == m and r["threads"] == threads and "fwdbwd_s" in r]
            if pts:
                ns, ts = zip(*pts, strict=True)
                style = "-o" if "torch" in m else "--."
                ax.loglog(ns, ts, style, color=colors[m], label=m, markersize=4)
        ax.set(xlabel="N", ylabel="fwd+bwd time [s] (median)",
               title=f"forward + backward, {threads} thread{'s' if threads > 1 else ''}")
    axes[0].legend(fontsize="x-small")
    mem_ax = axes[-1]
    for m in methods:
        pts = [(r["N"], r["peak_bytes"]) for r in rows if r["method"] == m
               and r["threads"] == threads_all[0] and r.get("peak_bytes") is not None]
        if pts:
            ns, mem = zip(*pts, strict=True)
            style = "-o" if "torch" in m else "--."
            mem_ax.loglog(ns, [max(v, 2**16) / 2**20 for v in mem], style, color=colors[m],
                          label=m, markersize=4)
    mem_ax.set(xlabel="N", ylabel="peak RSS added [MiB] (floor: 64 KiB)",
               title=f"peak memory of one fwd+bwd ({threads_all[0]} thread)")
    fig.suptitle(f"fracfft {meta['fracfft']} vs alternatives: float64, batch {meta['batch']}, "
                 f"{meta['cpu_count']} CPUs", fontsize="small")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results"),
                        help="output folder (default: benchmarks/results/)")
    parser.add_argument("--quick", action="store_true",
                        help="small N and few repeats: a smoke run for CI (< 60 s)")
    parser.add_argument("--sizes", help="comma-separated N (overrides the defaults)")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--batch", type=int, default=1, help="signals per call (default 1)")
    parser.add_argument("--no-plot", action="store_true", help="skip the PNG")
    parser.add_argument("--no-pde", action="store_true", help="skip the PDE-loop rows")
    args = parser.parse_args(argv)

    meta, rows = run(args)
    pde_rows = run_pde(args)
    print_tables(meta, rows)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if pde_rows:
        bench_pde.print_table(pde_rows, log=say)
    (out / "results.json").write_text(json.dumps({"meta": meta, "rows": rows, "pde": pde_rows},
                                                 indent=1))
    say(f"\nwrote {out / 'results.json'}")
    if not args.no_plot:
        try:
            write_plot(out / "results.png", meta, rows)
            say(f"wrote {out / 'results.png'}")
            if pde_rows:
                bench_pde.write_plot(out / "results_pde.png", pde_rows)
                say(f"wrote {out / 'results_pde.png'}")
        except ImportError:
            say("matplotlib not installed: no plot")
    say(f"total {meta['total_s']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
