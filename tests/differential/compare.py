"""Compare what ansible-core and corral did with one case: exit code, recap, files, JSON.

Each difference has a ``what`` (the name intended.yml matches, e.g. ``exit``,
``recap.changed``, ``file:/srv/diff/a.txt:mode``, ``json:/srv/diff/r.json:r.rc``),
prefixed with ``check.`` for the check-mode run, and a detail for people.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.differential.intended import Intended
from tests.differential.snapshot import Snapshot
from tests.differential.tools import RECAP_KEYS, ToolRun

ASPECTS = ("exit", "recap", "files", "json")
_ATTRS = ("type", "mode", "owner", "group", "target")
_TEMP_MARKERS = ("/.ansible/tmp/", "/.ansible/tmp", "ansible-tmp-")


@dataclass(frozen=True)
class Difference:
    what: str
    detail: str

    @property
    def aspect(self) -> str:
        """exit, recap, files or json (the table's columns)."""
        bare = self.what.removeprefix("check.")
        if bare.startswith("file:"):
            return "files"
        return bare.split(".", 1)[0].split(":", 1)[0]


def compare_runs(ansible: ToolRun, corral: ToolRun, a_snap: Snapshot, c_snap: Snapshot,
                 intended: Intended, check: bool) -> list[Difference]:
    prefix = "check." if check else ""
    found = _exit(ansible, corral, intended, check)
    found += _recap(ansible, corral)
    found += _files(a_snap, c_snap, intended)
    return [Difference(prefix + d.what, d.detail) for d in found]


def _exit(ansible: ToolRun, corral: ToolRun, intended: Intended, check: bool) -> list[Difference]:
    expected = intended.exit_map.get(ansible.exit_code)
    if check and ansible.exit_code == 0 and ansible.recap and ansible.recap["changed"] > 0:
        expected = intended.check_drift_exit
    if expected == corral.exit_code:
        return []
    return [Difference("exit", f"ansible exited {ansible.exit_code} (corral's equivalent: "
                               f"{expected}), corral exited {corral.exit_code}")]


def _recap(ansible: ToolRun, corral: ToolRun) -> list[Difference]:
    if ansible.recap is None or corral.recap is None:
        if ansible.recap == corral.recap:
            return []
        missing = "ansible" if ansible.recap is None else "corral"
        return [Difference("recap", f"{missing} printed no recap for the host")]
    return [Difference(f"recap.{key}", f"ansible {ansible.recap[key]}, corral {corral.recap[key]}")
            for key in RECAP_KEYS if ansible.recap[key] != corral.recap[key]]


def _files(a_snap: Snapshot, c_snap: Snapshot, intended: Intended) -> list[Difference]:
    found: list[Difference] = []
    a_files, c_files = a_snap.entries, c_snap.entries
    for path in sorted(set(a_files) | set(c_files)):
        if path not in c_files:
            found.append(Difference(f"file:{path}", "written by ansible, missing with corral"))
        elif path not in a_files:
            found.append(Difference(f"file:{path}", "written by corral, not by ansible"))
        else:
            found += _one_file(path, a_files[path], c_files[path], intended)
    return found


def _one_file(path: str, a: dict[str, Any], c: dict[str, Any], intended: Intended) -> list[Difference]:
    found = [Difference(f"file:{path}:{attr}", f"ansible {a.get(attr)!r}, corral {c.get(attr)!r}")
             for attr in _ATTRS if a.get(attr) != c.get(attr)]
    if path.endswith(".json") and "content" in a and "content" in c:
        return found + json_differences(path, a["content"], c["content"], intended.volatile_keys)
    if (a.get("content"), a.get("content_b64")) != (c.get("content"), c.get("content_b64")):
        found.append(Difference(f"file:{path}:content",
                                f"ansible {_short(a.get('content'))}, corral {_short(c.get('content'))}"))
    return found


def json_differences(path: str, a_text: str, c_text: str,
                     volatile: frozenset[str]) -> list[Difference]:
    """Every value ansible wrote must be in corral's file, equal once normalised."""
    try:
        a_data, c_data = json.loads(a_text), json.loads(c_text)
    except json.JSONDecodeError:
        if a_text == c_text:
            return []
        return [Difference(f"json:{path}", f"not JSON on both sides: ansible {_short(a_text)}, "
                                           f"corral {_short(c_text)}")]
    out: list[Difference] = []
    _subset(normalise(a_data, volatile), normalise(c_data, volatile), f"json:{path}:", "", out)
    return out


def normalise(value: Any, volatile: frozenset[str]) -> Any:
    """Drop volatile keys (times, durations, invocation) and temp-file paths."""
    if isinstance(value, dict):
        return {k: normalise(v, volatile) for k, v in value.items()
                if k not in volatile and not k.startswith("_ansible") and not _temp_path(v)}
    if isinstance(value, list):
        return [normalise(v, volatile) for v in value]
    return value


def _temp_path(value: Any) -> bool:
    return isinstance(value, str) and any(marker in value for marker in _TEMP_MARKERS)


def _subset(a: Any, c: Any, prefix: str, where: str, out: list[Difference]) -> None:
    if isinstance(a, dict) and isinstance(c, dict):
        for key, value in a.items():
            here = f"{where}.{key}" if where else str(key)
            if key not in c:
                out.append(Difference(prefix + here, f"missing with corral (ansible: {_short(value)})"))
            else:
                _subset(value, c[key], prefix, here, out)
    elif isinstance(a, list) and isinstance(c, list) and len(a) == len(c):
        for index, (left, right) in enumerate(zip(a, c, strict=True)):
            _subset(left, right, prefix, f"{where}[{index}]", out)
    elif a != c or type(a) is not type(c):
        out.append(Difference(prefix + (where or "$"), f"ansible {_short(a)}, corral {_short(c)}"))


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
