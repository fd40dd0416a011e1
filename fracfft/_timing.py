"""The one timing protocol of ``python -m fracfft`` and every script in ``benchmarks/``.

:func:`interleaved` times several callables round after round, each once per round, in an
order that changes between rounds, so that the load of a shared machine and warm or cold
caches hit them alike; :func:`time_call` is the one-callable case with a time budget. Standard
library only: importing it costs nothing.
"""

from __future__ import annotations

import random
import statistics
import time

__all__ = ["interleaved", "medians", "time_call"]


def interleaved(fns, rounds, *, warmup=1, order="shuffle", seed=0, budget_s=None,
                min_rounds=1, setup=None, clock=time.perf_counter, loops=1,
                self_timed=False):
    """Time the callables of ``fns`` in turn; return ``{name: [time of each round]}``.

    Parameters
    ----------
    fns : dict
        ``{name: fn}``; ``fn()`` takes no argument. Its return value is dropped at once, inside
        the timing (a result to be freed untimed can be kept by ``fn`` and dropped by
        ``setup``).
    rounds : int
        Recorded rounds at most; in each, every ``fn`` is called once (``loops`` times).
    warmup : int
        Rounds run first and not recorded (plans, caches, first-use compilation).
    order : {"shuffle", "alternate", "fixed"}
        The order of the calls within a round: a fresh order every round drawn from
        ``random.Random(seed)`` (whichever callable follows another of the same code path finds
        its caches warm, and a fixed order would hand that to one of them); the order of
        ``fns``, reversed every other round; or always the order of ``fns``.
    budget_s : float, optional
        Stop once this many seconds have passed since the warm-up and ``min_rounds`` rounds
        are recorded.
    min_rounds : int
        With ``budget_s``: rounds recorded however long they take.
    setup : callable, optional
        ``setup(name, i)`` runs untimed before each call; ``i`` counts rounds from 0, warm-up
        included.
    clock : callable
        Read before and after each call; the time is the difference (``time.thread_time``
        for CPU time of this thread; a function returning a NumPy array of several clocks
        times them all at once).
    loops : int
        Calls per timed stretch; the time recorded is the stretch's over ``loops``.
    self_timed : bool
        ``fn()`` returns its own measurement (e.g. one taken in a subprocess), which is
        recorded as it is; ``clock`` and ``loops`` are then unused.

    Returns
    -------
    dict
        ``{name: list}`` of the recorded measurements, one per round.
    """
    names = list(fns)
    times = {name: [] for name in names}
    shuffle = random.Random(seed).shuffle
    deadline = None
    i = 0
    while True:
        recorded = i - warmup
        if recorded >= rounds:
            break
        if recorded == 0 and budget_s is not None:
            deadline = time.perf_counter() + budget_s
        if (deadline is not None and recorded >= min_rounds
                and time.perf_counter() >= deadline):
            break
        if order == "shuffle":
            shuffle(names)
        elif order == "alternate" and i:
            names.reverse()
        for name in names:
            if setup is not None:
                setup(name, i)
            fn = fns[name]
            if self_timed:
                value = fn()
            else:
                start = clock()
                for _ in range(loops):
                    fn()
                value = (clock() - start) / loops
            if recorded >= 0:
                times[name].append(value)
        i += 1
    return times


def medians(times):
    """``{name: median}`` of the lists :func:`interleaved` returns."""
    return {name: statistics.median(t) for name, t in times.items()}


def time_call(fn, *, budget_s, max_repeats, min_repeats=3, warmup=True):
    """Median and count of wall times of ``fn()``, and the warm-up's time (or None).

    Runs at least ``min_repeats`` times (1 when the warm-up alone took longer than
    ``budget_s``) and stops after ``max_repeats`` or once ``budget_s`` is spent.
    """
    first = None
    if warmup:
        start = time.perf_counter()
        fn()
        first = time.perf_counter() - start
        if first > budget_s:
            min_repeats = 1
    times = interleaved({"fn": fn}, max_repeats, warmup=0, order="fixed", budget_s=budget_s,
                        min_rounds=min_repeats)["fn"]
    return float(statistics.median(times)), len(times), first
