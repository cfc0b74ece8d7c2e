"""A play's `order` keyword."""

import random

import pytest

from corral.executor.host_order import ordered_hosts

HOSTS = ["b2", "c3", "a1"]


@pytest.mark.parametrize(("order", "expected"), [
    ("inventory", ["b2", "c3", "a1"]),
    ("reverse_inventory", ["a1", "c3", "b2"]),
    ("sorted", ["a1", "b2", "c3"]),
    ("reverse_sorted", ["c3", "b2", "a1"]),
])
def test_ordered_hosts(order: str, expected: list[str]) -> None:
    assert ordered_hosts(HOSTS, order) == expected


def test_shuffle_keeps_every_host() -> None:
    shuffled = ordered_hosts(HOSTS * 10, "shuffle", random.Random(1))
    assert sorted(shuffled) == sorted(HOSTS * 10) and shuffled != HOSTS * 10
