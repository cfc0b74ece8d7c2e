"""The workload as each tool and variant runs it, written into a work folder.

`app.yml` is the single source for corral and ansible-core; the variants are
filtered copies: without the `pkg`-tagged tasks (``--no-pkg``), and for
ansible's default configuration without `gather_facts: false` (its default
gathers facts).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

WORKLOAD_DIR = Path(__file__).resolve().parent.parent / "workload"
PKG_TAG = "pkg"
LOCAL_PACKAGES = ("corral-demo", "corral-demo-svc")


def prepare_workload(work: Path, with_pkg: bool, packages: tuple[str, ...] = LOCAL_PACKAGES,
                     folder: str = "workload") -> Path:
    """Copy the workload into ``work/FOLDER`` and write its variants; return that folder.

    ``packages`` replaces the apt task's list (pyinfra reads the same list from
    BENCH_PACKAGES, see tools.py).
    """
    target = work / folder
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(WORKLOAD_DIR, target)
    text = (WORKLOAD_DIR / "app.yml").read_text()
    listed = f"name: [{', '.join(LOCAL_PACKAGES)}]"
    assert listed in text, f"app.yml: the apt task must read `{listed}`"
    text = text.replace(listed, f"name: [{', '.join(packages)}]")
    if not with_pkg:
        text = drop_tagged_items(text, PKG_TAG)
    (target / "app.yml").write_text(text)
    (target / "app-facts.yml").write_text(text.replace("  gather_facts: false\n", ""))
    return target


def drop_tagged_items(playbook: str, tag: str) -> str:
    """Remove every task or handler (a `    - name:` item) whose tags include ``tag``.

    Works on the text so comments and layout stay as written; the items of
    app.yml are the four-space-indented list entries under tasks/handlers.
    """
    items = re.split(r"(?m)^(?=    - name: )", playbook)
    kept = [_section_headers(item) if _has_tag(item, tag) else item for item in items]
    return "".join(kept)


def _section_headers(item: str) -> str:
    """What a dropped item must leave behind: a following `  handlers:`-style line."""
    return "".join(line for line in item.splitlines(keepends=True)
                   if line.strip() and not line.startswith("    "))


def _has_tag(item: str, tag: str) -> bool:
    if not item.startswith("    - name: "):
        return False
    match = re.search(r"(?m)^      tags: \[(.*)\]", item)
    return match is not None and tag in [t.strip() for t in match.group(1).split(",")]


def task_count(playbook: Path, systemd: bool) -> int:
    """Tasks (not handlers) a host runs on a re-run: those not limited to systemd hosts, and
    the systemd-only ones on systemd hosts."""
    text = playbook.read_text().split("\n  handlers:")[0]
    items = [i for i in re.split(r"(?m)^(?=    - name: )", text) if i.startswith("    - name: ")]
    return sum(1 for i in items if systemd or "'systemd' in group_names" not in i)
