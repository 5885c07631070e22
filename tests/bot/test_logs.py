from __future__ import annotations

import logging

from kiz_bot.bot.logs import REDACTED, RedactingFormatter, redact

# Built at run time so that no token-shaped string is tracked; it has a real token's shape.
TOKEN = "987654321:" + "FAKE" * 9 + "_"


def test_the_token_is_blanked_in_messages_and_tracebacks() -> None:
    formatter = RedactingFormatter("%(message)s", [TOKEN])
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, "f", 1, "url %s", (TOKEN,), None)
        import sys

        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert TOKEN not in line
    assert REDACTED in line
    assert "RuntimeError" in line


def test_anything_shaped_like_a_bot_token_is_blanked() -> None:
    assert (
        redact("bot111111:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe", []) == f"bot{REDACTED}/getMe"
    )


def test_json_log_lines_are_objects_with_secrets_blanked() -> None:
    import json
    import logging

    from kiz_bot.bot.logs import JsonFormatter

    formatter = JsonFormatter(["s3cret-salt"])
    record = logging.LogRecord(
        "kiz_bot.test", logging.WARNING, __file__, 1, "token 123456:%s salt %s",
        ("A" * 35, "s3cret-salt"), None,
    )  # fmt: skip
    line = formatter.format(record)
    fields = json.loads(line)
    assert fields["level"] == "WARNING"
    assert fields["logger"] == "kiz_bot.test"
    assert "s3cret-salt" not in line
    assert "A" * 35 not in line
