"""Which tasks `--tags` and `--skip-tags` select, with Ansible's special tags."""

from __future__ import annotations

from collections.abc import Iterable


def task_selected(task_tags: Iterable[str], only: frozenset[str], skip: frozenset[str]) -> bool:
    """Ansible's rules: `always` runs unless skipped by name, `never` only when asked.

    `--tags all` is the default; `tagged` and `untagged` select by having tags.
    """
    tags = set(task_tags)
    if skip:
        if tags & skip:
            return False
        if "tagged" in skip and tags:
            return False
        if "untagged" in skip and not tags:
            return False
    if not only or "all" in only:
        return "never" not in tags or bool(tags & only - {"all"})
    if "always" in tags and "always" not in skip:
        return True
    if tags & only:
        return True
    if "tagged" in only and tags and "never" not in tags:
        return True
    return "untagged" in only and not tags
