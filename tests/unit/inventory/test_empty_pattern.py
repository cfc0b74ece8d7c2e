"""A pattern matching no host: the did-you-mean from the inventory's names."""

from __future__ import annotations

import pytest

from corral.inventory.empty_pattern import close_names, inventory_names, no_host_message

KNOWN = inventory_names(["all", "ungrouped", "webservers", "dbservers", "systemd"],
                        ["web1", "web2", "db1", "host01"])


@pytest.mark.parametrize(("pattern", "expected"), [
    ("webserver", ["webservers"]),
    ("webservers", []),                       # known: nothing to suggest
    ("dbserver:&prod", ["dbservers"]),
    ("webservers:!dbserver", ["dbservers"]),  # an exclusion term is checked too
    ("hots01", ["host01"]),
    ("web*", []),                             # a glob is not a typo of a name
    ("~web\\d", []),
    ("zzz", []),
    ("all", []),
    ("webservrs,dbservrs", ["webservers", "dbservers"]),
])
def test_close_names(pattern: str, expected: list[str]) -> None:
    assert close_names(pattern, KNOWN) == expected


def test_all_and_ungrouped_are_never_suggested() -> None:
    assert "all" not in KNOWN and "ungrouped" not in KNOWN
    assert KNOWN[:3] == ["webservers", "dbservers", "systemd"]  # groups before hosts


@pytest.mark.parametrize(("pattern", "groups", "expected"), [
    ("webserver", [], "play hosts 'webserver' matches no host in the inventory; did you mean "
     "'webservers'?"),
    ("zzz", [], "play hosts 'zzz' matches no host in the inventory"),
    ("systemd", ["systemd"], "play hosts 'systemd' matches no host in the inventory (group "
     "'systemd' has no hosts)"),
    ("systemd:dbserver", ["systemd"], "play hosts 'systemd:dbserver' matches no host in the "
     "inventory (group 'systemd' has no hosts); did you mean 'dbservers'?"),
])
def test_no_host_message(pattern: str, groups: list[str], expected: str) -> None:
    assert no_host_message("play hosts", pattern, KNOWN, groups) == expected
