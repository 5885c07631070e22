from __future__ import annotations

from pathlib import Path

import pytest

from kiz_bot.cli import main
from kiz_bot.settings import BUNDLED_FAQ_DIR, Settings, SettingsError


def test_defaults_use_sqlite_in_workdir_and_bundled_faq(tmp_path: Path) -> None:
    settings = Settings.from_environ({}, tmp_path)
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'kiz-bot.sqlite3'}"
    assert settings.faq_dir == BUNDLED_FAQ_DIR
    assert settings.rate_limiter is True
    assert settings.keep_unanswered is False
    assert settings.match_worker is False
    assert settings.coordinators == frozenset()
    assert not settings.token


def test_environment_values_are_parsed(tmp_path: Path) -> None:
    env = {
        "KIZ_BOT_TOKEN": "123:abc",
        "KIZ_BOT_API_URL": "http://127.0.0.1:8081/bot",
        "KIZ_DATABASE_URL": "postgresql://postgres@127.0.0.1/test",
        "KIZ_FAQ_DIR": str(tmp_path),
        "KIZ_COORDINATORS": "12, 34",
        "KIZ_RATE_LIMITER": "off",
        "KIZ_KEEP_UNANSWERED": "1",
        "KIZ_MATCH_WORKER": "on",
    }
    settings = Settings.from_environ(env, tmp_path)
    assert settings.token.reveal() == "123:abc"
    assert settings.api_url == "http://127.0.0.1:8081/bot"
    assert settings.database_url == "postgresql+asyncpg://postgres@127.0.0.1/test"
    assert settings.faq_dir == tmp_path
    assert settings.coordinators == frozenset({12, 34})
    assert settings.rate_limiter is False
    assert settings.keep_unanswered is True
    assert settings.match_worker is True


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("KIZ_BOT_TOKEN=from-file\nKIZ_COORDINATORS=7\n")
    settings = Settings.from_environ({"KIZ_COORDINATORS": "8"}, tmp_path)
    assert settings.token.reveal() == "from-file"
    assert settings.coordinators == frozenset({8})


def test_token_never_shows_in_repr_or_str(tmp_path: Path) -> None:
    settings = Settings.from_environ({"KIZ_BOT_TOKEN": "999:SECRET-TOKEN-XYZ"}, tmp_path)
    assert "SECRET-TOKEN-XYZ" not in repr(settings)
    assert "SECRET-TOKEN-XYZ" not in str(settings.token)
    assert "SECRET-TOKEN-XYZ" not in f"{settings}"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("KIZ_COORDINATORS", "12,abc", "'abc' is not"),
        ("KIZ_DATABASE_URL", "mysql://root@localhost/x", "unknown scheme 'mysql'"),
        ("KIZ_FAQ_DIR", "no/such/folder", "not a folder"),
        ("KIZ_RATE_LIMITER", "maybe", "on or off"),
        ("KIZ_STATS_MIN_COUNT", "0", "at least 1"),
    ],
)
def test_malformed_values_raise_one_clear_sentence(
    tmp_path: Path, name: str, value: str, words: str
) -> None:
    with pytest.raises(SettingsError, match=words) as caught:
        Settings.from_environ({name: value}, tmp_path)
    assert str(caught.value).count(". ") == 0
    assert name in str(caught.value)


def test_cli_reports_bad_setting_with_exit_code_2_and_no_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["faq", "validate"], environ={"KIZ_COORDINATORS": "x"})
    err = capsys.readouterr().err
    assert code == 2
    assert "KIZ_COORDINATORS" in err
    assert "Traceback" not in err


def test_run_without_token_refuses_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["run"], environ={})
    err = capsys.readouterr().err
    assert code == 2
    assert "KIZ_BOT_TOKEN" in err


def test_salt_is_created_once_and_kept(tmp_path: Path) -> None:
    first = Settings.from_environ({}, tmp_path).with_salt(tmp_path)
    second = Settings.from_environ({}, tmp_path).with_salt(tmp_path)
    assert first.user_salt.reveal() == second.user_salt.reveal()
    assert len(first.user_salt.reveal()) == 64


def test_the_index_cache_lives_in_the_workdir_unless_moved_or_switched_off(
    tmp_path: Path,
) -> None:
    assert Settings.from_environ({}, tmp_path).index_cache == tmp_path / ".kiz-cache"
    moved = Settings.from_environ({"KIZ_CACHE_DIR": "var/cache"}, tmp_path)
    assert moved.index_cache == tmp_path / "var" / "cache"
    assert Settings.from_environ({"KIZ_CACHE_DIR": "off"}, tmp_path).index_cache is None
    assert Settings().index_cache is None
