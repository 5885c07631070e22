"""A user's chosen language, kept under a salted hash of the user id and nothing else."""

from __future__ import annotations

from typing import Protocol


class PreferenceStore(Protocol):
    """Where chosen languages are kept; keys are salted hashes (see privacy.user_key)."""

    async def get_language(self, user_key: str) -> str | None:
        """Return the chosen language, if the user chose one."""

    async def set_language(self, user_key: str, language: str) -> None:
        """Remember the chosen language."""

    async def forget(self, user_key: str) -> bool:
        """Remove everything kept for this key; return whether anything was there."""


class MemoryPreferences:
    """Preferences in a dict: the terminal chat and offline tests."""

    def __init__(self) -> None:
        self.languages: dict[str, str] = {}

    async def get_language(self, user_key: str) -> str | None:
        """Return the chosen language, if the user chose one."""
        return self.languages.get(user_key)

    async def set_language(self, user_key: str, language: str) -> None:
        """Remember the chosen language."""
        self.languages[user_key] = language

    async def forget(self, user_key: str) -> bool:
        """Remove everything kept for this key."""
        return self.languages.pop(user_key, None) is not None
