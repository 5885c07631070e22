"""End to end: the real `kiz-bot run` process against the fake Bot API, next to a bare echo bot.

    python -m benchmarks.e2e                    # make bench-e2e: 3 rounds, then the limiter run
    python -m benchmarks.e2e --rounds 1 --messages 200 --users 40 --paced-seconds 3
    python -m benchmarks.e2e --worker           # make bench-e2e-worker: KIZ_MATCH_WORKER=on

Each round starts the fake Bot API (tests/fakebotapi.py, loopback only) and then, one after
the other, our bot (`python -m kiz_bot run`, KIZ_RATE_LIMITER=off, a temporary SQLite file)
and the echo bot (benchmarks/echo_bot.py, same settings). Each bot gets a warm-up, a burst of
questions from many users handed out at once, and a paced run. Latency is measured from the
moment getUpdates hands an update out to the moment the reply arrives at the fake server.
A last run with KIZ_RATE_LIMITER=on (and 5 % of sendMessage calls answered with 429) shows
that the limiter delays replies but loses none. Our bot's rounds share one cache folder
(KIZ_CACHE_DIR): the first round is a first start, which builds the index, the language
model slice and the names table; the later ones are restarts, which read them. Memory is our
bot's peak RSS plus what its worker process (KIZ_MATCH_WORKER=on) does not share with it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kiz_bot.knowledge.yaml_source import read_yaml
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_FILE = ROOT / "tests" / "data" / "devset.yaml"
TOKEN = "987654:BenchTokenBenchTokenBenchTokenBench_x"  # noqa: S105 - the fake server's
Question = tuple[str, str]  # (text, language code of the simulated user)


# ---------------------------------------------------------------------------------------------
# the fake server, with hand-out times
class BenchAPI(FakeBotAPI):
    """The fake Bot API that also notes when each update was first handed to the bot."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.handed: dict[int, float] = {}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        updates = await super()._get_updates(params)
        now = time.monotonic()
        for update in updates:
            self.handed.setdefault(update["update_id"], now)
        return updates

    def push_many(self, messages: Sequence[tuple[int, str, str]]) -> list[int]:
        """Queue many messages at once, (user, text, language) each; return their update ids."""
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(self._push_many(messages), self._loop)
        return future.result(30)

    async def _push_many(self, messages: Sequence[tuple[int, str, str]]) -> list[int]:
        assert self._new_update is not None
        ids = []
        async with self._new_update:
            for user, text, language in messages:
                update_id = next(self._update_ids)
                ids.append(update_id)
                self._updates.append(
                    {"update_id": update_id, "message": _message(self, user, text, language)}
                )
            self._new_update.notify_all()
        return ids

    def push_one(self, user: int, text: str, language: str) -> int:
        """Queue one message; return its update id."""
        return self.push({"message": _message(self, user, text, language)})


def _message(api: FakeBotAPI, user: int, text: str, language: str) -> dict[str, Any]:
    return {
        "message_id": next(api._message_ids),
        "date": int(time.time()),
        "chat": {"id": user, "type": "private"},
        "from": api.user(user, language),
        "text": text,
    }


# ---------------------------------------------------------------------------------------------
# the bot processes
@dataclass
class Bot:
    """A bot process and where its log goes."""

    kind: str
    process: subprocess.Popen[bytes]
    log_path: Path
    started: float

    def peak_rss_mb(self) -> float:
        """Return the peak resident memory of the process so far (VmHWM), in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def children_private_mb(self) -> float:
        """Return the memory the process's children (the worker) do not share with it, in MB.

        Pages a forked worker still shares with the bot count once, in the bot's RSS.
        """
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii").split()
        total_kb = 0
        for child in children:
            rollup = Path(f"/proc/{child}/smaps_rollup").read_text(encoding="ascii")
            total_kb += sum(
                int(line.split()[1])
                for line in rollup.splitlines()
                if line.startswith(("Private_Clean:", "Private_Dirty:"))
            )
        return total_kb / 1024

    def cpu_seconds(self) -> float:
        """Return the CPU time the process has used so far (user and system, all threads)."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text(encoding="ascii")
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> int:
        """Stop with SIGTERM as systemd would; return the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode


def start_bot(kind: str, api: FakeBotAPI, workdir: Path, **env_changes: str) -> Bot:
    """Start our bot ("kiz") or the echo bot ("echo") against the fake server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIZ_")}
    env.update(
        KIZ_BOT_TOKEN=TOKEN,
        KIZ_BOT_API_URL=api.api_url,
        KIZ_DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'kiz.sqlite3'}",
        KIZ_RATE_LIMITER="off",
        PYTHONPATH=str(ROOT),
    )
    env.update(env_changes)
    module = "kiz_bot" if kind == "kiz" else "benchmarks.echo_bot"
    args = [sys.executable, "-m", module, *(["run"] if kind == "kiz" else [])]
    if os.environ.get("BENCH_PROFILE"):  # a cProfile of each bot, for finding what is slow
        profile = Path(os.environ["BENCH_PROFILE"]) / f"{kind}.prof"
        args[1:1] = ["-m", "cProfile", "-o", str(profile)]
    log_path = workdir / f"{kind}.log"
    with log_path.open("ab") as log:
        started = time.monotonic()
        process = subprocess.Popen(args, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Bot(kind, process, log_path, started)


def wait_until_polling(api: FakeBotAPI, bot: Bot, timeout: float = 60) -> float:
    """Wait for the bot's first getUpdates; return the startup time in seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        polls = api.calls_to("getUpdates")
        if polls:
            return polls[0].at - bot.started
        if bot.process.poll() is not None:
            break
        time.sleep(0.02)
    bot.stop()
    tail = bot.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
    msg = f"the {bot.kind} bot did not start polling; its log:\n{tail}"
    raise RuntimeError(msg)


# ---------------------------------------------------------------------------------------------
# load and what came of it
@dataclass
class Outcome:
    """What one load phase produced."""

    sent: int
    answered: int
    unanswered: int
    duplicated: int
    seconds: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentile(values: Sequence[float], share: float) -> float:
    """Return the nearest-rank percentile of values (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def settle(api: BenchAPI, chats: set[int], expected: int, since: int, timeout: float) -> None:
    """Wait until `expected` replies reached the chats (or timeout), then a little longer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(_replies(api, chats, since)) >= expected:
            break
        time.sleep(0.02)
    time.sleep(0.5)  # late duplicates would arrive now


def _replies(api: BenchAPI, chats: set[int], since: int) -> list[Any]:
    return [c for c in api.calls_to("sendMessage", since) if c.params.get("chat_id") in chats]


def outcome(api: BenchAPI, sent: Sequence[tuple[int, int]], since: int) -> Outcome:
    """Compare the replies with the updates sent, (update id, user) each: one reply per update."""
    by_user: dict[int, list[int]] = defaultdict(list)
    for update_id, user in sent:
        by_user[user].append(update_id)
    replies = _replies(api, set(by_user), since)
    reply_times: dict[int, list[float]] = defaultdict(list)
    for call in replies:
        reply_times[call.params["chat_id"]].append(call.at)
    latencies: list[float] = []
    answered = duplicated = 0
    for user, update_ids in by_user.items():
        times = sorted(reply_times[user])
        handed = sorted(api.handed.get(u, float("inf")) for u in update_ids)
        answered += min(len(times), len(update_ids))
        duplicated += max(0, len(times) - len(update_ids))
        # A user's replies are paired with their updates in order of time.
        latencies += [t - h for h, t in zip(handed, times, strict=False) if h != float("inf")]
    first = min((api.handed.get(u, float("inf")) for u, _ in sent), default=0.0)
    last = max((c.at for c in replies), default=first)
    seconds = max(last - first, 1e-9)
    return Outcome(
        sent=len(sent),
        answered=answered,
        unanswered=len(sent) - answered,
        duplicated=duplicated,
        seconds=seconds,
        throughput=answered / seconds,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
    )


def assign(
    questions: Sequence[Question], users: Sequence[int], count: int, seed: int
) -> list[tuple[int, str, str]]:
    """Give `count` questions to the users, round robin, each user keeping one language."""
    rng = random.Random(seed)
    by_language: dict[str, list[str]] = defaultdict(list)
    for text, language in questions:
        by_language[language].append(text)
    languages = sorted(by_language)
    user_language = {user: rng.choice(languages) for user in users}
    cycle = itertools.cycle(users)
    picks = []
    for _ in range(count):
        user = next(cycle)
        language = user_language[user]
        picks.append((user, rng.choice(by_language[language]), language))
    return picks


def burst(api: BenchAPI, picks: Sequence[tuple[int, str, str]], timeout: float = 120) -> Outcome:
    """Hand all questions out at once and wait for the replies."""
    since = api.mark()
    ids = api.push_many(picks)
    sent = [(update_id, user) for update_id, (user, _, _) in zip(ids, picks, strict=True)]
    settle(api, {u for u, _, _ in picks}, len(picks), since, timeout)
    return outcome(api, sent, since)


def paced(api: BenchAPI, picks: Sequence[tuple[int, str, str]], rate: float) -> Outcome:
    """Send questions at a steady rate and wait for the replies."""
    since = api.mark()
    sent = []
    start = time.monotonic()
    for number, (user, text, language) in enumerate(picks):
        pause = start + number / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        sent.append((api.push_one(user, text, language), user))
    settle(api, {u for u, _, _ in picks}, len(picks), since, 60)
    return outcome(api, sent, since)


# ---------------------------------------------------------------------------------------------
# questions
def load_questions() -> list[Question]:
    """Return realistic multilingual questions: the labelled development set, out of scope too."""
    items = read_yaml(QUESTIONS_FILE.read_text(encoding="utf-8"))
    return [(str(item["q"]), str(item["lang"])) for item in items]


def single_message_questions(questions: Sequence[Question]) -> list[Question]:
    """Keep the questions our bot answers with exactly one message, so replies pair with updates.

    Nearly all do; the few whose answer is split over two messages would make the count of
    replies per user ambiguous.
    """
    from kiz_bot.bootstrap import build_services
    from kiz_bot.bot.callback_data import CallbackCodec
    from kiz_bot.bot.replies import render_reply
    from kiz_bot.settings import Settings

    services = build_services(Settings())
    codec = CallbackCodec.from_secret("benchmark")
    catalogue = services.advisor.catalogue
    return [
        (text, language)
        for text, language in questions
        if len(render_reply(services.advisor.ask(text, None, language), catalogue, codec)) == 1
    ]


# ---------------------------------------------------------------------------------------------
# rounds
@dataclass
class BotRun:
    """Everything measured for one bot in one round."""

    kind: str
    startup_s: float
    burst: Outcome
    paced: Outcome
    peak_rss_mb: float
    exit_code: int
    burst_cpu_ms: float = 0.0  # the bot's CPU time per message of the burst
    worker_mb: float = 0.0  # memory of its worker process not shared with the bot


@dataclass
class Plan:
    """Sizes of the load."""

    messages: int = 1000
    users: int = 200
    paced_rate: float = 100.0
    paced_seconds: float = 10.0
    warmup: int = 40


def measure(
    kind: str,
    questions: Sequence[Question],
    plan: Plan,
    round_no: int,
    workdir: Path,
    cache: Path | None = None,
    env: dict[str, str] | None = None,
) -> BotRun:
    """Start one bot against a fresh fake server and put it through warm-up, burst and pace."""
    api = BenchAPI(TOKEN).start()
    try:
        settings = {**({"KIZ_CACHE_DIR": str(cache)} if cache else {}), **(env or {})}
        bot = start_bot(kind, api, workdir, **settings)
        try:
            startup = wait_until_polling(api, bot)
            base = 1_000_000 * (round_no + 1)
            warm = assign(questions, range(base, base + plan.warmup), plan.warmup, round_no)
            burst(api, warm, timeout=60)
            users = range(base + 10_000, base + 10_000 + plan.users)
            cpu_before = bot.cpu_seconds()
            burst_result = burst(api, assign(questions, users, plan.messages, round_no + 100))
            cpu_ms = (bot.cpu_seconds() - cpu_before) * 1000 / max(plan.messages, 1)
            paced_count = round(plan.paced_rate * plan.paced_seconds)
            paced_users = range(base + 20_000, base + 20_000 + plan.users)
            paced_picks = assign(questions, paced_users, paced_count, round_no + 200)
            paced_result = paced(api, paced_picks, plan.paced_rate)
            rss = bot.peak_rss_mb()
            worker_mb = bot.children_private_mb()
        finally:
            code = bot.stop()
    finally:
        api.stop()
    return BotRun(kind, startup, burst_result, paced_result, rss, code, cpu_ms, worker_mb)


def limiter_run(questions: Sequence[Question], count: int, users: int, workdir: Path) -> Outcome:
    """Our bot with KIZ_RATE_LIMITER=on while 5 % of sendMessage calls get a 429."""
    api = BenchAPI(TOKEN).start()
    rng = random.Random(7)
    api.fault = lambda method, _p: (
        "429" if method == "sendMessage" and rng.random() < 0.05 else None
    )
    try:
        bot = start_bot("kiz", api, workdir, KIZ_RATE_LIMITER="on")
        try:
            wait_until_polling(api, bot)
            picks = assign(questions, range(5_000_000, 5_000_000 + users), count, 99)
            return burst(api, picks, timeout=max(120.0, count / 10))
        finally:
            bot.stop()
    finally:
        api.stop()


def median_of(runs: Sequence[BotRun], read: Callable[[BotRun], float]) -> float:
    """Return the median of one figure over the rounds."""
    return statistics.median(read(run) for run in runs)


def report(
    kiz: Sequence[BotRun], echo: Sequence[BotRun], limiter: Outcome | None
) -> dict[str, Any]:
    """Print the figures as a Markdown table and return them."""
    rows: list[tuple[str, Callable[[BotRun], float], str]] = [
        ("burst: sent", lambda r: r.burst.sent, "{:.0f}"),
        ("burst: answered", lambda r: r.burst.answered, "{:.0f}"),
        ("burst: unanswered", lambda r: r.burst.unanswered, "{:.0f}"),
        ("burst: duplicated", lambda r: r.burst.duplicated, "{:.0f}"),
        ("burst: throughput (msgs/s)", lambda r: r.burst.throughput, "{:.0f}"),
        ("burst: latency p50 (ms)", lambda r: r.burst.p50_ms, "{:.0f}"),
        ("burst: latency p95 (ms)", lambda r: r.burst.p95_ms, "{:.0f}"),
        ("burst: latency p99 (ms)", lambda r: r.burst.p99_ms, "{:.0f}"),
        ("burst: bot CPU per message (ms)", lambda r: r.burst_cpu_ms, "{:.2f}"),
        ("paced: sent", lambda r: r.paced.sent, "{:.0f}"),
        ("paced: unanswered", lambda r: r.paced.unanswered, "{:.0f}"),
        ("paced: duplicated", lambda r: r.paced.duplicated, "{:.0f}"),
        ("paced: latency p50 (ms)", lambda r: r.paced.p50_ms, "{:.1f}"),
        ("paced: latency p95 (ms)", lambda r: r.paced.p95_ms, "{:.1f}"),
        ("paced: latency p99 (ms)", lambda r: r.paced.p99_ms, "{:.1f}"),
        ("peak RSS (MB)", lambda r: r.peak_rss_mb, "{:.0f}"),
        ("worker process, memory not shared (MB)", lambda r: r.worker_mb, "{:.0f}"),
        ("startup to first getUpdates (s)", lambda r: r.startup_s, "{:.2f}"),
    ]
    print(f"\n| median of {len(kiz)} rounds | kiz-bot | echo bot | kiz-bot per round |")
    print("| --- | ---: | ---: | --- |")
    for name, read, shape in rows:
        each = ", ".join(shape.format(read(r)) for r in kiz)
        ours = shape.format(median_of(kiz, read))
        theirs = shape.format(median_of(echo, read)) if echo else "-"
        print(f"| {name} | {ours} | {theirs} | {each} |")
    ratios = [k.burst.throughput / e.burst.throughput for k, e in zip(kiz, echo, strict=False)]
    ratio = statistics.median(ratios) if ratios else 0.0
    if ratios:
        shown = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"| burst throughput ratio ours/echo | {ratio:.2f} | | {shown} |")
    if limiter is not None:
        print(
            f"\nKIZ_RATE_LIMITER=on, 5 % of sendMessage answered 429: sent {limiter.sent}, "
            f"answered {limiter.answered}, unanswered {limiter.unanswered}, duplicated "
            f"{limiter.duplicated}, {limiter.throughput:.1f} msgs/s, p99 {limiter.p99_ms:.0f} ms"
        )
    lost = sum(r.burst.unanswered + r.paced.unanswered for r in [*kiz, *echo])
    lost += limiter.unanswered if limiter else 0
    targets = {
        "none lost": lost == 0,
        "ratio >= 0.7": ratio >= 0.7 if ratios else None,
        "paced p99 <= 50 ms": median_of(kiz, lambda r: r.paced.p99_ms) <= 50,
        "memory <= 200 MB": max(r.peak_rss_mb + r.worker_mb for r in kiz) <= 200,
    }
    print(
        "\ntargets: "
        + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in targets.items() if v is not None)
    )
    machine = f"{os.cpu_count()} cores ({platform.machine()}), {platform.platform()}"
    print(f"machine: {machine}, Python {platform.python_version()}")
    return {
        "kiz": [asdict(r) for r in kiz],
        "echo": [asdict(r) for r in echo],
        "ratio": ratio,
        "limiter": asdict(limiter) if limiter else None,
        "targets": targets,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def rounds(
    plan: Plan, count: int, *, with_echo: bool = True, worker: bool = False
) -> Iterator[tuple[BotRun, BotRun | None]]:
    """Run the rounds, alternating which bot goes first."""
    questions = single_message_questions(load_questions())
    with tempfile.TemporaryDirectory(prefix="kiz-bench-") as tmp:
        for number in range(count):
            order = ["kiz", "echo"] if number % 2 == 0 else ["echo", "kiz"]
            if not with_echo:
                order = ["kiz"]
            done: dict[str, BotRun] = {}
            for kind in order:
                workdir = Path(tmp) / f"{kind}-{number}"
                workdir.mkdir()
                cache = Path(tmp) / "kiz-cache" if kind == "kiz" else None
                env = {"KIZ_MATCH_WORKER": "on"} if worker and kind == "kiz" else {}
                done[kind] = measure(kind, questions, plan, number, workdir, cache, env)
                print(f"round {number + 1} {kind}: {_brief(done[kind])}", flush=True)
            yield done["kiz"], done.get("echo")


def _brief(run: BotRun) -> str:
    b, p = run.burst, run.paced
    return (
        f"burst {b.answered}/{b.sent} ({b.duplicated} dup) {b.throughput:.0f} msgs/s "
        f"p99 {b.p99_ms:.0f} ms, CPU {run.burst_cpu_ms:.2f} ms/msg; "
        f"paced {p.answered}/{p.sent} p50/p95/p99 "
        f"{p.p50_ms:.1f}/{p.p95_ms:.1f}/{p.p99_ms:.1f} ms; RSS {run.peak_rss_mb:.0f} MB "
        f"+ worker {run.worker_mb:.0f} MB; "
        f"startup {run.startup_s:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.e2e", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--paced-rate", type=float, default=100.0)
    parser.add_argument("--paced-seconds", type=float, default=10.0)
    parser.add_argument("--limiter-messages", type=int, default=200, help="0 skips the limiter run")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--worker", action="store_true", help="our bot with KIZ_MATCH_WORKER=on (a worker process)"
    )
    args = parser.parse_args(argv)
    plan = Plan(args.messages, args.users, args.paced_rate, args.paced_seconds)
    kiz: list[BotRun] = []
    echo: list[BotRun] = []
    for ours, theirs in rounds(plan, args.rounds, worker=args.worker):
        kiz.append(ours)
        if theirs is not None:
            echo.append(theirs)
    limiter = None
    if args.limiter_messages:
        questions = single_message_questions(load_questions())
        with tempfile.TemporaryDirectory(prefix="kiz-bench-") as tmp:
            limiter = limiter_run(
                questions, args.limiter_messages, max(1, args.limiter_messages // 4), Path(tmp)
            )
    figures = report(kiz, echo, limiter)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if figures["targets"]["none lost"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
