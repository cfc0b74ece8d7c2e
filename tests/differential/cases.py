"""The corpus: one folder per case under corpus/, a playbook and an optional case.yml.

    corpus/<case>/play.yml    a playbook with `hosts: all` (files/, templates/, roles/,
                              group_vars/ and vars files may sit beside it)
    corpus/<case>/case.yml    optional:
        description: one line saying what the case is about
        check: true           also compare a check-mode run (made first, on a clean host)
        extra_vars: {k: v}    passed to both tools as -e @file
        cli_args: [--tags, x] more arguments given to both tools
        cleanup: [/etc/x]     paths removed before each run besides /srv/diff
        facts: true           say that the play gathers facts (only documents the cost)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"
DIFF_ROOT = "/srv/diff"
_KEYS = {"description", "check", "extra_vars", "cli_args", "cleanup", "facts"}


class CaseError(ValueError):
    """A case folder that the harness cannot run as written."""


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    description: str = ""
    check: bool = False
    extra_vars: dict[str, Any] = field(default_factory=dict)
    cli_args: tuple[str, ...] = ()
    cleanup: tuple[str, ...] = ()

    @property
    def playbook(self) -> Path:
        return self.folder / "play.yml"


def case_names(corpus: Path = CORPUS) -> list[str]:
    """Every case folder (one with a play.yml), sorted."""
    return sorted(p.parent.name for p in corpus.glob("*/play.yml"))


def load_case(name: str, corpus: Path = CORPUS) -> Case:
    folder = corpus / name
    if not (folder / "play.yml").is_file():
        raise CaseError(f"{folder}: no play.yml")
    meta_path = folder / "case.yml"
    meta: dict[str, Any] = {}
    if meta_path.is_file():
        try:
            loaded = yaml.safe_load(meta_path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise CaseError(f"{meta_path}: not valid YAML: {exc}") from exc
        if not isinstance(loaded, dict):
            raise CaseError(f"{meta_path}: must be a mapping")
        meta = loaded
    unknown = set(meta) - _KEYS
    if unknown:
        raise CaseError(f"{meta_path}: unknown keys {sorted(unknown)} (known: {sorted(_KEYS)})")
    cleanup = tuple(str(p) for p in meta.get("cleanup") or ())
    for path in cleanup:
        if not path.startswith("/") or path.rstrip("/") in ("", "/etc", "/usr", "/root", "/srv"):
            raise CaseError(f"{meta_path}: cleanup path {path!r} must be a specific absolute path")
    return Case(
        name=name,
        folder=folder,
        description=str(meta.get("description", "")),
        check=bool(meta.get("check", False)),
        extra_vars=dict(meta.get("extra_vars") or {}),
        cli_args=tuple(str(a) for a in meta.get("cli_args") or ()),
        cleanup=cleanup,
    )
