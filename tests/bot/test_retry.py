from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest

from kiz_bot.bot.retry import RetryingRequest, RetryPolicy, retry_after

OK = {"ok": True, "result": True}


def request_with(
    answers: list[Callable[[httpx.Request], httpx.Response]], policy: RetryPolicy
) -> tuple[RetryingRequest, list[str]]:
    seen: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req.url.path.rsplit("/", 1)[-1])
        return answers[min(len(seen), len(answers)) - 1](req)

    request = RetryingRequest(policy=policy)
    request._client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return request, seen


def answer(status: int, body: object) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _req: httpx.Response(status, content=json.dumps(body).encode())


def drop(_req: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")


def slow(req: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=req)


FAST = RetryPolicy(attempts=4, first_delay=0.001)


async def call(request: RetryingRequest) -> object:
    bot = Bot("1:abc", request=request, get_updates_request=request)
    return await bot.set_my_description("x")


@pytest.mark.parametrize("failure", [answer(502, {}), answer(500, {}), drop, slow])
async def test_transient_failures_are_retried_until_they_succeed(failure) -> None:
    request, seen = request_with([failure, failure, answer(200, OK)], FAST)
    assert await call(request) is True
    assert seen == ["setMyDescription"] * 3


async def test_a_bad_request_is_never_retried() -> None:
    body = {"ok": False, "error_code": 400, "description": "Bad Request: can't parse entities"}
    request, seen = request_with([answer(400, body)], FAST)
    with pytest.raises(BadRequest):
        await call(request)
    assert len(seen) == 1


async def test_flood_answers_are_retried_after_the_pause_when_no_rate_limiter_does_it() -> None:
    flood = {"ok": False, "error_code": 429, "parameters": {"retry_after": 0.01}}
    request, seen = request_with(
        [answer(429, flood), answer(200, OK)], RetryPolicy(retry_flood=True)
    )
    assert await call(request) is True
    assert len(seen) == 2


async def test_giving_up_after_the_last_attempt_raises() -> None:
    request, seen = request_with([answer(502, {})], FAST)
    with pytest.raises(Exception, match="Bad Gateway"):
        await call(request)
    assert len(seen) == FAST.attempts


def test_retry_after_is_read_from_the_answer() -> None:
    assert retry_after(b'{"parameters": {"retry_after": 3}}') == 3.0
    assert retry_after(b"not json") is None


async def test_parameters_go_as_one_json_body_with_every_letter_intact() -> None:
    bodies: list[tuple[str, dict[str, object]]] = []

    def keep(req: httpx.Request) -> httpx.Response:
        bodies.append((req.headers["content-type"], json.loads(req.content)))
        return httpx.Response(200, content=json.dumps(OK).encode())

    request, _ = request_with([keep], FAST)
    await Bot("1:abc", request=request, get_updates_request=request).set_my_description(
        "مرحبا Здравствуйте <b>&amp;</b> 🙂"
    )
    assert bodies == [("application/json", {"description": "مرحبا Здравствуйте <b>&amp;</b> 🙂"})]
