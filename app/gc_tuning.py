"""The cycle collector's settings for a long-running server with many sockets.

A full pass of the collector over a thousand sockets' objects stalls the event loop for
~100 ms. What start-up loaded lives as long as the process, so it is frozen out of those
passes, and passes run less often (CPython's default is 700, 10, 10); most garbage here
is freed by reference counting anyway. The benchmark's baseline server calls this too,
so that the two are compared with the same settings.
"""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 20, 100)


def tune_collector() -> None:
    """Freeze what is alive now out of the collector's passes, and space the passes out."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
