"""add_host and group_by edits: a new inventory value, changed only when it differs."""

from __future__ import annotations

from pathlib import Path

from corral.inventory import load_inventory
from corral.inventory.runtime_edit import with_group_member, with_host


def test_add_host_and_group_by(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yml"
    path.write_text("all:\n  hosts:\n    a: {}\n  children:\n    web:\n      hosts:\n        b: {}\n")
    inventory = load_inventory([str(path)])
    added, changed = with_host(inventory, "c", ["new", "web"], {"port": 1})
    assert changed and inventory.groups_map()["web"] == ["b"]  # the original is untouched
    assert added.groups_map()["web"] == ["b", "c"] and added.groups_map()["new"] == ["c"]
    assert added.host_vars("c") == {"port": 1}
    assert with_host(added, "c", ["web"], {})[1] is False
    grouped, changed = with_group_member(added, "a", "os_debian", ["by_os"])
    assert changed and grouped.group_names("a") == ["by_os", "os_debian"]
    assert "a" not in grouped.groups_map()["ungrouped"]
    assert with_group_member(grouped, "a", "os_debian", ["by_os"]) == (grouped, False)
    assert [h.name for h in grouped.select("by_os")] == ["a"]
