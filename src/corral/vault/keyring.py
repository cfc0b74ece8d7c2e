"""Vault passwords of one run, and decryption with them.

A run may hold several vault ids (``--vault-id dev@file --vault-id prod@prompt``).
A version 1.2 vault names the id it was made for: that id's password is tried
first, then every other one, as ansible-vault does. Failure names the file and the
vault ids tried, never a password.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml

from corral.errors import Position, Problem, VaultError

from .aes256 import HmacMismatch, decrypt, encrypt
from .envelope import VaultFormatError, format_envelope, is_vault_text, parse_envelope

DEFAULT_ID = "default"
MIN_SECRET = 4  # an inline !vault value or a line shorter than this is not redacted
MIN_LEAF_SECRET = 6  # a vars file's short values ("root", "true") would mask too much


@dataclass(frozen=True)
class VaultSecret:
    """One vault password and where it came from (a file, a script, a prompt)."""

    vault_id: str
    password: bytes = field(repr=False)
    source: str

    def __post_init__(self) -> None:
        if not self.password:
            raise VaultError(Problem(f"the vault password from {self.source} is empty",
                                     Position(self.source)))


@dataclass
class Keyring:
    """The vault secrets of a run; remembers every value it decrypted (for redaction)."""

    secrets: list[VaultSecret] = field(default_factory=list)
    revealed: set[str] = field(default_factory=set, repr=False)

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def decrypt_text(self, text: str, where: Position | str) -> str:
        """The plaintext of vault ``text`` found at ``where`` (a file, or file:line)."""
        position = where if isinstance(where, Position) else Position(where)
        if not self.secrets:
            raise VaultError(Problem(
                "this is vault-encrypted data but no vault password was given; use "
                "--vault-password-file, --vault-id or --ask-vault-pass", position))
        try:
            envelope = parse_envelope(text)
        except VaultFormatError as exc:
            raise VaultError(Problem(f"damaged vault data: {exc}", position)) from exc
        for secret in self._in_trial_order(envelope.label):
            try:
                plain = decrypt(envelope, secret.password)
            except HmacMismatch:
                continue
            try:
                value = plain.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise VaultError(Problem("the decrypted vault data is not UTF-8 text",
                                         position)) from exc
            self._remember(value)
            return value
        tried = ", ".join(sorted({s.vault_id for s in self.secrets}))
        label = f" (made for vault id '{envelope.label}')" if envelope.label else ""
        raise VaultError(Problem(
            f"vault decryption failed{label}: no password of the vault ids tried ({tried}) "
            "opens it; a wrong password, or data changed after it was encrypted", position))

    def decrypt_bytes(self, data: bytes, where: Position | str) -> bytes:
        """Like ``decrypt_text`` for a file read as bytes (copy's src): returns bytes."""
        return self.decrypt_text(data.decode("ascii", errors="replace"), where).encode("utf-8")

    def encrypt_text(self, plaintext: str, vault_id: str | None = None) -> str:
        """``plaintext`` as vault text with the secret of ``vault_id`` (or the first)."""
        secret = self.secret_for(vault_id)
        label = secret.vault_id if secret.vault_id != DEFAULT_ID else None
        return format_envelope(encrypt(plaintext.encode("utf-8"), secret.password, label))

    def secret_for(self, vault_id: str | None) -> VaultSecret:
        if not self.secrets:
            raise VaultError("no vault password was given; use --vault-password-file, "
                             "--vault-id or --ask-vault-pass")
        if vault_id is None:
            return self.secrets[0]
        for secret in self.secrets:
            if secret.vault_id == vault_id:
                return secret
        known = ", ".join(s.vault_id for s in self.secrets)
        raise VaultError(f"no password for vault id '{vault_id}' (known: {known})")

    def _in_trial_order(self, label: str | None) -> Iterable[VaultSecret]:
        matching = [s for s in self.secrets if label is not None and s.vault_id == label]
        return [*matching, *(s for s in self.secrets if s not in matching)]

    def _remember(self, value: str) -> None:
        """Note what to redact: the value, its lines, and a YAML file's leaf strings."""
        if len(value.strip()) >= MIN_SECRET:
            self.revealed.add(value.strip())
        for line in value.splitlines():
            if len(line.strip()) >= MIN_SECRET:
                self.revealed.add(line.strip())
        self.revealed.update(_yaml_leaves(value))


def _yaml_leaves(text: str) -> set[str]:
    """The string values of a decrypted vars file (a password is a leaf, not a line)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return set()
    found: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            text_value = str(item).strip()
            if len(text_value) >= MIN_LEAF_SECRET:
                found.add(text_value)
    return found


def maybe_decrypt(keyring: Keyring | None, text: str, where: Position | str) -> str:
    """``text`` itself, or its plaintext when it is a vault."""
    if not is_vault_text(text):
        return text
    return (keyring or Keyring()).decrypt_text(text, where)
