"""ansible-vault compatible encryption: read and write ``$ANSIBLE_VAULT`` data."""

from .envelope import is_vault_text
from .keyring import DEFAULT_ID, Keyring, VaultSecret, maybe_decrypt

__all__ = ["DEFAULT_ID", "Keyring", "VaultSecret", "is_vault_text", "maybe_decrypt"]
