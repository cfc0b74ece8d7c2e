"""Keep vault secrets out of what corral prints and writes.

Every value decrypted in a run is remembered by the keyring (line by line, lines of
four or more characters); ``redact_text`` replaces each occurrence with ``********``.
``RedactingWriter`` wraps stdout/stderr for the duration of a run, so the console,
``-v`` results, diffs and error messages are all covered in one place; the JSON
report goes through ``redact_data``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TextIO

MASK = "********"


def redact_text(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):  # longest first: no partial leftovers
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_data(obj: Any, secrets: frozenset[str]) -> Any:
    """``obj`` with every string in it (keys too) redacted; other values as they are."""
    if not secrets:
        return obj
    if isinstance(obj, str):
        return redact_text(obj, secrets)
    if isinstance(obj, dict):
        return {redact_data(k, secrets): redact_data(v, secrets) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [redact_data(v, secrets) for v in obj]
    return obj


class RedactingWriter:
    """A text stream that redacts the current secrets from everything written to it."""

    def __init__(self, inner: TextIO, secrets: Callable[[], frozenset[str]]) -> None:
        self._inner = inner
        self._secrets = secrets

    def write(self, text: str) -> int:
        self._inner.write(redact_text(text, self._secrets()))
        return len(text)

    def flush(self) -> None:
        self._inner.flush()

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
