"""include_vars on the controller: where names are looked for, folders, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from corral.errors import CorralError, Position
from corral.executor.include_vars import include_vars
from corral.executor.vars_prompt import prompt_vars
from corral.playbook.model import RoleRef, Task


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _task(root: Path, role: bool = False) -> Task:
    ref = RoleRef(name="r", path=root / "roles/r") if role else None
    return Task(module="include_vars", position=Position(str(root / "tasks/main.yml"), 1), role=ref)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    _write(tmp_path, {
        "roles/r/vars/os.yml": "who: role-vars\n",
        "tasks/vars/os.yml": "who: task-dir-vars\n",
        "vars/os.yml": "who: playbook-vars\n",
        "vars/only-here.yml": "who: playbook\n",
        "roles/r/vars/conf/10-a.yml": "a: 1\nb: 1\n",
        "roles/r/vars/conf/20-b.yaml": "b: 2\n",
        "roles/r/vars/conf/skip.yml": "b: skipped\n",
        "roles/r/vars/conf/sub/30-c.json": '{"c": 3}\n',
        "roles/r/vars/conf/sub/deeper/40-d.yml": "d: 4\n",
        "vars/list.yml": "- 1\n",
    })
    return tmp_path


@pytest.mark.parametrize(("role", "args", "expected"), [
    (True, {"file": "os.yml"}, {"who": "role-vars"}),
    (False, {"file": "os.yml"}, {"who": "task-dir-vars"}),
    (True, {"file": "only-here.yml"}, {"who": "playbook"}),
    (True, {"file": "os.yml", "name": "got"}, {"got": {"who": "role-vars"}}),
    (True, {"dir": "conf", "ignore_files": ["skip.yml"]}, {"a": 1, "b": 2, "c": 3, "d": 4}),
    (True, {"dir": "conf", "depth": 1, "files_matching": "^[0-9]"}, {"a": 1, "b": 2}),
    (True, {"dir": "vars/conf", "extensions": ["yml"], "depth": 2, "ignore_files": ["skip.yml"],
            "ignore_unknown_extensions": True}, {"a": 1, "b": 1}),
])
def test_include_vars_reads(tree: Path, role: bool, args: dict, expected: dict) -> None:
    assert include_vars(_task(tree, role), args, tree).values == expected


@pytest.mark.parametrize(("args", "message"), [
    ({"file": "list.yml"}, "must hold a mapping of variables"),
    ({"file": "nope.yml"}, "include_vars: file 'nope.yml' not found (looked in "),
    ({"dir": "nope"}, "include_vars: folder 'nope' not found"),
    ({}, "include_vars needs 'file' or 'dir'"),
    ({"file": "os.yml", "hash_behaviour": "merge"}, "hash_behaviour other than 'replace'"),
])
def test_include_vars_failures(tree: Path, args: dict, message: str) -> None:
    with pytest.raises(CorralError) as caught:
        include_vars(_task(tree), args, tree)
    assert message in str(caught.value)


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_vars_prompt_without_a_terminal() -> None:
    prompts = [{"name": "given"}, {"name": "with_default", "default": "d"}]
    assert prompt_vars(prompts, {"given": "x"}, _Stream(False)) == {"with_default": "d"}
    with pytest.raises(CorralError) as caught:
        prompt_vars(prompts, {}, _Stream(False))
    assert "pass it with -e given=VALUE" in str(caught.value)


def test_a_symlink_loop_in_a_vars_folder_is_walked_once(tree: Path) -> None:
    (tree / "roles/r/vars/conf/sub/back").symlink_to(tree / "roles/r/vars/conf")
    read = include_vars(_task(tree, True), {"dir": "conf", "ignore_files": ["skip.yml"]}, tree)
    assert read.values == {"a": 1, "b": 2, "c": 3, "d": 4}
