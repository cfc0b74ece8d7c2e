"""Render one string or a nested value against a variable scope (Jinja errors raised raw).

Only a ``str`` containing ``{{`` or ``{%`` is a template; ``UnsafeText`` never is.
A single ``{{ expr }}`` gives the expression's value; anything else gives a str,
which is ``UnsafeText`` when any part of it came from host data.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from jinja2 import Undefined

from corral.errors import TemplateError

from .environment import CompiledTemplate, CorralEnvironment
from .unsafe import UNSAFE_TYPES, UnsafeText, is_unsafe

_PLAIN_ATOMS = frozenset({str, int, float, bool, type(None)})


def is_template(value: Any) -> bool:
    """True for a str holding Jinja markup that is not host data."""
    return (
        isinstance(value, str)
        and not isinstance(value, UnsafeText)
        and ("{{" in value or "{%" in value)
    )


def render_string(env: CorralEnvironment, text: str, scope: Mapping[str, Any]) -> Any:
    """Render ``text``: the native value for one ``{{ expr }}``, else a str."""
    compiled = env.compile_template(text)
    pieces = run(compiled, scope, env.limits.max_size)
    if compiled.single_expression:
        return _native(pieces[0])
    return join_text(pieces)


def render_to_text(env: CorralEnvironment, text: str, scope: Mapping[str, Any]) -> str:
    """Render ``text`` as a whole file: always a str."""
    return join_text(run(env.compile_template(text), scope, env.limits.max_size))


def render_file(env: CorralEnvironment, text: str, scope: Mapping[str, Any],
                newline: str = "\n") -> str:
    """Render a template file's ``text`` as ansible-core's template module does.

    The source's last line break is not part of the template (Jinja's default,
    so ``trim_blocks`` never eats it and an empty last expression adds nothing);
    then the output gets back as many trailing ``\n`` as the source ended with,
    if it has fewer: ``'a\n{{ x }}\n'`` with ``x: ''`` gives ``'a\n'``, and
    ``'{% if 1 %}x{% endif %}\n'`` gives ``'x\n'``.
    """
    out = render_to_text(env, file_body(text), scope)
    missing = _trailing_newlines(text) - _trailing_newlines(out)
    if missing <= 0:
        return out
    padded = out + newline * missing
    return UnsafeText(padded) if isinstance(out, UnsafeText) else padded


def file_body(text: str) -> str:
    """A template file's text without its last line break (what ``render_file`` compiles)."""
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith(("\n", "\r")):
        return text[:-1]
    return text


def _trailing_newlines(text: str) -> int:
    return len(text) - len(text.rstrip("\n"))


def run(compiled: CompiledTemplate, scope: Mapping[str, Any], max_size: int) -> list[Any]:
    """The output pieces of one render; ``scope`` is used as is (never copied).

    Fails as soon as the text output passes ``max_size`` characters.
    """
    template = compiled.template
    context = template.new_context(scope, shared=True)  # type: ignore[arg-type]
    pieces: list[Any] = []
    append = pieces.append
    size = 0
    for piece in template.root_render_func(context):
        append(piece)
        if isinstance(piece, str):
            size += len(piece)
            if size > max_size:
                raise TemplateError(
                    f"template output would exceed the limit of {max_size:,} characters")
    return pieces


def walk(value: Any, render: Callable[[str, str], Any], path: str = "") -> Any:
    """Apply ``render(text, path)`` to every template string inside ``value`` (keys too).

    Only plain dicts, lists and tuples are entered: host data and lazy mappings
    (``hostvars``, a ``TemplatedVars``) are returned as they are. A container with
    no template in it is returned itself, not copied.
    """
    if isinstance(value, UNSAFE_TYPES):
        return value
    if is_template(value):
        return render(value, path)
    if isinstance(value, dict):
        items = [(walk(k, render, path), walk(v, render, _join(path, k))) for k, v in value.items()]
        if all(nk is k and nv is v for (nk, nv), (k, v) in zip(items, value.items(), strict=True)):
            return value
        return dict(items)
    if isinstance(value, list | tuple):
        rendered = [walk(v, render, f"{path}[{i}]") for i, v in enumerate(value)]
        if all(new is old for new, old in zip(rendered, value, strict=True)):
            return value
        return type(value)(rendered)
    return value


def join_text(pieces: list[Any]) -> str:
    """Concatenate output pieces like Ansible: None prints as nothing."""
    text = "".join(_text(p) for p in pieces)
    if any(is_unsafe(p) for p in pieces):
        return UnsafeText(text)
    return text


def _text(piece: Any) -> str:
    if piece is None:
        return ""
    return str(_materialise(piece))


def _native(value: Any) -> Any:
    value = _materialise(value)
    _raise_if_undefined(value)
    return value


def _materialise(value: Any) -> Any:
    """Generators (``map``, ``select``) and dict views become lists, as in Ansible."""
    if type(value) in _PLAIN_ATOMS:
        return value
    if isinstance(value, Iterator | KeysView | ValuesView | ItemsView) and not isinstance(
        value, str | Mapping
    ):
        return list(value)
    return value


def _raise_if_undefined(value: Any) -> None:
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError naming the variable
    elif isinstance(value, list | tuple):
        for item in value:
            _raise_if_undefined(item)
    elif isinstance(value, dict):
        for item in value.values():
            _raise_if_undefined(item)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)
