"""The vault options shared by apply, check, run and explain, and the run's keyring scope."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from corral.cli.exit_codes import ExitCode
from corral.errors import InputError

if TYPE_CHECKING:
    from corral.vault import Keyring

VaultPasswordFileOpt = Annotated[
    list[str] | None,
    typer.Option("--vault-password-file", "--vault-pass-file",
                 help="Vault password file, or an executable that prints it (repeatable)."),
]
VaultIdOpt = Annotated[
    list[str] | None,
    typer.Option("--vault-id", help="Vault identity LABEL@SOURCE; SOURCE a file, a script or 'prompt'."),
]
AskVaultPassOpt = Annotated[
    bool, typer.Option("--ask-vault-pass", "-J", help="Ask for the vault password.")
]


def run_with_vault(password_files: list[str] | None, vault_ids: list[str] | None, ask: bool,
                   run: Callable[[], ExitCode]) -> ExitCode:
    """Read the vault passwords (before anything else), then ``run()`` with them installed."""
    from corral.vault.active import using_keyring
    from corral.vault.sources import build_keyring

    try:
        keyring = build_keyring(password_files or [], vault_ids or [], ask)
    except InputError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return ExitCode.INVALID_INPUT
    if not keyring:
        return run()
    with using_keyring(keyring), _redacted_output(keyring):
        return run()


@contextmanager
def _redacted_output(keyring: Keyring) -> Iterator[None]:
    """stdout and stderr redact every vault value decrypted so far, until the run ends."""
    from corral.vault.redact import RedactingWriter

    def secrets() -> frozenset[str]:
        return frozenset(keyring.revealed)

    saved = sys.stdout, sys.stderr
    sys.stdout = RedactingWriter(saved[0], secrets)
    sys.stderr = RedactingWriter(saved[1], secrets)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
