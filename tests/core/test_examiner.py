"""The worker process that examines questions: same results, and the bot's process takes
over when the worker dies or the knowledge base is reloaded.

Each case runs in a fresh interpreter: a worker is only forked while one thread runs, which
the test runner's process does not promise.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SETUP = """
import asyncio, json, os, signal, sys, threading
from kiz_bot.advisor import Conversation
from kiz_bot.bootstrap import build_services
from kiz_bot.examiner import Examiner
from kiz_bot.settings import Settings

services = build_services(Settings.from_environ({"KIZ_CACHE_DIR": sys.argv[1]}, read_dotenv=False))
advisor = services.advisor
QUESTIONS = [
    ("Wie melde ich mein Kind in der Kita an?", None),
    ("kak zapisat rebenka v shkolu", None),
    ("وكم بتكلف؟", "kita-registration"),
    ("wie ist das wetter morgen", None),
]
"""


def run(tmp_path: Path, body: str) -> dict[str, object]:
    """Run SETUP and body in a fresh interpreter; return the JSON it prints last."""
    script = SETUP + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_worker_examines_like_the_advisor_and_the_bot_takes_over_when_it_dies(
    tmp_path: Path,
) -> None:
    found = run(
        tmp_path,
        """
        examiner = Examiner.start(advisor)
        async def main():
            got = [await examiner.examine(q, Conversation(last)) for q, last in QUESTIONS]
            here = [advisor.examine(q, Conversation(last)) for q, last in QUESTIONS]
            pid = examiner._process.pid
            os.kill(pid, signal.SIGKILL)
            after = await examiner.examine(QUESTIONS[0][0], Conversation())
            return {
                "same": got == here,
                "answered": [g.result.confidence.value for g in got],
                "other_process": pid != os.getpid(),
                "after_death": after is None,
                "alive": examiner.alive,
            }
        print(json.dumps(asyncio.run(main())))
        """,
    )
    assert found == {
        "same": True,
        "answered": ["answer", "answer", "answer", "none"],
        "other_process": True,
        "after_death": True,
        "alive": False,
    }


def test_after_a_reload_questions_are_examined_in_the_bot_process(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """
        examiner = Examiner.start(advisor)
        async def main():
            before = await examiner.examine(QUESTIONS[0][0], Conversation())
            services.knowledge.reload()
            after = await examiner.examine(QUESTIONS[0][0], Conversation())
            return {"before": before is not None, "after": after is None, "alive": examiner.alive}
        print(json.dumps(asyncio.run(main())))
        """,
    )
    assert found == {"before": True, "after": True, "alive": False}


def test_no_worker_is_forked_while_other_threads_run(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """
        stop = threading.Event()
        threading.Thread(target=stop.wait, daemon=True).start()
        print(json.dumps({"examiner": Examiner.start(advisor) is None}))
        stop.set()
        """,
    )
    assert found == {"examiner": True}
