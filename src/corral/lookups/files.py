"""Lookups that read the controller's files: file, fileglob, first_found, template."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from corral.templating.render_core import render_to_text

from .context import LookupContext, LookupFailed, find_file, require_file

MAX_FILE_BYTES = 16 << 20


def read_text(path: Path, lookup: str) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise LookupFailed(f"lookup '{lookup}': {path} is larger than {MAX_FILE_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LookupFailed(f"lookup '{lookup}': cannot read {path}: {exc}") from exc


def file(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    """Contents of files (``files/`` first); trailing whitespace stripped unless rstrip=false."""
    out: list[Any] = []
    for term in terms:
        text = read_text(require_file(ctx, "file", str(term), "files"), "file")
        if kwargs.get("rstrip", True):
            text = text.rstrip()
        if kwargs.get("lstrip", False):
            text = text.lstrip()
        out.append(text)
    return out


def fileglob(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    """Files (not folders) matching each pattern, from the first folder where some match."""
    out: list[Any] = []
    for term in terms:
        pattern = str(term)
        name = os.path.basename(pattern)
        if name != pattern:
            found = find_file(ctx, os.path.dirname(pattern), "files")
            folders = [found] if found is not None else []
        else:
            folders = [p for d in ctx.search_paths() for p in (d / "files", d)]
        for folder in folders:
            matched = [g for g in glob.glob(os.path.join(str(folder), name)) if os.path.isfile(g)]
            if matched:
                out += matched
                break
    return out


def _split(value: Any, separators: str) -> list[str]:
    """A list as is, or a string split on ``separators`` (as Ansible's first_found does)."""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    text = str(value)
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    return [part.strip() for part in text.split(separators[0]) if part.strip()]


def first_found(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    """The first existing file of the candidates: names, or ``{files, paths, skip}``."""
    skip = bool(kwargs.get("skip", False))
    subdir = str(kwargs.get("subdir", "files"))
    candidates: list[str] = []
    for term in terms:
        if isinstance(term, Mapping):
            skip = skip or bool(term.get("skip", False))
            candidates += _candidates(term.get("files", kwargs.get("files", [])),
                                      term.get("paths", kwargs.get("paths", [])))
        else:
            candidates += _candidates(term, kwargs.get("paths", []))
    if not terms and "files" in kwargs:
        candidates = _candidates(kwargs["files"], kwargs.get("paths", []))
    for name in candidates:
        path = find_file(ctx, name, subdir)
        if path is not None and path.is_file():
            return [str(path)]
    if skip:
        return []
    raise LookupFailed("lookup 'first_found': none of these files was found: "
                       + ", ".join(candidates or ["(no candidates)"]))


def _candidates(files: Any, paths: Any) -> list[str]:
    names = _split(files, ",;") if files else []
    folders = _split(paths, ",;:") if paths else []
    if not folders:
        return names
    return [os.path.join(folder, name) for folder in folders for name in names]


def template(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    """Templates (``templates/`` first) rendered with the task's variables and ``template_vars``."""
    extra = kwargs.get("template_vars") or {}
    if not isinstance(extra, Mapping):
        raise LookupFailed("lookup 'template': template_vars must be a mapping")
    out: list[Any] = []
    for term in terms:
        path = require_file(ctx, "template", str(term), "templates")
        scope = _Overlay(dict(extra), ctx.variables) if extra else ctx.variables
        try:
            source = read_text(path, "template")
            out.append(_keep_trailing_newlines(source, render_to_text(ctx.env, source, scope)))
        except LookupFailed:
            raise
        except Exception as exc:
            raise LookupFailed(f"lookup 'template': {path}: {exc}") from exc
    return out


def _keep_trailing_newlines(source: str, rendered: str) -> str:
    """Newlines ending the template that trim_blocks ate after a last ``{% endif %}`` come back
    (Ansible does the same)."""
    missing = (len(source) - len(source.rstrip("\n"))) - (len(rendered) - len(rendered.rstrip("\n")))
    return rendered + "\n" * missing if missing > 0 else rendered


class _Overlay(Mapping[str, Any]):
    """``template_vars`` over the task's variables, without copying them."""

    def __init__(self, top: dict[str, Any], below: Mapping[str, Any]) -> None:
        self._top, self._below = top, below

    def __getitem__(self, name: str) -> Any:
        return self._top[name] if name in self._top else self._below[name]

    def __contains__(self, name: object) -> bool:
        return name in self._top or name in self._below

    def __iter__(self) -> Iterator[str]:
        yield from self._top
        yield from (k for k in self._below if k not in self._top)

    def __len__(self) -> int:
        return sum(1 for _ in self)
