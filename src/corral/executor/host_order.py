"""A play's ``order``: the order its hosts are run in (and batched by ``serial``)."""

from __future__ import annotations

import random
from collections.abc import Sequence


def ordered_hosts(hosts: Sequence[str], order: str,
                  rng: random.Random | None = None) -> list[str]:
    """``hosts`` (in inventory order) in the play's ``order``."""
    if order == "reverse_inventory":
        return list(reversed(hosts))
    if order == "sorted":
        return sorted(hosts)
    if order == "reverse_sorted":
        return sorted(hosts, reverse=True)
    if order == "shuffle":
        shuffled = list(hosts)
        (rng or random.Random()).shuffle(shuffled)
        return shuffled
    return list(hosts)
