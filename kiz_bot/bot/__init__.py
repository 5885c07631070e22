"""The Telegram adapter: turns updates into advisor calls and replies into messages."""

from kiz_bot.bot.app import build_application

__all__ = ["build_application"]
