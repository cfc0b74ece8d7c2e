"""Host lists fold consecutive numbered names into Ansible's range syntax."""

import pytest

from corral.report.host_ranges import fold_names


@pytest.mark.parametrize(
    ("names", "folded"),
    [
        (["web1"], "web1"),
        (["web01", "web02"], "web01, web02"),
        (["web01", "web02", "web03"], "web[01:03]"),
        (["web01", "web02", "web03", "web05", "db1"], "web[01:03], web05, db1"),
        (["a9", "a10", "a11"], "a9, a10, a11"),  # widths differ: not one range
        (["r1.dc", "r2.dc", "r3.dc"], "r[1:3].dc"),
        (["web03", "web02", "web01"], "web03, web02, web01"),  # the order given is kept
        ([f"h{i:02d}" for i in range(1, 21)], "h[01:20]"),
    ],
)
def test_fold_names(names: list[str], folded: str) -> None:
    assert fold_names(names) == folded


def test_a_long_list_is_cut_and_says_how_many_hosts_are_left_out() -> None:
    names = [f"h{i:03d}" for i in range(1, 100) if i % 7]  # 14 runs, 85 hosts
    text = fold_names(names, max_parts=2)
    assert text == "h[001:006], h[008:013], … and 73 more"
