"""What Jinja sees as its variables: values rendered lazily, on first access, once.

``url: "http://{{ host }}:{{ port }}"`` renders when ``url`` is used, against the
same view, so variables may refer to each other in any order. A loop
(``a: "{{ b }}"``, ``b: "{{ a }}"``) is a ``TemplateError`` naming the chain.
``UnsafeText`` values are returned as they are, never rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from jinja2 import UndefinedError

from corral.errors import TemplateError

from .environment import CorralEnvironment
from .error_text import template_error
from .render_core import render_string, walk


class TemplatedVars(Mapping[str, Any]):
    """A read-only view of ``variables`` whose values are rendered on access and cached."""

    def __init__(self, variables: Mapping[str, Any], env: CorralEnvironment) -> None:
        self._raw = variables
        self._env = env  # private: templates see this object as ``vars`` and in ``hostvars``
        self._cache: dict[str, Any] = {}
        self._resolving: list[str] = []
        self.scope: Mapping[str, Any] = _JinjaScope(self)

    def renders_with(self, env: CorralEnvironment) -> bool:
        return self._env is env

    @property
    def raw(self) -> Mapping[str, Any]:
        """The variables before rendering."""
        return self._raw

    def __getitem__(self, name: str) -> Any:
        if name not in self._raw:
            raise KeyError(name)
        try:
            return self.resolve(name)
        except Exception as exc:
            raise template_error(exc, _text_of(self._raw.get(name)), f"variable {name!r}",
                                 names=self._raw) from exc

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def resolve(self, name: str) -> Any:
        """The rendered value of ``name``; Jinja's own errors are raised raw."""
        if name in self._cache:
            return self._cache[name]
        if name in self._resolving:
            raise TemplateError(_cycle_message(self._resolving, name))
        raw = self._raw[name]
        self._resolving.append(name)
        try:
            value = walk(raw, lambda text, _path: render_string(self._env, text, self.scope))
        finally:
            self._resolving.pop()
        self._cache[name] = value
        return value


class _JinjaScope(Mapping[str, Any]):
    """The mapping handed to Jinja: variables, then ``vars``, then Jinja's globals.

    A variable whose value uses an undefined variable comes back as an Undefined
    carrying the reason, so ``x is defined`` is false and ``x | default(1)`` works
    (as in Ansible); using it fails with the reason.
    """

    def __init__(self, view: TemplatedVars) -> None:
        self._view = view

    def __getitem__(self, name: str) -> Any:
        if name in self._view:
            try:
                return self._view.resolve(name)
            except UndefinedError as exc:
                hint = f"{exc.message} (in variable {name!r})"
                return self._view._env.undefined(hint=hint, name=name)
        if name == "vars":
            return self._view
        return self._view._env.globals[name]

    def __contains__(self, name: object) -> bool:
        return name in self._view or name == "vars" or name in self._view._env.globals

    def __iter__(self) -> Iterator[str]:
        yield from self._view
        yield from (k for k in self._view._env.globals if k not in self._view)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class HostVarsView(Mapping[str, Mapping[str, Any]]):
    """``hostvars``: host name → that host's variables, built on first access by ``factory``."""

    def __init__(self, names: Sequence[str], factory: Callable[[str], Mapping[str, Any]]) -> None:
        self._names = tuple(names)
        self._known = frozenset(names)
        self._factory = factory
        self._built: dict[str, Mapping[str, Any]] = {}

    def __getitem__(self, host: str) -> Mapping[str, Any]:
        if host not in self._known:
            raise KeyError(host)
        if host not in self._built:
            self._built[host] = self._factory(host)
        return self._built[host]

    def __contains__(self, host: object) -> bool:
        return host in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _cycle_message(resolving: list[str], name: str) -> str:
    chain = [*resolving[resolving.index(name) :], name]
    return f"variable {name!r} refers to itself through: {' -> '.join(chain)}"


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)
