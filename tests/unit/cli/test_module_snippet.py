"""`corral modules -s NAME`: every module's snippet is YAML a playbook accepts as it is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from corral.cli.loading import load_run_input
from corral.cli.module_snippet import task_snippet, yaml_scalar
from corral.cli.modules_cmd import all_entries
from corral.errors import InputError

ENTRIES = all_entries(None)


@pytest.mark.parametrize("value", ["present", "0644", "yes", "no", "a: b", "x #y", "- a", "",
                                   "1.5", "web, db", "it's", "/etc/app.conf", "~", "null",
                                   True, 3, 2.5, None, ["a", 1], {"k": "v"}])
def test_yaml_scalar_reads_back_the_same(value: object) -> None:
    assert yaml.safe_load(f"key: {yaml_scalar(value)}") == {"key": value}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)  # type: ignore[attr-defined]
def test_every_snippet_is_a_valid_task(entry: object, tmp_path: Path) -> None:
    text = task_snippet(entry)  # type: ignore[arg-type]
    task = yaml.safe_load(text)[0]
    name = entry.name  # type: ignore[attr-defined]
    required = {k for k, a in entry.args_spec.items() if a.required}  # type: ignore[attr-defined]
    assert set(task) == {"name", name} and set(task[name] or {}) == required
    playbook = tmp_path / "site.yml"
    playbook.write_text("- hosts: all\n  gather_facts: false\n  tasks:\n"
                        + "".join(f"    {line}\n" for line in text.splitlines()))
    try:
        load_run_input(playbook, ["h1,"])
    except InputError as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"{name}: {exc}\n{text}")


def test_snippet_of_copy() -> None:
    text = subprocess.run([sys.executable, "-m", "corral", "modules", "-s", "copy"],
                          capture_output=True, text=True, check=True).stdout
    lines = text.splitlines()
    assert lines[:3] == ["- name: Copy a local file or directory, or given content, to the host",
                         "  copy:", "    dest: <dest>                # required; path: Where to write"]
    assert any(line.startswith("    # mode: '0644'") for line in lines)


def test_modules_name_shows_returns_and_an_example() -> None:
    text = subprocess.run([sys.executable, "-m", "corral", "modules", "stat"],
                          capture_output=True, text=True, check=True).stdout
    assert "returns: changed, failed and msg" in text
    assert "example (corral modules -s stat prints it alone):\n- name: " in text
    assert "    path: <path>" in text


def test_snippet_needs_a_name() -> None:
    done = subprocess.run([sys.executable, "-m", "corral", "modules", "-s"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 5 and "-s needs a module NAME" in done.stderr
