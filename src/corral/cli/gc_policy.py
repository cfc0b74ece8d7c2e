"""The cyclic garbage collector's policy for the `corral` process.

A corral run builds most of its objects before it touches a host — some 700
modules with their classes, functions and constants, then the loaded playbook
and inventory — and keeps them until it exits. The collector does not know
that: while corral starts, it walks the growing heap every 700 allocations for
cycles that are not there (~60 ms of a 10-host run); every full collection
during the run walks it again; and at exit the interpreter's last collections
walk everything once more (~100 ms), just before the process ends anyway.

So the ``corral`` entry point:
- pauses the collector from its first line (``PausedCollector``);
- when the run begins (``resume``; the commands that touch no host resume it as
  soon as their options are parsed), collects first if the start built a big heap
  (a big inventory's loading leaves cycles), freezes what the start built (``gc.freeze``:
  those objects move to a generation the collector never walks; reference
  counting still frees whatever is dropped) and resumes the collector, so that
  the run's own garbage (futures, exceptions, SSH packets per host) stays bounded
  at thousands of hosts;
- freezes everything once more as the very last exit hook (``freeze_at_exit``),
  so the interpreter's final collections have nothing left to walk.

Only the entry point does this; ``import corral`` (a library user, the tests)
leaves the collector as it is. ``gc_paused`` is the library-safe pause for one
big load.
"""

from __future__ import annotations

import atexit
import gc

COLLECT_FIRST_ABOVE = 150_000
"""Objects made while paused past which ``resume`` collects before it freezes. A
10-host run resumes at ~95,000 with under 1,000 in garbage cycles (a collection would
cost 30-70 ms for nothing); a 5,000-host inventory at ~205,000, 110,000 of them
garbage cycles its loading left, which a freeze would keep for the whole run."""


class PausedCollector:
    """The collector, paused from the process's start until ``resume``."""

    def __init__(self, was_enabled: bool | None = None) -> None:
        """``was_enabled``: whether the collector was on before the caller paused it."""
        self._was_enabled = gc.isenabled() if was_enabled is None else was_enabled
        self._paused = True
        gc.disable()

    def resume(self) -> None:
        """Freeze what was built so far and turn the collector back on (once)."""
        if not self._paused:
            return
        self._paused = False
        if gc.get_count()[0] > COLLECT_FIRST_ABOVE:
            gc.collect()
        gc.freeze()
        if self._was_enabled:
            gc.enable()


def freeze_at_exit() -> None:
    """Freeze the heap when the interpreter exits, after every exit hook registered later."""
    atexit.register(gc.freeze)
