"""The module reference, generated from each module's ``ARGS`` (their only documentation).

Used by ``corral modules`` (text) and to write the README's module table (markdown).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from corral.modules._api import Arg


class ModuleInfo(Protocol):
    """Anything documented by its ARGS: host modules and controller actions alike."""

    @property
    def name(self) -> str: ...

    @property
    def doc(self) -> str: ...

    @property
    def args_spec(self) -> Mapping[str, Arg]: ...


@dataclass(frozen=True)
class ArgRow:
    """One argument of one module, as the reference shows it."""

    module: str
    name: str
    type: str
    required: bool
    default: str
    choices: str
    aliases: str
    doc: str


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def arg_rows(info: ModuleInfo) -> list[ArgRow]:
    """The rows of ``info``'s arguments, required ones first, then by name."""
    specs: list[tuple[str, Arg]] = sorted(info.args_spec.items(),
                                          key=lambda item: (not item[1].required, item[0]))
    return [
        ArgRow(module=info.name, name=name, type=spec.type_name(), required=spec.required,
               default=_show(spec.default) if spec.has_default else "",
               choices=", ".join(_show(c) for c in spec.choices or ()),
               aliases=", ".join(spec.aliases), doc=spec.doc)
        for name, spec in specs
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(infos: Iterable[ModuleInfo]) -> str:
    """A markdown section per module: its DOC line and a table of its arguments."""
    parts: list[str] = []
    for info in infos:
        parts += [f"### {info.name}", "", info.doc, "",
                  "| argument | type | required | default | choices | doc |",
                  "|---|---|---|---|---|---|"]
        for row in arg_rows(info):
            name = row.name + (f" (aliases: {row.aliases})" if row.aliases else "")
            cells = (name, row.type, "yes" if row.required else "", row.default,
                     row.choices, row.doc)
            parts.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        parts.append("")
    return "\n".join(parts)


def summary(infos: Iterable[ModuleInfo]) -> str:
    """One line per module: name and DOC (``corral modules`` without a name)."""
    items = list(infos)
    width = max((len(i.name) for i in items), default=0)
    return "\n".join(f"{i.name.ljust(width)}  {i.doc}" for i in items)


def text(info: ModuleInfo) -> str:
    """The full reference of one module as plain text (``corral modules NAME``)."""
    lines = [f"{info.name}: {info.doc}", ""]
    for row in arg_rows(info):
        facts = [row.type, "required" if row.required else ""]
        facts += [f"default {row.default}" if row.default else ""]
        facts += [f"one of: {row.choices}" if row.choices else ""]
        facts += [f"aliases: {row.aliases}" if row.aliases else ""]
        lines.append(f"  {row.name} ({'; '.join(f for f in facts if f)})")
        lines.append(f"      {row.doc}")
    returns: Mapping[str, str] = getattr(info, "returns", None) or {}
    if returns:
        lines += ["", "returns (what `register` holds, besides changed, failed and msg):"]
        lines += [f"  {key}: {text}" for key, text in sorted(returns.items())]
    return "\n".join(lines)
