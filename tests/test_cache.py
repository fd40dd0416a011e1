"""The byte-bounded symbol cache: budget, LRU order, admission, read-only arrays, env var."""

import os
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

import fracfft
from fracfft import _cache, symbols
from fracfft._cache import ByteLRU


@pytest.fixture
def fresh_cache(monkeypatch):
    """A private symbol cache per test, so counts do not depend on what ran before."""
    cache = ByteLRU(_cache.DEFAULT_MAX_BYTES)
    monkeypatch.setattr(symbols, "_CACHE", cache)
    return cache


def held(cache):
    """Bytes really held, counted from the stored arrays (not from the cache's own tally)."""
    values = cache._data.values()
    return sum(a.nbytes for v in values for a in (v if isinstance(v, tuple) else (v,)))


def arr(nbytes, fill=0.0):
    return np.full(nbytes // 8, fill)


def test_never_holds_more_than_its_budget(rng):
    cache = ByteLRU(10_000)
    for _ in range(400):
        key = int(rng.integers(0, 40))
        size = 8 * int(rng.integers(1, 1800))  # some entries alone exceed the budget
        value = cache.get(key, lambda size=size, key=key: arr(size, key))
        assert value[0] == key
        info = cache.info()
        assert held(cache) == info.nbytes <= info.max_bytes
    assert info.entries > 0 and info.hits > 0


def test_least_recently_used_goes_first():
    cache = ByteLRU(3 * 800, admit_on_first=True)
    for key in "abc":
        cache.get(key, lambda: arr(800))
    cache.get("a", lambda: pytest.fail("a is cached"))  # a is now the most recent
    cache.get("d", lambda: arr(800))  # evicts b, the least recently used
    assert set(cache._data) == {"c", "a", "d"}
    assert cache.info().hits == 1 and cache.info().misses == 4


def test_admission_on_second_request():
    cache = ByteLRU(1 << 20)
    builds = []

    def build():
        builds.append(1)
        return arr(800)

    first = cache.get("k", build)
    assert cache.info().entries == 0 and not first.flags.writeable  # read-only all the same
    second = cache.get("k", build)
    third = cache.get("k", build)
    assert third is second and len(builds) == 2 and cache.info().entries == 1


def test_too_large_is_never_stored_and_zero_disables():
    cache = ByteLRU(799, admit_on_first=True)
    cache.get("big", lambda: arr(800))
    assert cache.info().entries == 0
    cache.set_max_bytes(0)
    cache.get("small", lambda: arr(8))
    assert cache.info().nbytes == 0


def test_lowering_the_budget_evicts_at_once():
    cache = ByteLRU(8000, admit_on_first=True)
    for key in range(8):
        cache.get(key, lambda: arr(1000))
    assert cache.set_max_bytes(2500) == 8000
    assert cache.info().nbytes == 2000 == held(cache)
    assert set(cache._data) == {6, 7}


@pytest.mark.parametrize("text,value", [("0", 0), ("4096", 4096), ("64M", 64 << 20),
                                        ("1G", 1 << 30), ("512k", 512 << 10), ("2MiB", 2 << 20)])
def test_parse_bytes(text, value):
    assert _cache.parse_bytes(text) == value


@pytest.mark.parametrize("bad,exc", [(-1, ValueError), ("lots", ValueError), (1.5, TypeError),
                                     (True, TypeError), (None, TypeError)])
def test_bad_budget_names_the_argument(bad, exc):
    with pytest.raises(exc, match="max_bytes"):
        fracfft.set_symbol_cache(bad)


def test_set_symbol_cache_round_trip(fresh_cache):
    old = fracfft.set_symbol_cache("1M")
    assert old == _cache.DEFAULT_MAX_BYTES
    assert fracfft.symbol_cache_info().max_bytes == 1 << 20
    assert fracfft.set_symbol_cache(old) == 1 << 20


def test_fixed_order_loop_reuses_one_readonly_symbol(fresh_cache, rng):
    x = rng.standard_normal((16, 12, 10))
    ref = fracfft.fractional_laplacian(x, 0.75)
    for _ in range(5):
        np.testing.assert_array_equal(fracfft.fractional_laplacian(x, 0.75), ref)
    info = fracfft.symbol_cache_info()
    assert info.entries == 1 and info.hits == 4 and info.misses == 2
    assert info.nbytes == 16 * 12 * 6 * 8  # one float64 half-spectrum symbol
    (k,) = fresh_cache._data.values()
    assert not k.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        k[0, 0, 0] = 1.0


def test_changing_order_does_not_fill_memory(fresh_cache, rng):
    """50 different orders on a large grid: no symbol is kept, no memory grows."""
    x = rng.standard_normal((64, 64, 64))
    one_symbol = 64 * 64 * 33 * 8
    fracfft.fractional_laplacian(x, 0.95)  # warm-up (FFT plans), an order not used below
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for i in range(50):
            fracfft.fractional_laplacian(x, 0.3 + 0.01 * i)
            assert fracfft.symbol_cache_info().nbytes <= one_symbol
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < one_symbol  # NumPy reports its buffers to tracemalloc
    assert fracfft.symbol_cache_info().nbytes == 0


def test_budget_holds_when_every_order_repeats(fresh_cache, rng):
    """Orders requested twice are admitted; the budget still bounds the total."""
    budget = 5 * 32 * 32 * 17 * 8 + 100
    fracfft.set_symbol_cache(budget)
    x = rng.standard_normal((32, 32, 32))
    for i in range(20):
        for _ in range(2):
            fracfft.fractional_laplacian(x, 0.3 + 0.01 * i)
            info = fracfft.symbol_cache_info()
            assert held(fresh_cache) == info.nbytes <= budget
    assert info.entries == 5


def test_single_precision_symbols_are_built_as_float32(fresh_cache, rng):
    x = rng.standard_normal((16, 20, 12)).astype(np.float32)
    y = fracfft.fractional_laplacian(x, 0.6)
    y64 = fracfft.fractional_laplacian(x.astype(np.float64), 0.6)
    assert y.dtype == np.float32
    eps32 = np.finfo(np.float32).eps
    assert np.linalg.norm(y - y64) <= 16 * eps32 * np.sqrt(np.log2(20)) * np.linalg.norm(y64)
    k = symbols.grid_symbol(3, (0, 1, 2), (16, 20, 12), (1.0,) * 3, True, 1.2, "laplacian",
                            "forward", True)
    assert k.dtype == np.float32
    k64 = symbols.grid_symbol(3, (0, 1, 2), (16, 20, 12), (1.0,) * 3, True, 1.2, "laplacian",
                              "forward")
    np.testing.assert_allclose(k, k64, rtol=2 * eps32, atol=0)


def test_per_channel_orders_are_cached_by_value(fresh_cache, rng):
    x = rng.standard_normal((3, 16, 16))
    alphas = [np.array([[[0.5]], [[1.0]], [[1.5]]]) for _ in range(3)]  # equal, distinct objects
    outs = [fracfft.derivative(x, a, (1, 2), kind="riesz") for a in alphas]
    assert fracfft.symbol_cache_info().hits == 1 and fracfft.symbol_cache_info().entries == 1
    np.testing.assert_array_equal(outs[0], outs[2])
    other = fracfft.derivative(x, alphas[0] + 0.1, (1, 2), kind="riesz")
    assert fracfft.symbol_cache_info().misses == 3
    assert not np.allclose(other, outs[0])


def _run(code, **env):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_environment_variable_sets_the_default():
    code = "import fracfft; print(fracfft.symbol_cache_info().max_bytes)"
    assert _run(code, FRACFFT_SYMBOL_CACHE_BYTES="3M").stdout.strip() == str(3 << 20)
    bad = _run(code, FRACFFT_SYMBOL_CACHE_BYTES="plenty")
    assert bad.returncode != 0 and "FRACFFT_SYMBOL_CACHE_BYTES" in bad.stderr
