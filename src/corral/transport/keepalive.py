"""SSH keepalives: every 15 s while a request runs, every 2 minutes while a host waits.

In a linear play a host that finished a task waits, idle, for the rest of the fleet;
a keepalive costs the controller ~0.1 ms of CPU, so at 15 s for every connection the
cost grows with hosts x run time, and per host with the size of the run (measured on
the stand-in fleet: 6.4 ms a host at 1,000 hosts, 10 ms at 5,000). While a request is
in flight the short interval stays, so a host that dies under a task is found in
45 s; between requests a keepalive every 2 minutes keeps NAT and firewall state alive
(AWS drops idle flows after 350 s) and finds a dead host before its next task.
"""

from __future__ import annotations

from collections.abc import Callable

BUSY_SECONDS = 15.0
IDLE_SECONDS = 120.0
COUNT_MAX = 3  # unanswered keepalives before the connection is dropped


class KeepaliveSwitch:
    """Counts the requests in flight on one connection and sets its keepalive interval:
    called with True when a request starts and False when it ends."""

    def __init__(self, set_interval: Callable[[float], None]) -> None:
        self._set_interval = set_interval
        self._in_flight = 0

    def __call__(self, busy: bool) -> None:
        self._in_flight += 1 if busy else -1
        if busy and self._in_flight == 1:
            self._set_interval(BUSY_SECONDS)
        elif not busy and self._in_flight == 0:
            self._set_interval(IDLE_SECONDS)
