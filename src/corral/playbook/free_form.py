"""Module arguments written as one string: ``file: path=/srv state=directory``.

Splitting follows Ansible: whitespace separates words except inside quotes
and Jinja ``{{ }}``/``{% %}``; ``key=value`` words are arguments. For
free-form modules (command, shell, raw, script) only the module's own
argument names are taken as ``key=value``; everything else is the command,
kept in ``_raw_params``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

_KEY_VALUE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)
# set_fact's names may be templates: ``{{ prefix }}_x=1``.
_TEMPLATED_KEY_VALUE = re.compile(r"((?:[A-Za-z0-9_]|\{\{(?:(?!\}\}).)*\}\})+)=(.*)", re.DOTALL)
_OPEN = ("{{", "{%", "{#")
_CLOSE = ("}}", "%}", "#}")


@dataclass
class FreeForm:
    """The result of parsing one argument string."""

    args: dict[str, str] = field(default_factory=dict)
    raw_words: list[str] = field(default_factory=list)
    # The text without its key=value words, spacing and newlines kept (a shell script).
    raw_text: str = ""
    error: str | None = None


Span = tuple[str, int, int]


def split_words(text: str) -> tuple[list[Span], str | None]:
    """Split on whitespace outside quotes and Jinja blocks: (word, start, end) with quotes kept."""
    words: list[Span] = []
    current: list[str] = []
    start = 0
    quote: str | None = None
    depth = 0
    index = 0
    while index < len(text):
        char, pair = text[index], text[index:index + 2]
        if pair in _OPEN or (depth and pair in _CLOSE):
            depth += 1 if pair in _OPEN else -1
            current.append(pair)
            index += 2
            continue
        if depth:
            pass  # inside Jinja: quotes and spaces belong to the expression
        elif quote is not None:
            if char == quote and (index == 0 or text[index - 1] != "\\"):
                quote = None
        elif char in "\"'":
            quote = char
        elif char.isspace() and depth == 0:
            if current:
                words.append(("".join(current), start, index))
                current = []
            index += 1
            start = index
            continue
        current.append(char)
        index += 1
    if current:
        words.append(("".join(current), start, index))
    if quote is not None:
        return words, f"unbalanced quote ({quote}) in arguments"
    if depth:
        return words, "unclosed Jinja block ('{{' without '}}') in arguments"
    return words, None


def unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def parse_free_form(text: str, keys: Collection[str] | None) -> FreeForm:
    """Parse ``text``; with ``keys`` (free-form modules) only those keys are ``k=v``."""
    words, error = split_words(text)
    result = FreeForm(error=error)
    kept: list[str] = []
    end = 0
    for word, start, stop in words:
        match = _KEY_VALUE.fullmatch(word)
        if match is None and keys is None and "{{" in word.partition("=")[0]:
            match = _TEMPLATED_KEY_VALUE.fullmatch(word)
        if match and (keys is None or match.group(1) in keys):
            result.args[match.group(1)] = unquote(match.group(2))
            kept.append(text[end:start])
            end = stop
        else:
            result.raw_words.append(word)
    kept.append(text[end:])
    result.raw_text = "".join(kept).strip()
    return result
