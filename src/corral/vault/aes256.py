"""ansible-vault's AES256 scheme, with the ``cryptography`` package.

PBKDF2-HMAC-SHA256 (10,000 rounds, 32-byte random salt) derives 80 bytes: an AES-256
key, an HMAC-SHA256 key and a 16-byte counter block. The plaintext is PKCS#7-padded,
encrypted with AES-CTR, and authenticated with HMAC-SHA256 over the ciphertext.
The HMAC is checked (in constant time) before anything is decrypted.

``cryptography`` is imported when something is encrypted or decrypted, not before:
most runs have no vault data, and it is a tenth of corral's start-up.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from hashlib import sha256

from .envelope import Envelope

KDF_ROUNDS = 10_000
SALT_BYTES = 32
KEY_BYTES = 32
IV_BYTES = 16


class HmacMismatch(ValueError):
    """The password is wrong, or the data was changed after it was encrypted."""


def encrypt(plaintext: bytes, password: bytes, label: str | None = None,
            salt: bytes | None = None) -> Envelope:
    """``plaintext`` encrypted with ``password``: version 1.2 when a label is given."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    cipher_key, hmac_key, iv = _derive(password, salt)
    padder = padding.PKCS7(algorithms.AES.block_size).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(cipher_key), modes.CTR(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    tag = hmac.new(hmac_key, ciphertext, sha256).digest()
    version = "1.2" if label is not None else "1.1"
    return Envelope(version, label, salt, tag, ciphertext)


def decrypt(envelope: Envelope, password: bytes) -> bytes:
    """The plaintext of ``envelope``; ``HmacMismatch`` for a wrong password or damaged data."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    cipher_key, hmac_key, iv = _derive(password, envelope.salt)
    expected = hmac.new(hmac_key, envelope.ciphertext, sha256).digest()
    if not hmac.compare_digest(expected, envelope.hmac):
        raise HmacMismatch("HMAC verification failed")
    decryptor = Cipher(algorithms.AES(cipher_key), modes.CTR(iv)).decryptor()
    padded = decryptor.update(envelope.ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(algorithms.AES.block_size).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise HmacMismatch("the decrypted data has invalid padding") from exc


def _derive(password: bytes, salt: bytes) -> tuple[bytes, bytes, bytes]:
    derived = hashlib.pbkdf2_hmac("sha256", password, salt, KDF_ROUNDS, 2 * KEY_BYTES + IV_BYTES)
    return derived[:KEY_BYTES], derived[KEY_BYTES:2 * KEY_BYTES], derived[2 * KEY_BYTES:]
