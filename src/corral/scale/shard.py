"""``--shard I/N``: a deterministic slice of the selected hosts.

A host goes to the shard with the highest score ``blake2b(shard, host)``
(rendezvous, or highest-random-weight, hashing). Each host's shard depends only
on its own name and N, so:

- every controller computes the same slices with no coordination;
- adding or removing a host never moves another host;
- going from N to N+1 shards moves only the hosts the new shard wins (about
  1/(N+1) of them), never a host from one old shard to another.

Shards are numbered from 0, as a Kubernetes Indexed Job's ``JOB_COMPLETION_INDEX``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from corral.errors import UsageError

MAX_SHARDS = 10_000
_SPEC = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{1,9})\s*$")



class Named(Protocol):
    @property
    def name(self) -> str: ...


H = TypeVar("H", bound=Named)


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (0 ≤ index < count)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, host: str) -> bool:
        return shard_of(host, self.count) == self.index

    def select(self, hosts: Iterable[H]) -> list[H]:
        """The hosts this shard owns, order kept."""
        return [host for host in hosts if self.owns(host.name)]


_MASK = (1 << 64) - 1


def _mix(value: int) -> int:
    """splitmix64's finaliser: a cheap, well-spread 64-bit mix (stable across runs)."""
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def shard_of(host: str, count: int) -> int:
    """The shard (0..count-1) that owns ``host`` among ``count`` shards.

    The host's name is hashed once (blake2b, not Python's salted ``hash``); each
    shard's score is that hash mixed with the shard number."""
    if count == 1:
        return 0
    seed = int.from_bytes(hashlib.blake2b(host.encode(), digest_size=8).digest(), "big")
    scores = [_mix(seed ^ _mix(shard + 1)) for shard in range(count)]
    return scores.index(max(scores))


def split(hosts: Sequence[str], count: int) -> list[list[str]]:
    """All ``count`` slices of ``hosts`` at once (order kept in each)."""
    slices: list[list[str]] = [[] for _ in range(count)]
    for host in hosts:
        slices[shard_of(host, count)].append(host)
    return slices


def parse_shard(text: str) -> Shard:
    """``"I/N"`` → ``Shard``; ``UsageError`` (exit 5) with what to write instead."""
    match = _SPEC.match(text)
    if match is None:
        raise UsageError(
            f"--shard {text!r}: write INDEX/COUNT, e.g. --shard 0/4 (shards are numbered "
            "from 0, as $JOB_COMPLETION_INDEX)"
        )
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= count <= MAX_SHARDS:
        raise UsageError(f"--shard {text!r}: the shard count must be 1 to {MAX_SHARDS}")
    if index >= count:
        raise UsageError(
            f"--shard {text!r}: the index must be 0 to {count - 1} (shards are numbered from 0)"
        )
    return Shard(index, count)
