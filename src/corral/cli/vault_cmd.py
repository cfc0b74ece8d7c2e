"""`corral vault …`: ansible-vault's everyday commands, file-compatible both ways.

Files are rewritten atomically (a temporary file in the same folder, mode 0600,
then renamed), so an interrupted run never leaves a half-encrypted file.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import typer

from corral.cli.exit_codes import ExitCode
from corral.errors import InputError
from corral.vault import Keyring, is_vault_text
from corral.vault.sources import build_keyring


def encrypt_files(keyring: Keyring, files: Sequence[Path], vault_id: str | None,
                  output: Path | None) -> ExitCode:
    """Encrypt each file in place (or to ``output`` for one file, ``-`` for stdout)."""
    for path in files:
        text = _read(path)
        if is_vault_text(text):
            raise InputError(f"{path}: already encrypted with vault")
        _emit(keyring.encrypt_text(text, vault_id), output or path)
        _say(f"Encryption successful: {path}")
    return ExitCode.SUCCESS


def decrypt_files(keyring: Keyring, files: Sequence[Path], output: Path | None) -> ExitCode:
    """Decrypt each file in place (or to ``output``)."""
    for path in files:
        text = _read(path)
        if not is_vault_text(text):
            raise InputError(f"{path}: not a vault-encrypted file")
        _emit(keyring.decrypt_text(text, str(path)), output or path)
        _say(f"Decryption successful: {path}")
    return ExitCode.SUCCESS


def view_files(keyring: Keyring, files: Sequence[Path]) -> ExitCode:
    for path in files:
        sys.stdout.write(keyring.decrypt_text(_read(path), str(path)))
    sys.stdout.flush()
    return ExitCode.SUCCESS


def encrypt_string(keyring: Keyring, values: Sequence[str], name: str | None,
                   vault_id: str | None) -> ExitCode:
    """Print each value as an inline ``!vault`` YAML value (from stdin when none is given)."""
    if not values:
        values = [sys.stdin.read()]
    for value in values:
        vault = keyring.encrypt_text(value, vault_id)
        body = "".join(f"          {line}\n" for line in vault.splitlines())
        prefix = f"{name}: " if name else ""
        sys.stdout.write(f"{prefix}!vault |\n{body}")
    _say("Encryption successful")
    return ExitCode.SUCCESS


def rekey_files(keyring: Keyring, new: Keyring, files: Sequence[Path],
                new_vault_id: str | None) -> ExitCode:
    for path in files:
        plain = keyring.decrypt_text(_read(path), str(path))
        _emit(new.encrypt_text(plain, new_vault_id), path)
        _say(f"Rekey successful: {path}")
    return ExitCode.SUCCESS


def _read(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc


def _emit(text: str, dest: Path) -> None:
    if str(dest) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    folder = dest.parent if str(dest.parent) else Path(".")
    mode = dest.stat().st_mode & 0o7777 if dest.exists() else 0o600
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=folder)  # 0600 until renamed
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")


def keyring_from_options(password_files: list[str] | None, vault_ids: list[str] | None,
                         ask: bool) -> Keyring:
    keyring = build_keyring(password_files or [], vault_ids or [], ask)
    if not keyring:
        raise InputError("no vault password given: use --vault-password-file FILE, "
                         "--vault-id LABEL@SOURCE or --ask-vault-pass "
                         "(or set ANSIBLE_VAULT_PASSWORD_FILE)")
    return keyring


def fail_on_input(exc: InputError) -> typer.Exit:
    sys.stderr.write(f"{exc}\n")
    return typer.Exit(int(ExitCode.INVALID_INPUT))
