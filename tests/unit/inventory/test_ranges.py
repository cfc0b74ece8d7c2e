from __future__ import annotations

import pytest

from corral.inventory.host_entry import parse_host_entry
from corral.inventory.ranges import RangeError, expand_host_range


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("web1", ["web1"]),
        ("web[1:3]", ["web1", "web2", "web3"]),
        ("web[01:03]", ["web01", "web02", "web03"]),
        ("web[08:10]", ["web08", "web09", "web10"]),
        ("web[1:9:4]", ["web1", "web5", "web9"]),
        ("web[:2]", ["web0", "web1", "web2"]),
        ("db-[a:c]", ["db-a", "db-b", "db-c"]),
        ("db-[a:e:2]", ["db-a", "db-c", "db-e"]),
        ("[1:2].example.com", ["1.example.com", "2.example.com"]),
        ("r[1:2]-[a:b]", ["r1-a", "r1-b", "r2-a", "r2-b"]),
        ("web[5:5]", ["web5"]),
    ],
)
def test_expand_host_range(name: str, expected: list[str]) -> None:
    assert expand_host_range(name) == expected


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("web[1]", "write [begin:end] or [begin:end:step]"),
        ("web[1:2:3:4]", "write [begin:end] or [begin:end:step]"),
        ("web[1:]", "the end value is missing"),
        ("web[3:1]", "begin must not be greater than end"),
        ("web[c:a]", "begin must not come after end"),
        ("web[01:100]", "zero-padded range needs begin and end of the same width (e.g. [001:100])"),
        ("web[1:x]", "begin and end must both be numbers or both single letters"),
        ("web[1:5:0]", "the step must be a positive integer"),
    ],
)
def test_invalid_range(name: str, message: str) -> None:
    with pytest.raises(RangeError, match=r".*") as info:
        expand_host_range(name)
    assert message in str(info.value)
    assert f"in '{name}'" in str(info.value)


@pytest.mark.parametrize(
    ("entry", "names", "port"),
    [
        ("web1", ["web1"], None),
        ("web1:2222", ["web1"], 2222),
        ("web[1:2]:2222", ["web1", "web2"], 2222),
        ("10.0.0.5:22", ["10.0.0.5"], 22),
        ("2001:db8::1", ["2001:db8::1"], None),
        ("[2001:db8::1]:2200", ["2001:db8::1"], 2200),
    ],
)
def test_parse_host_entry(entry: str, names: list[str], port: int | None) -> None:
    parsed = parse_host_entry(entry)
    assert (parsed.names, parsed.port) == (names, port)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("web1:ssh", "invalid port 'ssh' in host 'web1:ssh'"),
        (":22", "host entry ':22' has no host name"),
    ],
)
def test_invalid_host_entry(entry: str, message: str) -> None:
    with pytest.raises(RangeError) as info:
        parse_host_entry(entry)
    assert message in str(info.value)
