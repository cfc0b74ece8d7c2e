"""Three-valued check mode: the changes check mode did not make, and what they explain.

In check mode a host collects its *pending changes*: packages a task would install,
paths a task would create or write, users and groups it would add, and commands
skipped because they do not run in check mode (they may do anything). A later task
whose module reports a *missing precondition* (``missing`` in ``modules/_api.py``:
a path, a unit, a command, a user, a group) is ``unknown`` when a pending change
explains it: the unit of a package that would be installed, a file under a folder
that would be created. When nothing pending explains it, the module's own result
stands: a genuine failure stays a failure.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from corral.playbook.model import Task
from corral.report.model import Status, TaskResult

PACKAGE = "package"
PATH = "path"
USER = "user"
GROUP = "group"
ANYTHING = "anything"

PACKAGE_MODULES = frozenset({"apt", "package", "dnf", "yum", "apk", "pacman", "zypper", "pip",
                             "dpkg_selections"})
# a path a module writes, from its result's data (Ansible's result keys)
PATH_MODULES = frozenset({"file", "copy", "template", "lineinfile", "blockinfile", "replace",
                          "ini_file", "unarchive", "get_url", "git", "assemble", "authorized_key",
                          "known_hosts", "mount"})
ACCOUNT_MODULES = {"user": USER, "group": GROUP}
COMMAND_MODULES = frozenset({"command", "shell", "script", "raw"})
_FALSE = (False, "false", "False", "no")
_REMOVED = ("absent", "removed")


@dataclass(frozen=True)
class PendingChange:
    """One change check mode did not make: its task, its kind, what it names."""

    origin: str
    kind: str
    name: str = ""
    parents: bool = False  # a folder made with its parents (file state=directory, git clone)


def _would_change(task: Task, result: TaskResult) -> bool:
    if task.changed_when is not None and all(c in _FALSE for c in task.changed_when):
        return False  # ``changed_when: false``: a read-only probe changes nothing
    if result.status in (Status.CHANGED, Status.UNKNOWN):
        return True
    simulated_skip = result.status is Status.SKIPPED and "check mode" in result.msg
    return simulated_skip and task.module in COMMAND_MODULES


def changes_of(task: Task, results: Iterable[TaskResult], origin: str) -> list[PendingChange]:
    """What the task's results (one, or a loop's items) would change on the host."""
    found: list[PendingChange] = []
    for result in results:
        if not _would_change(task, result):
            continue
        if task.module in PACKAGE_MODULES:
            if task.args.get("state") not in _REMOVED:  # a removal brings nothing
                found.append(PendingChange(origin, PACKAGE))
        elif task.module in COMMAND_MODULES:
            found.append(PendingChange(origin, ANYTHING))
        elif task.module in ACCOUNT_MODULES:
            name = result.data.get("name")
            if isinstance(name, str) and name:
                found.append(PendingChange(origin, ACCOUNT_MODULES[task.module], name))
        elif task.module in PATH_MODULES:
            parents = task.module == "git" or (
                task.module == "file" and "directory" in (task.args.get("state"),
                                                          result.data.get("state")))
            found += [PendingChange(origin, PATH, posixpath.normpath(path), parents)
                      for path in _paths(result.data)]
    return found


def _paths(data: Mapping[str, Any]) -> list[str]:
    return [value for key in ("path", "dest") if isinstance(value := data.get(key), str)
            and value.startswith("/")][:1]


def _related(missing: str, made: str, parents: bool) -> bool:
    """Equal, the missing path under the one made, or (a folder made with its parents)
    the missing path one of its parents. A file written into /srv/app makes no /srv/app."""
    missing, made = posixpath.normpath(missing), posixpath.normpath(made)
    return (missing == made or missing.startswith(made.rstrip("/") + "/")
            or (parents and made.startswith(missing.rstrip("/") + "/")))


def explains(change: PendingChange, missing: Mapping[str, Any]) -> bool:
    """Could this pending change be what brings the missing precondition?"""
    kind, name = str(missing.get("kind") or ""), str(missing.get("name") or "")
    if change.kind in (ANYTHING, PACKAGE):
        return True  # a package brings files, units, commands and its system users
    if change.kind == PATH:
        base = posixpath.basename(change.name)
        if kind == PATH:
            return _related(name, change.name, change.parents)
        if kind == "unit":
            return base in (name, f"{name}.service")
        if kind == "command":
            return change.name == name or base == name
        return False
    if change.kind == USER:  # a user gets a group of its name by default
        return kind in (USER, GROUP) and name == change.name
    return kind == change.kind and name == change.name


def explaining(changes: list[PendingChange], missing: Mapping[str, Any]) -> PendingChange | None:
    """The latest pending change that explains ``missing``, if any."""
    for change in reversed(changes):
        if explains(change, missing):
            return change
    return None
