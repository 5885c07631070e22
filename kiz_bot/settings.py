"""One Settings object built from the environment and an optional .env file."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_FILE = "kiz-bot.sqlite3"
SALT_FILE = ".kiz-bot-salt"
DEFAULT_CACHE_DIR = ".kiz-cache"
BUNDLED_FAQ_DIR = Path(__file__).resolve().parent.parent / "faq"
KNOWN_DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one sentence for a person."""


@dataclass(frozen=True, slots=True)
class Secret:
    """A value that never shows itself in repr, str or logs."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        """Return the secret value; call only where it is sent to its owner."""
        return self._value

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot can be configured with (see README, Configuration)."""

    token: Secret = field(default_factory=lambda: Secret(""))
    api_url: str = DEFAULT_API_URL
    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DATABASE_FILE}"
    faq_dir: Path = BUNDLED_FAQ_DIR
    coordinators: frozenset[int] = frozenset()
    rate_limiter: bool = True
    keep_unanswered: bool = False
    user_salt: Secret = field(default_factory=lambda: Secret(""))
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    min_cell_count: int = 5
    retention_days: int = 3 * 365
    log_level: str = "INFO"
    log_format: str = "text"
    index_cache: Path | None = None
    match_worker: bool = False

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str], workdir: Path | None = None, *, read_dotenv: bool = True
    ) -> Settings:
        """Build settings from a mapping of variables, with a .env file in workdir underneath."""
        workdir = workdir or Path.cwd()
        values: dict[str, str] = {}
        dotenv = workdir / ".env"
        if read_dotenv and dotenv.is_file():
            values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        values.update(environ)

        def get(name: str) -> str:
            return values.get(name, "").strip()

        return cls(
            token=Secret(get("KIZ_BOT_TOKEN")),
            api_url=get("KIZ_BOT_API_URL") or DEFAULT_API_URL,
            database_url=_database_url(get("KIZ_DATABASE_URL"), workdir),
            faq_dir=_faq_dir(get("KIZ_FAQ_DIR"), workdir),
            coordinators=_coordinators(get("KIZ_COORDINATORS")),
            rate_limiter=_switch("KIZ_RATE_LIMITER", get("KIZ_RATE_LIMITER"), default=True),
            keep_unanswered=_switch(
                "KIZ_KEEP_UNANSWERED", get("KIZ_KEEP_UNANSWERED"), default=False
            ),
            user_salt=Secret(get("KIZ_USER_SALT")),
            webhook_secret=Secret(get("KIZ_WEBHOOK_SECRET")),
            min_cell_count=_positive_int("KIZ_STATS_MIN_COUNT", get("KIZ_STATS_MIN_COUNT"), 5),
            retention_days=_positive_int("KIZ_RETENTION_DAYS", get("KIZ_RETENTION_DAYS"), 3 * 365),
            log_level=_log_level(get("KIZ_LOG_LEVEL")),
            log_format=_log_format(get("KIZ_LOG_FORMAT")),
            index_cache=_index_cache(get("KIZ_CACHE_DIR"), workdir),
            match_worker=_switch("KIZ_MATCH_WORKER", get("KIZ_MATCH_WORKER"), default=False),
        )

    def with_salt(self, workdir: Path | None = None) -> Settings:
        """Return settings with a user salt: the configured one or one kept in a local file."""
        if self.user_salt:
            return self
        path = (workdir or Path.cwd()) / SALT_FILE
        if path.is_file():
            salt = path.read_text(encoding="utf-8").strip()
        else:
            salt = secrets.token_hex(32)
            path.write_text(salt + "\n", encoding="utf-8")
            path.chmod(0o600)
        return replace(self, user_salt=Secret(salt))


def _database_url(raw: str, workdir: Path) -> str:
    if not raw:
        return f"sqlite+aiosqlite:///{workdir / DEFAULT_DATABASE_FILE}"
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    aliases = {
        "sqlite": "sqlite+aiosqlite",
        "postgresql": "postgresql+asyncpg",
        "postgres": "postgresql+asyncpg",
    }
    if scheme in aliases:
        return aliases[scheme] + raw[len(scheme) :]
    if scheme not in KNOWN_DATABASE_SCHEMES:
        shown = scheme or raw.split(":", 1)[0]
        msg = (
            f"KIZ_DATABASE_URL has the unknown scheme {shown!r}; use sqlite+aiosqlite:///file.db "
            "or postgresql+asyncpg://user@host/db."
        )
        raise SettingsError(msg)
    return raw


def _index_cache(raw: str, workdir: Path) -> Path | None:
    """Return the folder for the built index: .kiz-cache in workdir unless set, or None (off)."""
    if raw.lower() == "off":
        return None
    path = Path(raw) if raw else Path(DEFAULT_CACHE_DIR)
    return path if path.is_absolute() else workdir / path


def _faq_dir(raw: str, workdir: Path) -> Path:
    if not raw:
        return BUNDLED_FAQ_DIR
    path = Path(raw)
    if not path.is_absolute():
        path = workdir / path
    if not path.is_dir():
        msg = f"KIZ_FAQ_DIR points to {raw!r}, which is not a folder."
        raise SettingsError(msg)
    return path


def _coordinators(raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in raw.replace(";", ",").split(","):
        item = part.strip()
        if not item:
            continue
        try:
            ids.add(int(item))
        except ValueError:
            msg = (
                f"KIZ_COORDINATORS must be Telegram user ids separated by commas; {item!r} is not."
            )
            raise SettingsError(msg) from None
    return frozenset(ids)


def _switch(name: str, raw: str, *, default: bool) -> bool:
    if not raw:
        return default
    lowered = raw.lower()
    if lowered in {"1", "on", "true", "yes"}:
        return True
    if lowered in {"0", "off", "false", "no"}:
        return False
    msg = f"{name} must be on or off (or 1/0), not {raw!r}."
    raise SettingsError(msg)


def _positive_int(name: str, raw: str, default: int) -> int:
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"{name} must be a whole number of at least 1, not {raw!r}."
        raise SettingsError(msg)
    return value


def _log_level(raw: str) -> str:
    level = (raw or "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        msg = f"KIZ_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {raw!r}."
        raise SettingsError(msg)
    return level


def _log_format(raw: str) -> str:
    fmt = (raw or "text").lower()
    if fmt not in {"text", "json"}:
        msg = f"KIZ_LOG_FORMAT must be text or json, not {raw!r}."
        raise SettingsError(msg)
    return fmt
