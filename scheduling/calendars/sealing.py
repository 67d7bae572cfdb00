"""App passwords sealed with Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`).

The key comes from `calendars.encryption_key` (or its `_FILE`); without one, a key is
generated once into the instance folder, like the session secret. A database dump alone
then opens no practice's calendar. The password is never logged nor shown again.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from desk.base.config import Settings, instance_dir
from desk.base.errors import DomainError

KEY_FILE = "calendar_key"


def _key(settings: Settings) -> bytes:
    configured: str = settings["calendars.encryption_key"]
    if configured:
        return configured.encode()
    path = instance_dir(settings) / KEY_FILE
    if not path.exists():
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_bytes().strip()


def seal(settings: Settings, password: str) -> str:
    return Fernet(_key(settings)).encrypt(password.encode()).decode()


def unseal(settings: Settings, sealed: str) -> str:
    """The password; a DomainError when the key changed since it was sealed."""
    if not sealed:
        return ""
    try:
        return Fernet(_key(settings)).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise DomainError("calendar_key_changed") from None
