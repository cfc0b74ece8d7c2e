"""A play's ``vars_prompt`` answers and its ``vars_files`` choices, on the controller."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from corral.errors import InputError, Problem
from corral.templating import Templar


def prompt_vars(prompts: list[dict[str, Any]], extra_vars: Mapping[str, Any],
                stdin: TextIO | None = None) -> dict[str, Any]:
    """Each prompt's value: from ``-e`` if given there, else asked on the terminal.

    With no terminal a prompt's ``default`` is used; with no default either,
    the run stops with a message naming the variable and how to pass it.
    """
    stream = stdin if stdin is not None else sys.stdin
    values: dict[str, Any] = {}
    for prompt in prompts:
        name = str(prompt["name"])
        if name in extra_vars:
            continue
        default = prompt.get("default")
        if not stream.isatty():
            if default is None:
                raise InputError(Problem(
                    f"vars_prompt '{name}' needs an answer but there is no terminal; "
                    f"pass it with -e {name}=VALUE"))
            values[name] = default
            continue
        values[name] = _ask(prompt, default)
    return values


def _ask(prompt: dict[str, Any], default: Any) -> Any:
    text = str(prompt.get("prompt") or prompt["name"])
    suffix = f" [{default}]" if default is not None else ""
    private = prompt.get("private", True) not in (False, "no", "false")
    ask = getpass.getpass if private else input
    answer = ask(f"{text}{suffix}: ")
    if prompt.get("confirm") and ask(f"confirm {text}: ") != answer:
        raise InputError(Problem(f"vars_prompt '{prompt['name']}': the answers differ"))
    return answer if answer != "" or default is None else default


def vars_file_choice(entry: str | list[str], templar: Templar, playbook_dir: Path,
                     where: str = "vars_files") -> tuple[str, Path]:
    """The file a vars_files entry names; for a list, the first that exists.

    ``where`` (``vars_files at FILE:LINE``) is named by a template error."""
    names = [entry] if isinstance(entry, str) else list(entry)
    tried: list[str] = []
    for raw in names:
        name = str(templar.render(raw, where))
        path = Path(name)
        if not path.is_absolute():
            path = playbook_dir / path
        if isinstance(entry, str) or path.is_file():
            return name, path
        tried.append(str(path))
    raise InputError(Problem(f"vars_files: none of these files exists: {', '.join(tried)}"))
