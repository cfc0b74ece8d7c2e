"""Executable -i sources (inventory scripts) and script-shaped JSON files."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from corral.errors import InventoryError
from corral.inventory import load_inventory

LISTING = {
    "web": {"hosts": ["web1", "web2"], "vars": {"http_port": 80}, "children": ["edge"]},
    "edge": ["edge1"],
    "_meta": {"hostvars": {"web1": {"ansible_port": 2222}}},
}


def write_script(folder: Path, body: str, name: str = "inv.py") -> Path:
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport json, sys, time\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def listing_script(folder: Path, listing: Any, host_vars: Any = None) -> Path:
    return write_script(
        folder,
        f"LISTING = {json.dumps(listing)!r}\nHOSTVARS = {json.dumps(host_vars or {})!r}\n"
        "if sys.argv[1] == '--list':\n    print(LISTING)\n"
        "else:\n    print(json.dumps(json.loads(HOSTVARS).get(sys.argv[2], {})))\n",
    )


def test_script_lists_groups_children_and_hostvars(tmp_path: Path) -> None:
    inventory = load_inventory([listing_script(tmp_path, LISTING)])
    assert list(inventory.hosts) == ["web1", "web2", "edge1"]
    assert [h.name for h in inventory.select("web")] == ["web1", "web2", "edge1"]
    assert inventory.host_vars("web1") == {"http_port": 80, "ansible_port": 2222}
    assert inventory.host_vars("edge1") == {"http_port": 80}


def test_without_meta_each_host_is_asked_with_dash_dash_host(tmp_path: Path) -> None:
    listing = {"db": {"hosts": ["db1", "db2"]}}
    script = listing_script(tmp_path, listing, {"db2": {"role": "replica"}})
    inventory = load_inventory([script])
    assert inventory.host_vars("db1") == {}
    assert inventory.host_vars("db2") == {"role": "replica"}


def test_group_vars_beside_the_script_apply(tmp_path: Path) -> None:
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "web.yml").write_text("tier: front\n")
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "host_vars" / "web2.yml").write_text("tier: special\n")
    inventory = load_inventory([listing_script(tmp_path, LISTING)])
    assert inventory.host_vars("web1")["tier"] == "front"
    assert inventory.host_vars("web2")["tier"] == "special"


def test_plain_json_file_in_script_shape(tmp_path: Path) -> None:
    path = tmp_path / "fleet.json"
    path.write_text(json.dumps(LISTING))
    inventory = load_inventory([path])
    assert list(inventory.hosts) == ["web1", "web2", "edge1"]
    assert inventory.host_vars("web1")["ansible_port"] == 2222


def problems_of(sources: list[Path]) -> list[str]:
    with pytest.raises(InventoryError) as caught:
        load_inventory(sources)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        ([1, 2], "the output must be a JSON object of groups, not a list"),
        ({"web": {"hosts": "web1"}}, "key 'web.hosts' must be a list of host names, not a string"),
        ({"web": {"hosts": ["ok", 3]}}, "key 'web.hosts[1]' must be a non-empty name"),
        ({"web": {"hosts": ["a b"]}}, "key 'web.hosts[0]' is not a valid name"),
        ({"web": {"vars": [1]}}, "key 'web.vars' must be an object of variable: value, not a list"),
        ({"web": {"children": "db"}}, "key 'web.children' must be a list of group names"),
        ({"web": {"host": ["a"]}}, "key 'web.host' is not allowed"),
        ({"web": 7}, "key 'web' must be an object with hosts, vars and children"),
        ({"_meta": []}, "key '_meta' must be an object with 'hostvars', not a list"),
        ({"_meta": {"hostvars": []}}, "key '_meta.hostvars' must be an object of host: vars"),
        ({"w": ["h"], "_meta": {"hostvars": {"h": 5}}},
         "key '_meta.hostvars.h' must be an object of variable: value, not a number (5)"),
    ],
)
def test_invalid_listing_names_the_script_and_the_key(
    tmp_path: Path, listing: Any, expected: str
) -> None:
    script = listing_script(tmp_path, listing)
    problems = problems_of([script])
    assert len(problems) == 1
    assert problems[0].startswith(f"{script}: inventory script {script}: ")
    assert expected in problems[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("print('{oops')", "'--list' printed invalid JSON: Expecting property name"),
        ("sys.stderr.write('no credentials for the cloud API\\n'); sys.exit(3)",
         "'--list' exited with status 3; its stderr said:\nno credentials for the cloud API"),
        ("time.sleep(30)", "timed out after 0.5 s (set CORRAL_INVENTORY_TIMEOUT"),
        ("sys.stdout.write('x' * 5000)", "printed more than 1000 bytes"),
    ],
)
def test_script_failures_are_input_errors_with_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, expected: str
) -> None:
    monkeypatch.setenv("CORRAL_INVENTORY_TIMEOUT", "0.5")
    monkeypatch.setenv("CORRAL_INVENTORY_MAX_BYTES", "1000")
    problems = problems_of([write_script(tmp_path, body)])
    assert len(problems) == 1
    assert expected in problems[0]


def test_failing_host_call_stops_after_the_first(tmp_path: Path) -> None:
    script = write_script(
        tmp_path,
        "if sys.argv[1] == '--list':\n    print(json.dumps({'g': ['a', 'b', 'c']}))\n"
        "else:\n    open(sys.argv[0] + '.calls', 'a').write('x'); sys.exit(1)\n",
    )
    problems = problems_of([script])
    assert problems == [f"{script}: inventory script {script}: '--host a' exited with status 1 "
                        "(nothing on stderr)"]
    assert Path(str(script) + ".calls").read_text() == "x"


def test_cli_exit_4_for_a_bad_script(tmp_path: Path) -> None:
    import subprocess

    script = listing_script(tmp_path, {"web": {"hosts": "web1"}})
    done = subprocess.run([sys.executable, "-m", "corral", "inventory", "-i", str(script)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 4
    assert "key 'web.hosts' must be a list of host names" in done.stderr
