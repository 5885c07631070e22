"""Button payloads: short, versioned, signed strings that fit Telegram's 64-byte limit."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

VERSION = "1"
MAX_BYTES = 64
ENCODED_KEPT = 4096  # signed payloads kept for reuse; the cache starts over when full
_SEPARATOR = "|"
_SIGNATURE_BYTES = 6  # 48 bits: forging needs ~10^14 tries, and each try costs an update
_HASHED_PREFIX = "#"


class Action(StrEnum):
    """What a button does."""

    LANGUAGE = "l"  # choose the reply language: (language,)
    MENU = "m"  # show the topic menu: (language,)
    TOPIC = "t"  # list a topic's entries: (topic, language)
    ENTRY = "e"  # show an entry: (entry, language)
    RATE = "r"  # rate an answer: (entry, language, "1" helpful | "0" not helpful)
    CONTACT = "c"  # refer to a person: (language,)


_ARITY = {
    Action.LANGUAGE: 1,
    Action.MENU: 1,
    Action.TOPIC: 2,
    Action.ENTRY: 2,
    Action.RATE: 3,
    Action.CONTACT: 1,
}


@dataclass(frozen=True, slots=True)
class ButtonData:
    """A decoded button payload."""

    action: Action
    args: tuple[str, ...]


class CallbackCodec:
    """Encodes and checks button payloads; anything it did not sign is rejected."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        # Buttons repeat (ratings per entry and language, the menu): each is signed once.
        self._encoded: dict[tuple[str, ...], str] = {}

    @classmethod
    def from_secret(cls, secret: str) -> CallbackCodec:
        """Derive the signing key from a secret that survives restarts (the user salt)."""
        return cls(hashlib.sha256(b"kiz-bot callback data\0" + secret.encode()).digest())

    def encode(self, action: Action, *args: str) -> str:
        """Return the payload for a button; raises ValueError if it cannot fit 64 bytes."""
        known = self._encoded.get((action.value, *args))
        if known is not None:
            return known
        data = self._encode(action, *args)
        if len(self._encoded) >= ENCODED_KEPT:
            self._encoded.clear()
        self._encoded[action.value, *args] = data
        return data

    def _encode(self, action: Action, *args: str) -> str:
        if len(args) != _ARITY[action]:
            msg = f"{action!r} takes {_ARITY[action]} argument(s), not {len(args)}"
            raise ValueError(msg)
        fitted = tuple(_fit(arg) for arg in args)
        body = _SEPARATOR.join((VERSION, action.value, *fitted))
        data = f"{body}{_SEPARATOR}{self._sign(body)}"
        if len(data.encode()) > MAX_BYTES:
            msg = f"callback data for {action!r} is {len(data.encode())} bytes, over {MAX_BYTES}"
            raise ValueError(msg)
        return data

    def decode(self, data: str | None) -> ButtonData | None:
        """Return the payload if it is ours, current and well formed; None otherwise."""
        if not data or len(data.encode()) > MAX_BYTES:
            return None
        body, _, signature = data.rpartition(_SEPARATOR)
        # Compared as bytes: compare_digest raises on non-ASCII str, and forged data may be any.
        if not body or not hmac.compare_digest(signature.encode(), self._sign(body).encode()):
            return None
        version, action_code, *args = body.split(_SEPARATOR)
        if version != VERSION:
            return None
        try:
            action = Action(action_code)
        except ValueError:
            return None
        if len(args) != _ARITY[action] or not all(args):
            return None
        return ButtonData(action, tuple(args))

    def _sign(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:_SIGNATURE_BYTES]).decode()


def _fit(value: str) -> str:
    """Keep short ids as they are; replace a long id with a stable short hash of it."""
    if _SEPARATOR in value or not value:
        msg = f"callback argument {value!r} is empty or contains {_SEPARATOR!r}"
        raise ValueError(msg)
    if len(value.encode()) <= 32:
        return value
    return _HASHED_PREFIX + hashlib.sha256(value.encode()).hexdigest()[:12]


def resolve(token: str, ids: Iterable[str]) -> str | None:
    """Return the id a payload argument stands for (itself, or the long id it is a hash of)."""
    if not token.startswith(_HASHED_PREFIX):
        return token
    return next((i for i in ids if _fit(i) == token), None)
