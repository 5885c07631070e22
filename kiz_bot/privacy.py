"""Pseudonymous keys: a Telegram user id becomes a salted hash before anything is stored."""

from __future__ import annotations

import hashlib
import hmac

from kiz_bot.settings import Secret


def user_key(user_id: int, salt: Secret) -> str:
    """Return the salted HMAC-SHA256 of a user id; the id itself is never stored."""
    digest = hmac.new(salt.reveal().encode(), str(user_id).encode(), hashlib.sha256)
    return digest.hexdigest()
