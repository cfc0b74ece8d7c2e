"""The ``comment`` filter: text as a comment block, as ansible-core writes it.

Role templates start with ``{{ ansible_managed | comment }}``; the styles and
keywords (``decoration``, ``prefix``, ``prefix_count``, ``postfix``,
``postfix_count``, ``beginning``, ``end``, ``newline``) follow ansible-core's.
"""

from __future__ import annotations

from typing import Any

_STYLES: dict[str, dict[str, str]] = {
    "plain": {"decoration": "# "},
    "erlang": {"decoration": "% "},
    "c": {"decoration": "// "},
    "cblock": {"beginning": "/*", "decoration": " * ", "end": " */"},
    "xml": {"beginning": "<!--", "decoration": " - ", "end": "-->"},
}


def comment(text: Any, style: str = "plain", **kw: Any) -> str:
    """``text`` with each line decorated, between a prefix and a postfix line."""
    if style not in _STYLES:
        raise ValueError(f"comment style {style!r} is not one of {', '.join(_STYLES)}")
    options: dict[str, Any] = {**_STYLES[style], **kw}
    decoration = str(options["decoration"])
    newline = str(options.get("newline", "\n"))
    prefix = str(options.get("prefix", decoration.rstrip()))
    postfix = str(options.get("postfix", decoration.rstrip()))
    prefix_count = int(options.get("prefix_count", 1))
    postfix_count = int(options.get("postfix_count", 1))
    beginning = f"{options['beginning']}{newline}" if options.get("beginning") else ""
    if prefix == newline:
        head = newline * prefix_count
    else:
        head = f"{prefix}{newline}" * prefix_count if prefix else ""
    body = decoration + f"{newline}{decoration}".join(str(text).split(newline))
    tail = newline.join(["", *([postfix] * postfix_count)])
    end = f"{newline}{options['end']}" if options.get("end") else ""
    return f"{beginning}{head}{body}{tail}{end}"
