"""Keep secrets out of the history: -e (and -a) values of secret-looking names, in argv and text.

Names that look secret: containing password, passwd, secret, token, api_key, private_key,
credential, or ending in _pass / _key / _pw. Vault values are handled separately (the
keyring knows every value it decrypted).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from corral.vault.redact import MASK

_SECRET_NAME = re.compile(
    r"(pass(word|wd|phrase)?|secret|token|api_?key|private_?key|credential|_key|_pw)$|"
    r"(password|passwd|secret|token|credential)", re.IGNORECASE)
_EXTRA_VARS = ("-e", "--extra-vars", "-a", "--args")  # -a: an ad-hoc module's k=v arguments


def looks_secret(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def _redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: MASK if looks_secret(str(k)) else _redact_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_json(v) for v in value]
    return value


def redact_extra_var(text: str) -> str:
    """One -e value: ``k=v`` pairs and JSON objects lose secret values; ``@file`` stays."""
    stripped = text.strip()
    if stripped.startswith("@"):
        return text
    if stripped.startswith("{"):
        try:
            return json.dumps(_redact_json(json.loads(stripped)))
        except ValueError:
            return MASK  # not JSON after all: keep nothing rather than leak
    words = []
    for word in text.split(" "):
        name, eq, _value = word.partition("=")
        words.append(f"{name}={MASK}" if eq and looks_secret(name) else word)
    return " ".join(words)


def redact_argv(argv: Iterable[str]) -> list[str]:
    """The command line as typed, each -e value through ``redact_extra_var``."""
    out: list[str] = []
    pending = False
    for arg in argv:
        if pending:
            out.append(redact_extra_var(arg))
        elif arg.startswith(("--extra-vars=", "--args=")):
            flag, _, value = arg.partition("=")
            out.append(f"{flag}={redact_extra_var(value)}")
        elif arg.startswith(("-e", "-a")) and len(arg) > 2 and not arg.startswith("--"):
            out.append(arg[:2] + redact_extra_var(arg[2:]))
        else:
            out.append(arg)
        pending = not pending and arg in _EXTRA_VARS
    return out


def secret_values(extra_vars: Mapping[str, Any]) -> frozenset[str]:
    """The values of secret-looking extra vars: redacted from everything the history keeps."""
    found: set[str] = set()

    def walk(name: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(str(key), inner)
        elif looks_secret(name) and isinstance(value, str | int) and len(str(value)) >= 4:
            found.add(str(value))

    for key, value in extra_vars.items():
        walk(str(key), value)
    return frozenset(found)
