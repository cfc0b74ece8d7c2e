"""The vault keyring of the run in progress, for the loaders that meet vault data.

Vault data turns up in a dozen loaders owned by different parts of corral (playbooks,
task files, vars files, inventories, group_vars/host_vars, -e @file, copy and template
sources). Rather than thread a keyring through each of them, the CLI installs the run's
keyring for the duration of the run with ``using_keyring`` (a context variable, reset
on exit, so nothing leaks between runs or tests). Outside of it, vault data fails
with "no vault password was given".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from corral.errors import Position

from .envelope import is_vault_text
from .keyring import Keyring

_ACTIVE: ContextVar[Keyring | None] = ContextVar("corral_vault_keyring", default=None)


@contextmanager
def using_keyring(keyring: Keyring) -> Iterator[Keyring]:
    token = _ACTIVE.set(keyring)
    try:
        yield keyring
    finally:
        _ACTIVE.reset(token)


def active_keyring() -> Keyring:
    """The run's keyring, or an empty one (which refuses vault data with a clear error)."""
    return _ACTIVE.get() or Keyring()


def decode_file_text(text: str, where: Position | str) -> str:
    """A file's text, decrypted when it is a whole-file vault."""
    if not is_vault_text(text):
        return text
    return active_keyring().decrypt_text(text, where)


def decode_file_bytes(data: bytes, where: Position | str) -> bytes:
    if not is_vault_text(data):
        return data
    return active_keyring().decrypt_bytes(data, where)


def revealed_secrets() -> frozenset[str]:
    """Every value decrypted in this run so far (for redacting output)."""
    keyring = _ACTIVE.get()
    return frozenset(keyring.revealed) if keyring else frozenset()
