"""fracfft._dlpack: tensors to engine arrays and back, without copies where possible."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from fracfft import _dlpack  # noqa: E402


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(7)


def test_cpu_tensor_is_zero_copy(gen):
    t = torch.randn(4, 6, generator=gen, dtype=torch.float64, requires_grad=True)
    a = _dlpack.to_array(t)
    assert isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == (4, 6)
    assert a.ctypes.data == t.data_ptr()
    np.testing.assert_array_equal(a, t.detach().numpy())


@pytest.mark.parametrize("make", [
    lambda t: t.t(),
    lambda t: t[:, ::3],
    lambda t: t[1:2].expand(5, t.shape[1]),
    lambda t: t.unsqueeze(0).expand(3, *t.shape),
])
def test_strided_layouts_are_views(gen, make):
    base = torch.randn(5, 9, generator=gen, dtype=torch.float64)
    t = make(base)
    a = _dlpack.to_array(t)
    assert np.shares_memory(a, base.numpy())
    assert a.strides == tuple(s * t.element_size() for s in t.stride())
    np.testing.assert_array_equal(a, t.contiguous().numpy())


def test_conjugate_and_negative_bits_are_resolved(gen):
    z = torch.complex(torch.randn(3, 4, generator=gen, dtype=torch.float64),
                      torch.randn(3, 4, generator=gen, dtype=torch.float64))
    zc = z.conj()
    a = _dlpack.to_array(zc)
    np.testing.assert_array_equal(a, np.conj(z.numpy()))
    assert zc.is_conj() and not np.shares_memory(a, z.numpy())
    n = torch._neg_view(z)
    assert n.is_neg()
    np.testing.assert_array_equal(_dlpack.to_array(n), -z.numpy())


def test_to_array_rejects():
    with pytest.raises(TypeError, match="bfloat16"):
        _dlpack.to_array(torch.zeros(3, dtype=torch.bfloat16))
    with pytest.raises(TypeError, match="strided"):
        _dlpack.to_array(torch.zeros(3, 3).to_sparse())
    with pytest.raises(TypeError, match="Tensor"):
        _dlpack.to_array(np.zeros(3))


def test_from_array_is_zero_copy():
    a = np.arange(12.0).reshape(3, 4)
    t = _dlpack.from_array(a)
    assert t.data_ptr() == a.ctypes.data and t.dtype == torch.float64
    c = np.ones(5, dtype=np.complex64)
    assert _dlpack.from_array(c).dtype == torch.complex64


def test_from_array_copies_layouts_torch_cannot_share():
    a = np.arange(10.0)[::-1]  # negative stride
    t = _dlpack.from_array(a)
    np.testing.assert_array_equal(t.numpy(), a)
    ro = np.arange(4.0)
    ro.flags.writeable = False
    t2 = _dlpack.from_array(ro)  # no "non-writable array" UserWarning (filterwarnings=error)
    assert not np.shares_memory(t2.numpy(), ro)
    be = np.arange(4.0).astype(">f8")
    t3 = _dlpack.from_array(be)
    np.testing.assert_array_equal(t3.numpy(), np.arange(4.0))


def test_from_array_scalar():
    t = _dlpack.from_array(np.float64(2.5))
    assert t.shape == () and float(t) == 2.5


def test_stream_guard_is_noop_on_cpu():
    with _dlpack.cuda_stream_guard(torch.zeros(2)):
        pass


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_round_trip_stays_on_device():
    t = torch.arange(8.0, device="cuda", dtype=torch.float64)
    with _dlpack.cuda_stream_guard(t):
        a = _dlpack.to_array(t)
    assert hasattr(a, "__cuda_array_interface__")
    assert a.__cuda_array_interface__["data"][0] == t.data_ptr()
    back = _dlpack.from_array(a, t.device)
    assert back.is_cuda and back.data_ptr() == t.data_ptr()
