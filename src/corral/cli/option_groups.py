"""Options several commands share, declared once as dataclasses of typer options.

A command asks for a group by a parameter typed with the group's class
(``hosts: HostFlags``); ``with_option_groups`` shows typer the group's fields in its
place and hands the command the built dataclass. ``apply``, ``check``, ``run`` and
``facts`` so accept the same connection flags, spelled and documented in one place,
and each command still declares its own options beside them.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, get_type_hints

F = TypeVar("F", bound=Callable[..., Any])


def is_option_group(annotation: object) -> bool:
    return isinstance(annotation, type) and bool(getattr(annotation, "__option_group__", False))


def option_group(cls: type[Any]) -> type[Any]:
    """Mark a frozen dataclass whose fields are ``Annotated[..., typer.Option(...)]``."""
    cls.__option_group__ = True
    return cls


def _fields_as_parameters(group: type[Any]) -> list[inspect.Parameter]:
    hints = get_type_hints(group, include_extras=True)
    return [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default,
                              annotation=hints[f.name])
            for f in dataclasses.fields(group)]


def with_option_groups(command: F) -> F:
    """``command`` with each option-group parameter spread into the group's options."""
    hints = get_type_hints(command, include_extras=True)
    parameters: list[inspect.Parameter] = []
    groups: dict[str, type[Any]] = {}
    for param in inspect.signature(command).parameters.values():
        annotation = hints.get(param.name, param.annotation)
        if is_option_group(annotation):
            groups[param.name] = annotation
            parameters += _fields_as_parameters(annotation)  # in place: --help keeps the order
        elif groups:  # after a group's keyword-only options, keyword-only too
            parameters.append(param.replace(annotation=annotation,
                                            kind=inspect.Parameter.KEYWORD_ONLY))
        else:
            parameters.append(param.replace(annotation=annotation))
    names = {name: [f.name for f in dataclasses.fields(group)] for name, group in groups.items()}

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for name, group in groups.items():
            kwargs[name] = group(**{field: kwargs.pop(field) for field in names[name]})
        return command(*args, **kwargs)

    wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper  # type: ignore[return-value]
