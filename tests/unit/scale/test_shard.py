"""--shard I/N: deterministic, disjoint, covering slices that move few hosts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corral.errors import UsageError
from corral.scale.shard import MAX_SHARDS, Shard, parse_shard, shard_of, split

HOSTS = [f"web{i:04d}.example.com" for i in range(2000)]


def test_same_slices_in_another_process() -> None:
    """Stable across processes (no salted hash()): every controller computes the same."""
    code = ("from corral.scale.shard import shard_of;"
            "print([shard_of(f'web{i:04d}.example.com', 7) for i in range(2000)])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={"PYTHONHASHSEED": "123"})
    assert done.stdout.strip() == str([shard_of(h, 7) for h in HOSTS])


@pytest.mark.parametrize("count", [1, 2, 3, 7, 16])
def test_slices_are_disjoint_and_cover_every_host(count: int) -> None:
    slices = split(HOSTS, count)
    assert sorted(h for s in slices for h in s) == sorted(HOSTS)
    assert sum(len(s) for s in slices) == len(HOSTS)
    for index, hosts in enumerate(slices):
        assert [h for h in HOSTS if Shard(index, count).owns(h)] == hosts  # order kept


@pytest.mark.parametrize("count", [2, 4, 7])
def test_slices_are_balanced(count: int) -> None:
    sizes = [len(s) for s in split(HOSTS, count)]
    expected = len(HOSTS) / count
    assert all(abs(size - expected) < 0.2 * expected for size in sizes), sizes


def test_adding_a_host_moves_no_other_host() -> None:
    before = {h: shard_of(h, 5) for h in HOSTS}
    after = {h: shard_of(h, 5) for h in [*HOSTS, "newcomer.example.com"]}
    assert all(after[h] == before[h] for h in HOSTS)


@pytest.mark.parametrize("count", [2, 4, 9])
def test_adding_a_shard_moves_only_hosts_to_the_new_shard(count: int) -> None:
    moved = [h for h in HOSTS if shard_of(h, count) != shard_of(h, count + 1)]
    assert all(shard_of(h, count + 1) == count for h in moved)  # never between old shards
    share = len(moved) / len(HOSTS)
    assert abs(share - 1 / (count + 1)) < 0.05, share  # the minimum that must move


def test_select_keeps_objects_and_order() -> None:
    class H:
        def __init__(self, name: str) -> None:
            self.name = name

    hosts = [H(h) for h in HOSTS[:50]]
    picked = Shard(1, 3).select(hosts)
    assert [h.name for h in picked] == split(HOSTS[:50], 3)[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0/4", Shard(0, 4)), ("3/4", Shard(3, 4)), (" 1 / 2 ", Shard(1, 2)), ("0/1", Shard(0, 1))],
)
def test_parse_good(text: str, expected: Shard) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4/4", "the index must be 0 to 3 (shards are numbered from 0)"),
        ("1/0", "the shard count must be 1 to"),
        (f"0/{MAX_SHARDS + 1}", "the shard count must be 1 to"),
        ("-1/4", "write INDEX/COUNT"),
        ("1", "write INDEX/COUNT"),
        ("a/b", "write INDEX/COUNT"),
        ("", "write INDEX/COUNT"),
    ],
)
def test_parse_bad(text: str, message: str) -> None:
    with pytest.raises(UsageError, match="--shard") as caught:
        parse_shard(text)
    assert message in str(caught.value)


def _corral(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "corral", *args], capture_output=True,
                          text=True, check=False)


def test_inventory_shard_lists_the_slice(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.yml"
    inventory.write_text("all:\n  hosts:\n" + "".join(f"    {h}:\n" for h in HOSTS[:30]))
    outputs = [_corral("inventory", "-i", str(inventory), "--shard", f"{i}/3") for i in range(3)]
    assert all(o.returncode == 0 for o in outputs)
    listed = [[line.strip() for line in o.stdout.splitlines()[1:]] for o in outputs]
    assert listed == split(HOSTS[:30], 3)
    assert outputs[0].stdout.startswith(f"shard 0/3: {len(listed[0])} of 30 hosts\n")


@pytest.mark.parametrize("command", [["inventory"], ["apply", "site.yml"], ["check", "site.yml"],
                                     ["run", "all"]])
def test_bad_shard_is_exit_5(tmp_path: Path, command: list[str]) -> None:
    inventory = tmp_path / "hosts.yml"
    inventory.write_text("all:\n  hosts:\n    a:\n")
    (tmp_path / "site.yml").write_text("- hosts: all\n  tasks: []\n")
    args = [a if a != "site.yml" else str(tmp_path / a) for a in command]
    done = _corral(*args, "-i", str(inventory), "--shard", "5/5")
    assert done.returncode == 5, done.stderr
    assert "--shard '5/5': the index must be 0 to 4" in done.stderr
