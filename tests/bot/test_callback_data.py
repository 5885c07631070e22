from __future__ import annotations

import pytest

from kiz_bot.bot.callback_data import (
    ENCODED_KEPT,
    MAX_BYTES,
    Action,
    ButtonData,
    CallbackCodec,
    resolve,
)

CODEC = CallbackCodec.from_secret("salt")


def test_payloads_round_trip() -> None:
    data = CODEC.encode(Action.RATE, "kita-registration", "uk", "0")
    assert CODEC.decode(data) == ButtonData(Action.RATE, ("kita-registration", "uk", "0"))


def test_long_ids_are_hashed_to_stay_under_64_bytes_and_resolve_back() -> None:
    long_id = "recognition-of-foreign-vocational-qualifications-for-nurses-and-carers"
    data = CODEC.encode(Action.RATE, long_id, "fa", "1")
    assert len(data.encode()) < MAX_BYTES
    decoded = CODEC.decode(data)
    assert decoded is not None
    assert resolve(decoded.args[0], ["other", long_id]) == long_id


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "x" * 65,
        "1|e|kita|de",
        "1|e|kita|de|AAAAAAAA",
        "1|zz|kita|de|AAAAAAAA",
        "|||||",
        "1|l|de\u0000|abc",
    ],
)
def test_forged_or_malformed_payloads_are_rejected(data: str | None) -> None:
    assert CODEC.decode(data) is None


def test_a_payload_signed_with_another_key_is_rejected() -> None:
    other = CallbackCodec.from_secret("another salt")
    assert CODEC.decode(other.encode(Action.LANGUAGE, "de")) is None


def test_payloads_of_an_older_version_are_stale() -> None:
    data = CODEC.encode(Action.MENU, "de")
    body = "0" + data[1 : data.rindex("|")]
    assert CODEC.decode(body + "|" + CODEC._sign(body)) is None


def test_wrong_arity_and_separators_cannot_be_encoded() -> None:
    with pytest.raises(ValueError, match="argument"):
        CODEC.encode(Action.ENTRY, "only-one")
    with pytest.raises(ValueError, match="contains"):
        CODEC.encode(Action.LANGUAGE, "d|e")


def test_payloads_signed_before_are_reused_and_the_store_stays_bounded() -> None:
    codec = CallbackCodec.from_secret("salt")
    first = codec.encode(Action.RATE, "kita-fees", "ar", "1")
    assert codec.encode(Action.RATE, "kita-fees", "ar", "1") == first
    pages = [codec.encode(Action.ENTRY, f"entry-{n}", "de") for n in range(ENCODED_KEPT + 10)]
    assert len(codec._encoded) <= ENCODED_KEPT
    assert codec.decode(pages[0]) == ButtonData(Action.ENTRY, ("entry-0", "de"))
    assert codec.encode(Action.RATE, "kita-fees", "ar", "1") == first
    with pytest.raises(ValueError, match="argument"):  # a refused payload is never kept
        codec.encode(Action.ENTRY, "only-one")
