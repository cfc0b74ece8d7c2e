"""The text envelope of an ansible-vault file: a header line, then hex in 80-column lines.

    $ANSIBLE_VAULT;1.1;AES256
    $ANSIBLE_VAULT;1.2;AES256;LABEL        (1.2 names the vault id the data is for)

The body is the hex of ``hex(salt) \\n hex(hmac) \\n hex(ciphertext)``. Parsing is
bounded and strict: a damaged envelope is a ``VaultFormatError`` in words.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass

HEADER_MAGIC = "$ANSIBLE_VAULT"
CIPHER = "AES256"
LINE_WIDTH = 80
MAX_VAULT_BYTES = 256 * 1024 * 1024


class VaultFormatError(ValueError):
    """The text looks like a vault but its envelope is damaged."""


@dataclass(frozen=True)
class Envelope:
    """The parts of a vault text, still encrypted."""

    version: str
    label: str | None
    salt: bytes
    hmac: bytes
    ciphertext: bytes


def is_vault_text(data: str | bytes) -> bool:
    """True when ``data`` starts with the vault header (leading whitespace allowed)."""
    head = data.lstrip()[: len(HEADER_MAGIC)]
    if isinstance(head, bytes):
        return head == HEADER_MAGIC.encode()
    return head == HEADER_MAGIC


def parse_envelope(text: str) -> Envelope:
    """Split a vault text into its header fields and binary parts."""
    if len(text) > MAX_VAULT_BYTES:
        raise VaultFormatError(f"vault data larger than {MAX_VAULT_BYTES} bytes")
    lines = text.strip().splitlines()
    if not lines:
        raise VaultFormatError("empty vault data")
    version, label = _parse_header(lines[0].strip())
    body = "".join(line.strip() for line in lines[1:])
    try:
        inner = binascii.unhexlify(body).decode("ascii")
        salt_hex, hmac_hex, cipher_hex = inner.split("\n", 2)
        return Envelope(version, label, binascii.unhexlify(salt_hex),
                        binascii.unhexlify(hmac_hex), binascii.unhexlify(cipher_hex.strip()))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise VaultFormatError("the vault body is not valid hex data (damaged or truncated)") from exc


def format_envelope(envelope: Envelope) -> str:
    """The vault text of ``envelope``: header, then hex wrapped at 80 columns, ending in \\n."""
    header = f"{HEADER_MAGIC};{envelope.version};{CIPHER}"
    if envelope.label is not None:
        header += f";{envelope.label}"
    inner = b"\n".join(binascii.hexlify(part) for part in
                       (envelope.salt, envelope.hmac, envelope.ciphertext))
    body = binascii.hexlify(inner).decode("ascii")
    wrapped = [body[i:i + LINE_WIDTH] for i in range(0, len(body), LINE_WIDTH)]
    return "\n".join([header, *wrapped]) + "\n"


def _parse_header(line: str) -> tuple[str, str | None]:
    fields = line.split(";")
    if fields[0] != HEADER_MAGIC or len(fields) < 3:
        raise VaultFormatError(f"not a vault header: {line[:60]!r}")
    version, cipher = fields[1].strip(), fields[2].strip()
    if version not in ("1.1", "1.2"):
        raise VaultFormatError(f"vault format version {version!r} is not supported (1.1 and 1.2 are)")
    if cipher != CIPHER:
        raise VaultFormatError(f"vault cipher {cipher!r} is not supported (only AES256 is)")
    label = fields[3].strip() if version == "1.2" and len(fields) > 3 else None
    return version, label
