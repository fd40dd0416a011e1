"""``python -m fracfft``: the newcomer's first command runs, reports and exits cleanly."""

import importlib.util
import os
import subprocess
import sys

import pytest

HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_MPL = importlib.util.find_spec("matplotlib") is not None


def run_main(*args, timeout=120):
    env = dict(os.environ, PYTHONWARNINGS="default")
    proc = subprocess.run([sys.executable, "-m", "fracfft", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)
    return proc.returncode, proc.stdout, proc.stderr


def test_help_lists_options():
    rc, out, _ = run_main("--help")
    assert rc == 0
    for option in ("--quick", "--no-torch", "--plot", "--backends"):
        assert option in out


def test_quick_tour_passes():
    rc, out, err = run_main("--quick")
    assert rc == 0, out + err
    assert "[1/4] FFT backends" in out
    assert "scipy    scipy " in out and "numpy    numpy " in out
    assert "[2/4] Accuracy" in out
    assert "  scipy    weyl " in out and "  scipy    riesz " in out
    assert "FAIL" not in out
    assert "all checks passed" in out
    if not HAVE_TORCH:
        assert "skipped: PyTorch is not installed" in out
    elif "skipped: fracfft.torch is not importable" not in out:
        assert "recovered alpha = " in out
        assert "native torch" in out


def test_no_torch_runs_numpy_parts_and_says_what_it_skipped():
    rc, out, err = run_main("--quick", "--no-torch", "--backends", "scipy,numpy")
    assert rc == 0, out + err
    assert "  numpy    weyl " in out
    assert "manual   not probed" in out
    assert out.count("skipped: --no-torch given") == 2
    assert "recovered alpha" not in out


def test_backends_option_restricts_the_accuracy_check():
    rc, out, err = run_main("--quick", "--no-torch", "--backends", "numpy")
    assert rc == 0, out + err
    assert "  numpy    weyl " in out
    assert "  scipy    weyl " not in out


def test_unknown_backend_is_an_error():
    rc, out, _ = run_main("--quick", "--no-torch", "--backends", "nosuch")
    assert rc == 2
    assert "unknown backend" in out and "nosuch" in out


@pytest.mark.skipif(not HAVE_MPL, reason="matplotlib is not installed")
def test_plot_writes_a_png(tmp_path):
    path = tmp_path / "tour.png"
    rc, out, err = run_main("--quick", "--no-torch", "--backends", "scipy", "--plot", str(path))
    assert rc == 0, out + err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_accuracy_helpers_agree_with_the_spec_formulas():
    import numpy as np

    from fracfft.__main__ import analytic_case

    n, m, dx, alpha = 16, 3, 0.1, 0.5
    x, exact = analytic_case(n, m, alpha, "weyl", dx)
    t = dx * np.arange(n)
    k = 2 * np.pi * m / (n * dx)
    np.testing.assert_allclose(x, np.sin(k * t), atol=1e-13)
    np.testing.assert_allclose(exact, k**alpha * np.sin(k * t + alpha * np.pi / 2), atol=1e-13)


@pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")
def test_adam_fit_is_torch_adam_with_cosine_annealing():
    """The tour's written-out Adam takes the steps of torch.optim.Adam + CosineAnnealingLR."""
    import torch

    from fracfft.__main__ import adam_fit

    target = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)

    def make():
        p = torch.tensor([1.0, 0.5, -0.7], dtype=torch.float64, requires_grad=True)
        q = torch.tensor(0.25, dtype=torch.float64, requires_grad=True)
        return p, q, lambda: ((p - target) ** 4).sum() + torch.exp(q) * (p**2).sum()

    steps = 40
    p, q, loss_fn = make()
    opt = torch.optim.Adam([p, q], lr=0.1)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
        sched.step()
    p2, q2, loss_fn2 = make()
    adam_fit(torch, [p2, q2], loss_fn2, steps, lr=0.1)
    assert not torch.equal(p2, make()[0])  # it moved
    eps = torch.finfo(torch.float64).eps
    torch.testing.assert_close(p2, p, rtol=1e3 * eps, atol=1e3 * eps)
    torch.testing.assert_close(q2, q, rtol=1e3 * eps, atol=1e3 * eps)


def test_float32_prewarm_child_runs_and_is_skipped_without_manual():
    """The tour's float32 compile child (start_prewarm) runs the manual FFT and exits cleanly;
    without "manual" among the backends, or on one CPU, there is no child."""
    import os

    from fracfft.__main__ import finish_prewarm, start_prewarm

    assert start_prewarm(["scipy", "numpy"]) is None
    child = start_prewarm(["scipy", "manual"])
    if (os.cpu_count() or 1) < 2:
        assert child is None
        return
    finish_prewarm(child, timeout=600)
    assert child.returncode == 0


def test_exit_now_delivers_buffered_output_and_the_status():
    """``python -m fracfft`` ends with os._exit (no interpreter teardown): what is still in
    the stdout and stderr buffers must reach the reader, and the status must be the one given."""
    code = ("import sys\n"
            "from fracfft.__main__ import exit_now\n"
            "sys.stdout.write('out, no newline')\n"
            "sys.stderr.write('err, no newline')\n"
            "exit_now(3)\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered pipes
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 3
    assert proc.stdout == "out, no newline"
    assert proc.stderr.endswith("err, no newline")
