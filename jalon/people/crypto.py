"""The NIR at rest: AES-GCM encrypted for display, and an HMAC for exact search and matching.

Both keys come from settings (environment in production). The HMAC is keyed so that a stolen table
cannot be matched against a list of NIRs computed offline.
"""

import base64
import hashlib
import hmac
import os
from functools import cache, lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


def _key(setting_name: str, label: bytes) -> bytes:
    configured = getattr(settings, setting_name, "")
    if configured:
        return base64.urlsafe_b64decode(configured)
    # Development and tests only (production settings require the keys): derived from SECRET_KEY.
    return hashlib.sha256(label + settings.SECRET_KEY.encode()).digest()


@cache
def _aead() -> AESGCM:
    return AESGCM(_key("JALON_NIR_ENCRYPTION_KEY", b"jalon-nir-encryption"))


@cache
def _hash_key() -> bytes:
    return _key("JALON_NIR_HASH_KEY", b"jalon-nir-hash")


@lru_cache(maxsize=65_536)  # an import asks for the same NIR's hash several times
def nir_hash(nir: str) -> str:
    return hmac.digest(_hash_key(), nir.encode(), "sha256").hex()  # one C call: hmac.new(...).hexdigest() as is


def nir_encrypt(nir: str) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _aead().encrypt(nonce, nir.encode(), None)).decode()


def nir_decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    return _aead().decrypt(raw[:12], raw[12:], None).decode()


def nir_mask(nir: str) -> str:
    """What roles without the need to know see: sex and birth year/month only."""
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} •• ••• •••" if nir else ""


def nir_format(nir: str) -> str:
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]}" if nir else ""
