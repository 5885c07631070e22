"""The retry policy for Bot API calls: 5xx, timeouts and dropped connections, never a 400."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import random
import sys
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, NamedTuple

import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._baserequest import BaseRequest

log = logging.getLogger(__name__)

# httpcore tries `import sniffio` on every request; without sniffio installed each try is a
# full, failing search of sys.path (7 % of the CPU under a burst). None in sys.modules makes
# the import fail at once, which httpcore reads as "asyncio", as it does anyway.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

_DEFAULT = BaseRequest.DEFAULT_NONE
_JSON_HEADERS = {"User-Agent": HTTPXRequest.USER_AGENT, "Content-Type": "application/json"}
MAX_RETRY_AFTER = 60.0  # seconds; Telegram asks for longer only when something is badly wrong


class _Timeouts(NamedTuple):
    """A call's four timeouts, in python-telegram-bot's order (each may be the default)."""

    read: ODVInput[float]
    write: ODVInput[float]
    connect: ODVInput[float]
    pool: ODVInput[float]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to try a Bot API call again."""

    attempts: int = 6
    first_delay: float = 0.2
    max_delay: float = 5.0
    retry_flood: bool = False  # 429s: left to AIORateLimiter when it is on

    def delay(self, attempt: int) -> float:
        """Return the pause before retry number attempt (1-based): exponential, jittered."""
        base = min(self.max_delay, self.first_delay * 2.0 ** (attempt - 1))
        return base * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not security


def retry_after(payload: bytes) -> float | None:
    """Return the retry_after seconds of a 429 answer, if it says so."""
    try:
        data = json.loads(payload)
        seconds = data["parameters"]["retry_after"]
    except (ValueError, KeyError, TypeError):
        return None
    return float(seconds) if isinstance(seconds, int | float) else None


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that tries again where python-telegram-bot would lose the call.

    Retried: HTTP 5xx, timeouts, refused or dropped connections, and 429 when
    ``retry_flood`` is set. Never retried: 4xx answers such as 400 Bad Request, which
    would fail the same way again. A timed-out call may have arrived, so a retry can
    duplicate a message: for a family waiting for an answer, a rare duplicate is better
    than a lost reply.

    At most ``connection_pool_size`` calls are handed to httpx at a time; the others wait
    here. httpcore's pool re-scans every connection against every waiting request whenever
    one is added or done (quadratic), which cost a third of the CPU under a burst.
    """

    def __init__(
        self, *, policy: RetryPolicy | None = None, connection_pool_size: int = 1, **kwargs: Any
    ) -> None:
        super().__init__(connection_pool_size=connection_pool_size, **kwargs)
        self.policy = policy or RetryPolicy()
        self._slots = asyncio.Semaphore(connection_pool_size)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = _DEFAULT,
        write_timeout: ODVInput[float] = _DEFAULT,
        connect_timeout: ODVInput[float] = _DEFAULT,
        pool_timeout: ODVInput[float] = _DEFAULT,
    ) -> tuple[int, bytes]:
        """Do the request, retrying transient failures with backoff."""
        endpoint = url.rsplit("/", 1)[-1]  # the method name only: the URL holds the token
        timeouts = _Timeouts(read_timeout, write_timeout, connect_timeout, pool_timeout)
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self.policy.attempts
            try:
                async with self._slots:
                    code, payload = await self._send(url, method, request_data, timeouts)
            except (TimedOut, NetworkError) as error:
                if last:
                    raise
                log.warning(
                    "Bot API %s failed (%s); retry %d", endpoint, type(error).__name__, attempt
                )
                await asyncio.sleep(self.policy.delay(attempt))
                continue
            if code >= HTTPStatus.INTERNAL_SERVER_ERROR and not last:
                log.warning("Bot API %s answered %d; retry %d", endpoint, code, attempt)
                await asyncio.sleep(self.policy.delay(attempt))
                continue
            if code == HTTPStatus.TOO_MANY_REQUESTS and self.policy.retry_flood and not last:
                wait = min(retry_after(payload) or self.policy.delay(attempt), MAX_RETRY_AFTER)
                log.warning("Bot API %s asked to wait %.1f s; retry %d", endpoint, wait, attempt)
                await asyncio.sleep(wait)
                continue
            return code, payload

    async def _send(
        self,
        url: str,
        method: str,
        request_data: RequestData | None,
        timeouts: _Timeouts,
    ) -> tuple[int, bytes]:
        """Send the parameters as a JSON body, which the Bot API accepts for every call.

        python-telegram-bot sends them form-encoded; percent-encoding a long answer in Arabic
        or Cyrillic letters byte by byte cost 0.24 ms per reply, JSON 0.03 ms. Files still go
        as multipart, the way python-telegram-bot sends them.
        """
        if request_data is None or request_data.multipart_data:
            return await super().do_request(url, method, request_data, *timeouts)
        client = self._client
        timeout = httpx.Timeout(
            connect=_given(timeouts.connect, client.timeout.connect),
            read=_given(timeouts.read, client.timeout.read),
            write=_given(timeouts.write, client.timeout.write),
            pool=_given(timeouts.pool, client.timeout.pool),
        )
        try:
            response = await client.request(
                method=method,
                url=url,
                headers=_JSON_HEADERS,
                timeout=timeout,
                content=request_data.json_payload,
            )
        except httpx.TimeoutException as error:
            raise TimedOut from error
        except httpx.HTTPError as error:
            raise NetworkError(f"httpx.{type(error).__name__}: {error}") from error
        return response.status_code, response.content


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """Return a call's own timeout, or the client's when the call left it at the default."""
    return default if isinstance(value, DefaultValue) else value
