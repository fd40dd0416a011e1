"""The one place where torch tensors become arrays for the engine, and arrays become tensors.

* CPU tensors become NumPy arrays **without a copy** (``Tensor.numpy()`` on a detached tensor
  shares its memory, strides included). Only a lazy conjugate or negative bit, which NumPy
  cannot express, is materialised (``resolve_conj`` / ``resolve_neg``). Expanded (stride 0)
  and non-contiguous tensors are handed over as strided views; the engine only reads its input
  and always writes its results to fresh arrays, so the user's tensor is never modified.
* CUDA tensors become numba.cuda device arrays (``numba.cuda.as_cuda_array`` through
  ``__cuda_array_interface__``) on the tensor's device: no host round trip. Work is ordered
  after the tensor's current stream (see :func:`cuda_stream_guard`).
* Results come back as tensors sharing the array's memory: ``torch.from_numpy`` on the host,
  ``torch.as_tensor`` over ``__cuda_array_interface__`` on the GPU.

Nothing else in the package imports torch.
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch

__all__ = ["cuda_stream_guard", "from_array", "to_array"]


def _plain(t: torch.Tensor) -> torch.Tensor:
    """Detach and resolve the lazy conjugate / negative bits (copies only when one is set)."""
    t = t.detach()
    if t.is_conj():
        t = t.resolve_conj()
    if t.is_neg():
        t = t.resolve_neg()
    return t


def to_array(t: torch.Tensor):
    """Return ``t``'s data as a NumPy array (CPU) or a numba.cuda device array (CUDA).

    Zero-copy whenever NumPy / numba can describe the tensor's layout, which for torch is every
    strided layout (torch has no negative strides; stride 0 and gaps are fine). The result may
    alias ``t``: callers must treat it as read-only.

    Raises
    ------
    TypeError
        For a dtype NumPy cannot hold (bfloat16: cast it first) or a non-strided tensor.
    """
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor; got {type(t).__name__}")
    if t.is_cpu:  # the common case first (issue 14)
        try:
            # detach().resolve_conj().resolve_neg().numpy() in one call; numpy() refuses every
            # layout and dtype it cannot describe, and those get the checks below
            return t.numpy(force=True)
        except (RuntimeError, TypeError):
            pass
    if t.layout is not torch.strided:
        raise TypeError(f"only dense (strided) tensors are supported; got layout {t.layout}")
    if t.dtype is torch.bfloat16:
        raise TypeError("bfloat16 has no NumPy dtype; cast to float32 first")
    t = _plain(t)
    if t.device.type == "cuda":
        from numba import cuda

        with cuda.gpus[t.device.index if t.device.index is not None else 0]:
            return cuda.as_cuda_array(t)
    if t.device.type != "cpu":
        raise TypeError(f"tensors on device {t.device} are not supported (CPU or CUDA only)")
    return t.numpy()


def from_array(a, device: torch.device | None = None) -> torch.Tensor:
    """Wrap an engine result as a tensor without copying.

    ``a`` is a fresh array the engine allocated (never a view of a user's input), so sharing its
    memory is safe. Host layouts torch cannot take (negative strides, non-native byte order,
    read-only buffers) are copied once.
    """
    if type(a) is np.ndarray and a.flags.writeable:  # the engine's usual result (issue 14)
        try:
            out = torch.from_numpy(a)  # refuses negative strides and a foreign byte order
        except ValueError:
            pass
        else:
            return out if device is None or device.type == "cpu" else out.to(device)
    if isinstance(a, np.ndarray):
        if (not a.flags.writeable or not a.dtype.isnative
                or any(s < 0 for s in a.strides)):
            a = np.array(a, dtype=a.dtype.newbyteorder("=") if not a.dtype.isnative else a.dtype,
                         copy=True)
        out = torch.from_numpy(a)
        return out if device is None or device.type == "cpu" else out.to(device)
    if isinstance(a, (int, float, complex, np.generic)):
        return torch.as_tensor(a, device=device)
    if hasattr(a, "__cuda_array_interface__"):
        return torch.as_tensor(a, device=device if device is not None else "cuda")
    raise TypeError(f"cannot turn {type(a).__name__} into a tensor")


@contextlib.contextmanager
def cuda_stream_guard(t: torch.Tensor):
    """Order engine work on CUDA tensor ``t`` after torch's work, and torch's after the engine's.

    The engine's kernels and cuFFT calls run on the device's legacy default stream. When torch's
    current stream is that stream too, ordering is already right and nothing is synchronised.
    Otherwise the current torch stream is drained before the engine reads, and the torch stream
    is made to wait for the default stream afterwards (device-side, no host round trip of data).
    A no-op for CPU tensors.
    """
    if t.device.type != "cuda":
        yield
        return
    current = torch.cuda.current_stream(t.device)
    default = torch.cuda.default_stream(t.device)
    if current.cuda_stream == default.cuda_stream:
        with torch.cuda.device(t.device):
            yield
        return
    default.wait_stream(current)
    with torch.cuda.device(t.device):
        yield
    current.wait_stream(default)
