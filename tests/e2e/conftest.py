"""Start the fake Bot API and the real `kiz-bot run` process against it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakebotapi import FakeBotAPI

TOKEN = "424242:E2EtokenE2EtokenE2EtokenE2Etoken_xyz"
COORDINATOR = 4242
WEBHOOK_SECRET = "e2e-webhook-secret_123"


@dataclass
class BotProcess:
    """The running bot and where its log goes."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def stop(self) -> str:
        """Stop the bot with SIGTERM, as systemd would; return its log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_bot(api: FakeBotAPI, workdir: Path, *args: str, **env_changes: str) -> BotProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIZ_")}
    env.update(
        KIZ_BOT_TOKEN=TOKEN,
        KIZ_BOT_API_URL=api.api_url,
        KIZ_DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'kiz.sqlite3'}",
        KIZ_RATE_LIMITER="off",
        KIZ_COORDINATORS=str(COORDINATOR),
        KIZ_LOG_LEVEL="INFO",
    )
    env.update(env_changes)
    log_path = workdir / "bot.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kiz_bot", "run", *args],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return BotProcess(process, log_path)


def wait_ready(api: FakeBotAPI, bot: BotProcess, method: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and bot.process.poll() is None:
        try:
            api.wait_for(lambda calls: any(c.method == method for c in calls), timeout=0.5)
        except TimeoutError:
            continue
        return
    log = bot.stop()
    pytest.fail(f"the bot did not call {method}; its log:\n{log[-3000:]}")


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotAPI]:
    server = FakeBotAPI(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def polling_bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    bot = start_bot(api, tmp_path_factory.mktemp("polling"))
    wait_ready(api, bot, "getUpdates")
    yield bot
    bot.stop()


def http_get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback test URL
        return int(response.status)
