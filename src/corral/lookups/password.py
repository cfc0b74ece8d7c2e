"""``password``: a random password kept in a file on the controller, as Ansible keeps it.

``lookup('password', 'creds/db length=24 chars=ascii_letters,digits')``: the first
call writes a new password to the file (mode 0600, folders made); later calls read
it back, so every run and every host gets the same one. ``/dev/null`` keeps nothing.
``seed=`` makes the password reproducible. ``encrypt=`` is not supported.
"""

from __future__ import annotations

import os
import random
import secrets
import string
from pathlib import Path
from typing import Any

from .context import LookupContext, LookupFailed

DEFAULT_LENGTH = 20
DEFAULT_CHARS = ("ascii_letters", "digits", ".,:-_")
_KNOWN = ("length", "chars", "seed", "encrypt", "ident", "salt")
_CHAR_SETS = {name: getattr(string, name) for name in (
    "ascii_letters", "ascii_lowercase", "ascii_uppercase", "digits", "hexdigits",
    "octdigits", "punctuation", "printable", "letters", "lowercase", "uppercase",
) if hasattr(string, name)}
MAX_LENGTH = 4096


def password(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    return [_one(str(term), kwargs, ctx) for term in terms]


def _one(term: str, kwargs: dict[str, Any], ctx: LookupContext) -> str:
    path_text, params = _parse(term, kwargs)
    if params.get("encrypt") or params.get("ident") or params.get("salt"):
        raise LookupFailed("lookup 'password': encrypt=, ident= and salt= are not supported by "
                           "corral; hash the password with the password_hash filter instead")
    length = _length(params.get("length", DEFAULT_LENGTH))
    chars = _chars(params.get("chars"))
    path = Path(path_text).expanduser()
    if not path.is_absolute():
        path = Path(str(ctx.var("playbook_dir") or Path.cwd())) / path
    if str(path) != os.devnull and path.is_file():
        return _read(path)
    chooser = random.Random(str(params["seed"])) if "seed" in params else secrets.SystemRandom()
    value = "".join(chooser.choice(chars) for _ in range(length))
    if str(path) != os.devnull:
        return _store(path, value)
    return value


def _parse(term: str, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    words = term.split()
    if not words:
        raise LookupFailed("lookup 'password' needs a file path")
    params: dict[str, Any] = dict(kwargs)
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if not sep or key not in _KNOWN:
            raise LookupFailed(f"lookup 'password': unknown parameter {word!r} "
                               f"(known: {', '.join(_KNOWN)})")
        params[key] = value
    return words[0], params


def _length(value: Any) -> int:
    try:
        length = int(value)
    except (TypeError, ValueError):
        raise LookupFailed(f"lookup 'password': length={value!r} is not a number") from None
    if not 1 <= length <= MAX_LENGTH:
        raise LookupFailed(f"lookup 'password': length must be between 1 and {MAX_LENGTH}")
    return length


def _chars(value: Any) -> str:
    if value is None:
        names: list[str] = list(DEFAULT_CHARS)
    elif isinstance(value, list | tuple):
        names = [str(v) for v in value]
    else:
        names = [part.replace("\0", ",") for part in str(value).replace(",,", "\0").split(",")]
    chars = "".join(_CHAR_SETS.get(name, name) for name in names if name)
    if not chars:
        raise LookupFailed("lookup 'password': chars gives no character to choose from")
    return chars


def _read(path: Path) -> str:
    try:
        first = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LookupFailed(f"lookup 'password': cannot read {path}: {exc}") from exc
    line = first[0] if first else ""
    return line.split(" salt=", 1)[0].split(" ident=", 1)[0]


def _store(path: Path, value: str) -> str:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # as Ansible makes it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)  # another host of this run wrote it first
    except OSError as exc:
        raise LookupFailed(f"lookup 'password': cannot write {path}: {exc}") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value
