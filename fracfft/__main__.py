r"""``python -m fracfft``: a one-minute tour that checks this installation.

It prints, one progress line per step:

1. the FFT backends found, with versions;
2. the accuracy of every available host backend against analytic values
   (weyl :math:`D^\alpha\sin(kt) = k^\alpha\sin(kt + \alpha\pi/2)`, riesz
   :math:`-k^\alpha\sin(kt)`), for several orders including negative ones;
   then the causal kinds (gl, gl2, caputo): observed convergence orders on
   :math:`D^\alpha t^2`, Caputo :math:`D^{1/2} e^t` at 1 against :math:`e\,\mathrm{erf}(1)`, the
   exact inverse round trip, and the time against the dense O(N^2) sum;
3. with PyTorch and :mod:`fracfft.torch`: a learnable order recovered from synthetic data;
4. with PyTorch: forward+backward timings of the fracfft bridge against the same operator
   written with native ``torch.fft``.

Parts that cannot run (a missing package, a module not yet importable) are skipped with a line
that says why. When the manual FFT is checked, a child process compiles (or, with a warm Numba
cache, loads) its float32 kernels on another core while the tour checks float64. The exit
status is 0 when every check passes, 1 when an accuracy check fails.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import platform
import subprocess
import sys
import time

import numpy as np

import fracfft
from fracfft import _timing
from fracfft._baseline import native_weyl
from fracfft.fft import _backends

# A relative error (max over samples / max of the exact values) fails when it exceeds
# SAFETY * eps(dtype) * sqrt(log2 n) * cond: rounding noise of the input at the highest
# wavenumber is amplified by |xi_max|**alpha, the signal only by k**alpha, so
# cond = max over nonzero grid xi of (|xi| / k)**alpha (>= 1; 1 for alpha <= 0 and m = 1).
SAFETY = 64
ALPHA_TOLERANCE = 0.02  # |recovered - true| for the learnable-order check


def say(message: str = "") -> None:
    """Print one line at once (progress must show even when stdout is a pipe)."""
    print(message, flush=True)


# --------------------------------------------------------------------------- backends
def probe_backend(name):
    """Load backend ``name``; return ``(available, description)``."""
    from .fft._registry import load_backend

    library = _backends.BY_NAME[name].library
    try:
        load_backend(name)
    except ImportError as exc:
        try:
            importlib.import_module(library)
        except ImportError:
            return False, f"not installed: {_backends.install_hint(name)}"
        return False, f"unavailable ({exc})"
    except Exception as exc:  # noqa: BLE001 - report, never crash the tour
        return False, f"unavailable ({type(exc).__name__}: {exc})"
    version = getattr(sys.modules.get(library) or importlib.import_module(library),
                      "__version__", "?")
    return True, f"{library} {version}"


def probe_backends(names=None, report=None):
    """Return ``{name: (available, description)}`` for the named (default: all) backends.

    They are loaded in :func:`fracfft.fft._backends.load_order` (pyFFTW before mkl_fft);
    ``report(name, available, description, seconds)`` is called as each one is loaded.
    """
    names = _backends.load_order(names)
    found = {}
    for name in names:
        if report is not None:
            report(name, None, None, None)  # announce: loading can take a while
        start = time.perf_counter()
        found[name] = probe_backend(name)
        if report is not None:
            report(name, *found[name], time.perf_counter() - start)
    return found


# --------------------------------------------------------------------------- accuracy
def analytic_case(n, m, alpha, kind, dx, dtype=np.float64):
    """Return samples of ``sin(k t)``, ``k = 2*pi*m/(n*dx)``, and their exact ``D^alpha``.

    The grid is ``t = dx*arange(n)``; the phase ``k*t = 2*pi*m*j/n`` is reduced modulo
    ``2*pi`` in integers first, so that the samples and the reference are accurate to a few
    ulps however large ``k*t`` gets.
    """
    k = 2 * np.pi * m / (n * dx)
    phase = 2 * np.pi * ((m * np.arange(n)) % n) / n
    x = np.sin(phase)
    if kind == "weyl":
        exact = k**alpha * np.sin(phase + alpha * np.pi / 2)
    else:
        exact = -(k**alpha) * np.sin(phase)
    return x.astype(dtype), exact


def relative_error(y, exact) -> float:
    """``max|y - exact| / max|exact|`` computed in float64."""
    y = np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(y - exact)) / np.max(np.abs(exact)))


def accuracy_grid(quick: bool):
    """Lengths (power of two, composite, prime) and orders exercised."""
    if quick:
        return (64, 97), (-1.5, -0.5, 0.3, 1.0, 1.5, 2.0)
    return (64, 96, 97, 256, 1000), (-1.5, -0.5, 0.3, 0.5, 1.0, 1.5, 2.0, 2.7)


def wavenumber_indices(n, alpha):
    """Return the indices ``m`` of the test sines: resolved signals, modestly conditioned.

    A positive order amplifies the input's rounding noise at the highest wavenumber, a
    negative order at the lowest, relative to the signal at ``m``; choosing ``m`` high for
    ``alpha > 0`` and low for ``alpha <= 0`` keeps that amplification below ``4**alpha``.
    """
    return (1, 3) if alpha <= 0 else (max(1, n // 8), n // 3)


def tolerance(n, m, alpha, dtype):
    """Return the error bound of a case, ``SAFETY * eps * sqrt(log2 n) * cond``."""
    ratios = np.arange(1, n // 2 + 1) / m  # |xi| / k over the nonzero wavenumbers
    cond = float(np.max(ratios**alpha))
    return SAFETY * np.finfo(dtype).eps * math.sqrt(math.log2(n)) * cond


def check_accuracy(backend, kind, dtype, quick, dx=0.05):
    """Largest relative error of ``fracfft.derivative`` over the accuracy grid.

    Returns ``(error, worst_ratio)``: the largest relative error and the largest ratio of an
    error to its case's :func:`tolerance` (a check passes when that ratio is <= 1).
    """
    ns, alphas = accuracy_grid(quick)
    worst = ratio = 0.0
    for n in ns:
        for alpha in alphas:
            for m in wavenumber_indices(n, alpha):
                x, exact = analytic_case(n, m, alpha, kind, dx, dtype)
                for method in ("rfft", "fft"):
                    y = fracfft.derivative(x, alpha, kind=kind, dx=dx, method=method,
                                           backend=backend)
                    if y.dtype != x.dtype or y.shape != x.shape:
                        raise AssertionError(f"{backend}/{kind}: got {y.dtype}{y.shape}, "
                                             f"expected {x.dtype}{x.shape}")
                    err = relative_error(y, exact)
                    worst = max(worst, err)
                    ratio = max(ratio, err / tolerance(n, m, alpha, dtype))
    return worst, ratio


# On an empty Numba cache the manual FFT compiles once per precision, one after the other
# (mostly Python, under Numba's lock): about half of a first tour. A child process compiles
# the float32 kernels into the shared cache on another core while this one compiles float64;
# the float32 checks then load them. Only a cost of CPU time where nothing needed compiling.
_PREWARM_FLOAT32 = (
    "import numpy as np, fracfft\n"
    "for method in ('rfft', 'fft'):\n"
    "    fracfft.derivative(np.ones(16, np.float32), 0.5, method=method, backend='manual')\n")


def start_prewarm(backends):
    """Start the float32 compile of the manual FFT in a child process, or return None."""
    if "manual" not in backends or (os.cpu_count() or 1) < 2:
        return None
    try:
        return subprocess.Popen([sys.executable, "-c", _PREWARM_FLOAT32],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def finish_prewarm(child, timeout=300.0):
    """Wait for :func:`start_prewarm`'s child (killed past ``timeout`` s); its outcome is moot."""
    if child is None:
        return
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def run_accuracy(backends, quick, prewarm=None):
    """Check each backend; return ``({(backend, kind, dtype): error}, failed)``.

    ``prewarm`` is :func:`start_prewarm`'s child, waited for before the manual float32 checks.
    """
    results, failed = {}, False
    say(f"  {'backend':<8} {'kind':<6} {'float64':>10} {'float32':>10}   (max relative error; "
        f"a case fails above {SAFETY}*eps*sqrt(log2 n)*max(|xi|/k)**alpha)")
    for backend in backends:
        start = time.perf_counter()
        for kind in ("weyl", "riesz"):
            print(f"  {backend:<8} {kind:<6} ", end="", flush=True)
            cells = []
            for dtype in (np.dtype(np.float64), np.dtype(np.float32)):
                if backend == "manual" and dtype == np.float32:
                    finish_prewarm(prewarm)
                try:
                    err, ratio = check_accuracy(backend, kind, dtype, quick)
                except Exception as exc:  # noqa: BLE001 - a failing backend is a failed check
                    cells.append(f"FAILED ({dtype.name}: {type(exc).__name__}: {exc})")
                    failed = True
                    results[(backend, kind, dtype.name)] = math.inf
                    continue
                results[(backend, kind, dtype.name)] = err
                ok = ratio <= 1.0
                failed |= not ok
                cells.append(f"{err:10.1e}" + ("" if ok else " FAIL"))
            say(" ".join(cells))
        elapsed = time.perf_counter() - start
        if backend == "manual" and elapsed > 2.0:
            say(f"         (manual: {elapsed:.1f} s, mostly Numba compiling or loading its cache "
                "on first use)")
    return results, failed


# --------------------------------------------------------------------------- torch
# ------------------------------------------------------------------------------ causal kinds
# (kind, alpha, expected order) of D^alpha t^2 at t = 1; observed within ORDER_TOLERANCE.
_CAUSAL_ORDERS = (("gl", 0.5, 1.0), ("gl2", 0.5, 2.0), ("caputo", 0.5, 1.5))
ORDER_TOLERANCE = 0.15
ROUND_TRIP_TOLERANCE = 1e-10


def causal_order(kind, alpha, ns):
    """Errors of ``D^alpha t^2`` at ``t = 1`` for ``dx = 1/n`` and the observed order."""
    exact = 2.0 / math.gamma(3.0 - alpha)
    errs = []
    for n in ns:
        t = np.linspace(0.0, 1.0, n + 1)
        errs.append(abs(fracfft.derivative(t**2, alpha, kind=kind, dx=1.0 / n)[-1] - exact))
    return errs, math.log2(errs[-2] / errs[-1])


def run_causal(quick):
    """Print the causal section; return True when a check failed."""
    failed = False
    ns = (256, 512) if quick else (1024, 2048, 4096)
    for kind, alpha, expected in _CAUSAL_ORDERS:
        errs, order = causal_order(kind, alpha, ns)
        ok = abs(order - expected) <= ORDER_TOLERANCE
        failed |= not ok
        say(f"  {kind:<7} D^{alpha} t^2 at t=1: error {errs[-1]:.1e} at dx = 1/{ns[-1]}, "
            f"observed order {order:.2f} (expected {expected:g}){'' if ok else '  FAIL'}")
    n = ns[-1]
    t = np.linspace(0.0, 1.0, n + 1)
    err = abs(fracfft.derivative(np.exp(t), 0.5, kind="caputo", dx=1.0 / n)[-1]
              - math.e * math.erf(1.0))
    ok = err < 1e-3
    failed |= not ok
    say(f"  caputo  D^0.5 e^t at t=1 = e*erf(1) = 2.2906982523...: error {err:.1e} "
        f"(dx = 1/{n}){'' if ok else '  FAIL'}")
    m = 2000 if quick else 20000
    x = np.random.default_rng(0).standard_normal(m)
    for kind in ("gl", "gl2"):
        back = fracfft.derivative(fracfft.derivative(x, 0.4, kind=kind), -0.4, kind=kind)
        rel = float(np.linalg.norm(back - x) / np.linalg.norm(x))
        ok = rel <= ROUND_TRIP_TOLERANCE
        failed |= not ok
        say(f"  {kind:<7} inverse round trip D^-0.4 D^0.4 x, N = {m}: relative error "
            f"{rel:.1e}{'' if ok else '  FAIL'}")
    n = 1024 if quick else 8192
    x = x[:n] if x.size >= n else np.resize(x, n)
    w = fracfft.weights(n, 0.4)
    fracfft.derivative(x, 0.4, kind="gl")  # weights and their spectrum, cached
    ours = time_call(lambda: fracfft.derivative(x, 0.4, kind="gl"), 20, 0.5)
    dense = time_call(lambda: np.convolve(x, w)[:n], 5, 1.0)
    diff = float(np.abs(fracfft.derivative(x, 0.4, kind="gl") - np.convolve(x, w)[:n]).max())
    say(f"  gl      N = {n}: fracfft {ours * 1e3:.3f} ms, dense O(N^2) sum "
        f"{dense * 1e3:.3f} ms ({dense / ours:.0f}x), max difference {diff:.1e}")
    return failed


def import_torch_bridge():
    """Return ``(torch, fracfft.torch)`` or ``(None, reason)``."""
    try:
        import torch
    except ImportError:
        return None, "PyTorch is not installed (pip install fracfft[torch])"
    try:
        bridge = importlib.import_module("fracfft.torch")
    except Exception as exc:  # noqa: BLE001 - the bridge may be missing or broken
        return None, f"fracfft.torch is not importable ({type(exc).__name__}: {exc})"
    missing = [n for n in ("fractional_derivative", "FractionalDerivative")
               if not hasattr(bridge, n)]
    if missing:
        return None, f"fracfft.torch lacks {', '.join(missing)}"
    return torch, bridge


def module_alpha(module) -> float:
    """Return the current order of a :class:`fracfft.torch.FractionalDerivative`."""
    alpha = getattr(module, "alpha", None)
    if callable(alpha):
        alpha = alpha()
    if alpha is None:  # fall back on a BoundedAlphaParameter child
        for child in module.modules():
            if child is not module and type(child).__name__ == "BoundedAlphaParameter":
                alpha = child()
                break
    return float(alpha.detach().reshape(-1)[0]) if hasattr(alpha, "detach") else float(alpha)


def recover_alpha(torch, bridge, quick, true_alpha=0.7, start_alpha=0.3, seed=0):
    """Fit a learnable order to ``y = D^true_alpha x``; return ``(alpha, loss, steps)``."""
    n, batch = 128, 16
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    x = np.zeros((batch, n))
    for m in range(1, 9):  # smooth, mean-free, no Nyquist content
        amp = rng.normal(size=(batch, 1)) / m
        phase = rng.uniform(0, 2 * np.pi, size=(batch, 1))
        x += amp * np.sin(2 * np.pi * m * t / n + phase)
    y = fracfft.derivative(x, true_alpha)  # target from the NumPy API, independently
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    scale = float((yt**2).mean())

    layer = bridge.FractionalDerivative(alpha=start_alpha, learnable=True).double()
    steps = 120 if quick else 250

    def loss_fn():
        return ((layer(xt) - yt) ** 2).mean() / scale

    loss = adam_fit(torch, list(layer.parameters()), loss_fn, steps, lr=0.1)
    return module_alpha(layer), float(loss.detach()), steps


def adam_fit(torch, params, loss_fn, steps, lr, betas=(0.9, 0.999), eps=1e-8):
    r"""Minimise ``loss_fn()`` by Adam with a cosine-annealed step size; return the last loss.

    The update of ``torch.optim.Adam`` with its defaults and ``CosineAnnealingLR(T_max=steps)``:
    at step :math:`t = 1..T`, :math:`m \leftarrow \beta_1 m + (1-\beta_1) g`,
    :math:`v \leftarrow \beta_2 v + (1-\beta_2) g^2`,
    :math:`p \leftarrow p - \eta_t \hat m / (\sqrt{\hat v} + \epsilon)` with
    :math:`\hat m = m/(1-\beta_1^t)`, :math:`\hat v = v/(1-\beta_2^t)` and
    :math:`\eta_t = \eta\,(1 + \cos(\pi (t-1)/T))/2`. Written out because constructing any
    ``torch.optim`` optimizer imports ``torch._dynamo``: about 1.4 s of this tour's start.
    """
    b1, b2 = betas
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    for t in range(1, steps + 1):
        for p in params:
            p.grad = None
        loss = loss_fn()
        loss.backward()
        step = lr * (1 + math.cos(math.pi * (t - 1) / steps)) / 2
        with torch.no_grad():
            for p, (m, v) in zip(params, moments):
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                denom = (v.sqrt() / math.sqrt(1 - b2**t)).add_(eps)
                p.addcdiv_(m, denom, value=-step / (1 - b1**t))
    return loss


def time_call(fn, repeats, budget_s=1.0):
    """Median wall time of ``fn()`` over up to ``repeats`` runs (fewer when slow)."""
    # After one warm-up call (plans, caches, first-use compilation); the benchmarks' protocol.
    return _timing.time_call(fn, budget_s=budget_s, max_repeats=repeats)[0]


def timing_table(torch, bridge, quick):
    """Rows ``(shape, fracfft_s, native_s, max_abs_diff)`` of forward+backward timings."""
    sizes = ((8, 256),) if quick else ((8, 1024), (8, 16384))
    repeats = 5 if quick else 30
    gen = torch.Generator().manual_seed(0)
    rows = []
    for shape in sizes:
        x = torch.randn(shape, dtype=torch.float64, generator=gen, requires_grad=True)
        g = torch.randn(shape, dtype=torch.float64, generator=gen)
        alpha = torch.tensor(0.6, dtype=torch.float64, requires_grad=True)

        def spectral(op, x=x, alpha=alpha, g=g):
            def step():
                x.grad = alpha.grad = None
                y = op(x, alpha)
                (y * g).sum().backward()
                return y
            return step

        ours = spectral(lambda x, a: bridge.fractional_derivative(x, a))
        theirs = spectral(lambda x, a: native_weyl(torch, x, a))
        diff = float((ours().detach() - theirs().detach()).abs().max())
        # Interleaved, so that a busy machine slows both alike.
        med = _timing.medians(_timing.interleaved({"ours": ours, "theirs": theirs}, repeats,
                                                  budget_s=1.0, min_rounds=3))
        rows.append((shape, med["ours"], med["theirs"], diff))
    return rows


# --------------------------------------------------------------------------- plot
def write_plot(path, accuracy, backends):
    """D^alpha sin for alpha in [0, 2] and the per-backend errors, to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = 256
    t = 2 * np.pi * np.arange(n) / n
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    for alpha in np.linspace(0.0, 2.0, 9):
        y = fracfft.derivative(np.sin(t), alpha, dx=t[1])
        left.plot(t, y, color=plt.cm.viridis(alpha / 2), label=f"{alpha:g}")
    left.set(title=r"$D^\alpha \sin t$ (weyl): $\sin(t + \alpha\pi/2)$",
             xlabel="t", xlim=(0, 2 * np.pi))
    left.legend(title=r"$\alpha$", fontsize="x-small", ncol=3)

    alphas = np.linspace(-1.5, 2.5, 41)
    for backend in backends:
        for kind, style in (("weyl", "-"), ("riesz", "--")):
            errs = []
            for alpha in alphas:
                x, exact = analytic_case(97, 5, alpha, kind, 0.05)
                errs.append(relative_error(
                    fracfft.derivative(x, alpha, kind=kind, dx=0.05, backend=backend), exact))
            right.semilogy(alphas, np.maximum(errs, 1e-17), style, label=f"{backend} {kind}")
    right.set(title="relative error vs analytic (n = 97, float64)", xlabel=r"$\alpha$")
    right.legend(fontsize="x-small")
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --------------------------------------------------------------------------- main
def parse_args(argv=None):
    """Command-line options of ``python -m fracfft``."""
    parser = argparse.ArgumentParser(
        prog="python -m fracfft",
        description="Check this fracfft installation: FFT backends, accuracy against analytic "
                    "values, a learnable order recovered with PyTorch, and timings.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="fewer sizes, orders and repeats (a few seconds)")
    parser.add_argument("--no-torch", action="store_true",
                        help="skip the PyTorch parts even when torch is installed")
    parser.add_argument("--plot", metavar="FILE",
                        help="write a matplotlib figure of D^alpha sin (alpha in 0..2) and the "
                             "errors per backend to FILE (e.g. fracfft.png)")
    parser.add_argument("--backends", metavar="A,B",
                        help="comma-separated FFT backends to check (default: every one "
                             f"installed; names: {', '.join(_backends.BY_NAME)})")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Run the tour; return the exit status."""
    args = parse_args(argv)
    names = list(_backends.BY_NAME)
    wall = time.perf_counter()
    say(f"fracfft {fracfft.__version__}  (Python {platform.python_version()}, "
        f"NumPy {np.__version__}, {os.cpu_count()} CPUs)")
    requested = None
    if args.backends:
        requested = [b.strip().lower() for b in args.backends.split(",") if b.strip()]
        unknown = [b for b in requested if b not in names]
        if unknown:
            say(f"error: unknown backend(s) {', '.join(unknown)}; choose from "
                f"{', '.join(names)}")
            return 2

    prewarm = start_prewarm(names if requested is None else requested)
    say("\n[1/4] FFT backends")
    def report(name, ok, text, seconds):
        if ok is None:
            print(f"  {name:<8} ", end="", flush=True)
            return
        slow = (f"  (loaded in {seconds:.1f} s: Numba compiles on first use, then caches)"
                if seconds > 2.0 else "")
        say(f"{text}{slow}")

    found = probe_backends([b for b in names if requested is None or b in requested], report)
    for name in names:
        if name not in found:
            say(f"  {name:<8} not probed (not in --backends)")
    say(f"  default: {fracfft.get_fft_backend()!r} (auto tries "
        f"{', then '.join(_backends.HOST_CHAIN)}; {', then '.join(_backends.DEVICE_CHAIN)} "
        "for GPU arrays)")

    say("\n[2/4] Accuracy against analytic values: D^a sin(kt) on t = dx*arange(n)")
    ns, alphas = accuracy_grid(args.quick)
    say(f"  n in {ns}, alpha in {alphas}, methods rfft and fft, dx = 0.05,")
    say("  k = 2*pi*m/(n*dx) with m in {1, 3} for alpha <= 0 and {n//8, n//3} for alpha > 0")
    candidates = requested if requested is not None else list(_backends.HOST)
    tested = []
    for name in candidates:
        ok, text = found.get(name, (False, "?"))
        if not _backends.BY_NAME[name].host:
            say(f"  {name}: skipped (GPU arrays only; the host tour does not exercise it)")
        elif not ok:
            say(f"  {name}: skipped ({text})")
        else:
            tested.append(name)
    failed = False
    accuracy = {}
    if tested:
        accuracy, failed = run_accuracy(tested, args.quick, prewarm)
    elif requested is not None:
        say("  no requested backend is available")
        failed = True
    finish_prewarm(prewarm)  # never left running past the accuracy checks

    say("\n[2/4] Accuracy of the causal kinds gl, gl2, caputo (full history, zero-padded FFT)")
    try:
        failed |= run_causal(args.quick)
    except Exception as exc:  # noqa: BLE001 - report and fail, keep going
        failed = True
        say(f"  FAILED: {type(exc).__name__}: {exc}")

    torch = bridge = None
    if args.no_torch:
        reason = "--no-torch given"
    else:
        torch, bridge = import_torch_bridge()
        reason = bridge if torch is None else None

    say("\n[3/4] Learnable order recovered from synthetic data (PyTorch)")
    if reason:
        say(f"  skipped: {reason}")
    else:
        try:
            start = time.perf_counter()
            alpha, loss, steps = recover_alpha(torch, bridge, args.quick)
            err = abs(alpha - 0.7)
            ok = err <= ALPHA_TOLERANCE
            failed |= not ok
            say(f"  FractionalDerivative 0.3 -> true 0.7 with Adam, {steps} steps: "
                f"recovered alpha = {alpha:.5f}, |error| = {err:.1e}, loss = {loss:.1e} "
                f"({time.perf_counter() - start:.1f} s){'' if ok else '  FAIL'}")
        except Exception as exc:  # noqa: BLE001 - report and fail, keep going
            failed = True
            say(f"  FAILED: {type(exc).__name__}: {exc}")

    say("\n[4/4] Forward+backward timings (gradients to x and alpha), float64, one thread")
    if reason:
        say(f"  skipped: {reason}")
    else:
        threads = torch.get_num_threads()
        try:
            # One thread each: fracfft's FFTs follow torch's thread count, and a single thread
            # keeps the comparison stable on a busy machine. benchmarks/run.py does more.
            torch.set_num_threads(1)
            rows = timing_table(torch, bridge, args.quick)
            say(f"  {'shape':<12} {'fracfft':>10} {'native torch':>13} {'ratio':>7}  "
                "(median; ratio = native / fracfft, > 1: fracfft faster)")
            for shape, ours, theirs, diff in rows:
                say(f"  {str(tuple(shape)):<12} {ours * 1e3:8.3f}ms {theirs * 1e3:11.3f}ms "
                    f"{theirs / ours:7.2f}")
                if diff > 1e-8:
                    failed = True
                    say(f"  FAIL: fracfft and native torch differ by {diff:.1e}")
            say("  native torch: torch.fft.irfft(torch.fft.rfft(x) * K(alpha), n) with K built "
                "from the same symbol; its gradients come from autograd through the FFT graph")
        except Exception as exc:  # noqa: BLE001
            failed = True
            say(f"  FAILED: {type(exc).__name__}: {exc}")
        finally:
            torch.set_num_threads(threads)

    if args.plot:
        try:
            write_plot(args.plot, accuracy, tested or ["scipy"])
            say(f"\nwrote {args.plot}")
        except ImportError as exc:
            say(f"\n--plot skipped: matplotlib is needed ({exc})")

    status = "FAILED: see the lines marked FAIL above" if failed else "all checks passed"
    say(f"\n{status} ({time.perf_counter() - wall:.1f} s)")
    return 1 if failed else 0


def exit_now(status: int) -> None:
    """Flush the output and end the process without the interpreter's teardown.

    Tearing down torch's modules takes about half a second after the tour's last line (0.5 s
    after a bare ``import torch`` here, 0.8 s after the tour), for nothing the tour needs:
    it holds no open files and writes the Numba cache as it compiles. Only for
    ``python -m fracfft``; :func:`main` itself returns normally.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing left to deliver
            pass
    os._exit(status)


if __name__ == "__main__":
    exit_now(main())
