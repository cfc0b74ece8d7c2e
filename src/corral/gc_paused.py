"""Pause Python's cyclic garbage collector while a big input is loaded.

Loading a 100,000-host inventory allocates millions of small containers (nodes,
dicts, tuples) and frees almost none: the collector, triggered every 700
allocations, walks the growing heap again and again for cycles that are not there
(2/3 of libyaml's compose time). Reference counting still frees everything that is
not a cycle; the collector resumes, as it was, when the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block (if it was on), then restore it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
