"""The ``!vault`` YAML tag: an inline encrypted value, decrypted with the run's keyring."""

from __future__ import annotations

from typing import Any

import yaml

from corral.errors import Position

from .active import active_keyring

VAULT_TAG = "!vault"


class VaultString(str):
    """A value that came out of a vault: a secret, never shown in output."""

    __slots__ = ()


def construct_vault(loader: yaml.SafeLoader, node: yaml.Node) -> VaultString:
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(
            None, None, "!vault must tag a string (the output of 'corral vault encrypt-string')",
            node.start_mark)
    mark = node.start_mark
    where = Position(str(getattr(loader, "file", None) or mark.name), mark.line + 1, mark.column + 1)
    return VaultString(active_keyring().decrypt_text(str(node.value), where))


def add_vault_tag(loader_class: type[Any]) -> None:
    """Teach a SafeLoader subclass the ``!vault`` tag (and ``!vault-encrypted``, its old name)."""
    loader_class.add_constructor(VAULT_TAG, construct_vault)
    loader_class.add_constructor("!vault-encrypted", construct_vault)
