"""Logging for the bot process: secrets are blanked in every line, tracebacks included."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

# A bot token anywhere, also one that is not ours (from a copied URL in an error message).
_TOKEN_SHAPE = re.compile(r"(?<![0-9])[0-9]{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[redacted]"
# Libraries that log request URLs, which carry the token, at INFO.
_NOISY = ("httpx", "httpcore", "apscheduler", "tornado.access", "aiohttp.access")


class RedactingFormatter(logging.Formatter):
    """A formatter that replaces secrets in the finished line, traceback and all."""

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        """Format the record, then blank every secret in it."""
        return redact(super().format(record), self._secrets)


class JsonFormatter(RedactingFormatter):
    """One JSON object per line (time, level, logger, message, exception), secrets blanked."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__("%(message)s", secrets)

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a JSON line."""
        fields: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(fields, ensure_ascii=False), self._secrets)


def redact(line: str, secrets: Iterable[str]) -> str:
    """Return a line with the given secrets and anything shaped like a bot token blanked."""
    for secret in secrets:
        line = line.replace(secret, REDACTED)
    return _TOKEN_SHAPE.sub(REDACTED, line)


def configure_logging(level: str, secrets: Iterable[str], log_format: str = "text") -> None:
    """Log to standard error, one line per event (text or JSON), with secrets removed."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter(secrets)
        if log_format == "json"
        else RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
