"""`corral modules -s NAME`: a task to paste into a playbook, made from the module's ARGS.

Required arguments get a placeholder (``<dest>``), the first choice or the
default; optional ones follow commented out, each with its default and the first
sentence of its doc, so that uncommenting a line is all it takes.
"""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

from corral.modules._api import Arg
from corral.modules.doc import ModuleInfo

_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null", "~", ""})
_DOC_WIDTH = 72


class SnippetInfo(ModuleInfo, Protocol):
    """A documented module that may also take free-form text (command, shell, ...)."""

    @property
    def free_form(self) -> bool: ...


def yaml_scalar(value: Any) -> str:
    """``value`` as YAML writes it on one line: plain when that reads back the same."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(value)
    text = str(value)
    if _plain_ok(text):
        return text
    return json.dumps(text)


def _plain_ok(text: str) -> bool:
    """True when YAML reads ``text`` back as this same string without quotes."""
    if text.lower() in _YAML_WORDS or _is_number(text) or text != text.strip():
        return False
    if text[0] in _INDICATORS or text.endswith(":") or ": " in text or " #" in text:
        return False
    return "\n" not in text and "\t" not in text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def placeholder(name: str, spec: Arg) -> str:
    """The value a pasted task starts with: the default, the first choice, or ``<name>``."""
    if spec.has_default and spec.default is not None:
        return yaml_scalar(spec.default)
    if spec.choices:
        return yaml_scalar(spec.choices[0])
    kind = spec.type_name()
    return {"bool": "true", "int": "1", "float": "1.0", "list": "[]", "dict": "{}",
            "mode": "'0644'"}.get(kind, f"<{name}>")


def _first_sentence(doc: str, width: int = _DOC_WIDTH) -> str:
    """The doc's first sentence without its full stop, cut at a word to ``width``."""
    sentence = re.split(r"(?<=\.)\s", doc.strip(), maxsplit=1)[0].rstrip(".:")
    if len(sentence) <= width:
        return sentence
    return sentence[:width - 3].rsplit(" ", 1)[0] + "..."


def _comment(spec: Arg) -> str:
    facts = [spec.type_name()]
    if spec.required:
        facts.insert(0, "required")
    if spec.choices:
        facts.append("one of " + ", ".join(yaml_scalar(c) for c in spec.choices))
    doc = _first_sentence(spec.doc)
    return "; ".join(facts) + (f": {doc}" if doc else "")


def task_snippet(info: SnippetInfo) -> str:
    """The YAML of one task using ``info``, required arguments first."""
    specs = sorted(info.args_spec.items(), key=lambda item: (not item[1].required, item[0]))
    rows = []
    for name, spec in specs:
        prefix = "" if spec.required else "# "
        rows.append((f"{prefix}{name}: {placeholder(name, spec)}", _comment(spec)))
    width = max((len(left) for left, _ in rows), default=0)
    lines = [f"- name: {yaml_scalar(_first_sentence(info.doc) or info.name)}",
             f"  {info.name}:"]
    if info.free_form:
        lines.append(f"    # or the free form: '{info.name}: <arguments>'")
    lines += [f"    {left.ljust(width)}  # {comment}" for left, comment in rows]
    return "\n".join(lines)
