"""Matching benchmark: latency, index build time and memory (run with `make bench`).

Two knowledge bases: the bundled one, and a generated one with 5,000 entries in eight
languages (words drawn from the bundled phrasings, so the vocabulary and word lengths are
realistic). Each scenario runs in a fresh process so that peak memory is its own.
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import run_each_in_fresh_process
from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.knowledge.model import Catalogue, Entry, EntryText, frozen_map
from kiz_bot.matching.index import MatchIndex
from kiz_bot.settings import BUNDLED_FAQ_DIR, Settings

QUERIES = 2000
CACHE_VARIABLE = "KIZ_BENCH_INDEX_CACHE"
SEED = 20261125


def _typo(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(0, 2)):
        if len(chars) > 3:
            i = rng.randrange(len(chars))
            chars[i] = rng.choice("aeioustnr")
    return "".join(chars)


def synthetic(base: Catalogue, n_entries: int, rng: random.Random) -> Catalogue:
    """Return a catalogue of n_entries, eight languages, six phrasings each."""
    words: dict[str, list[str]] = {lang: [] for lang in base.languages}
    for entry in base.entries:
        for lang, text in entry.texts.items():
            for phrase in (*text.phrasings, *text.keywords):
                words[lang].extend(phrase.split())
    entries = []
    for number in range(n_entries):
        texts = {}
        for lang in base.languages:
            pool = words[lang] or words[base.source_language]
            phrasings = [" ".join(rng.choices(pool, k=rng.randint(3, 9))) for _ in range(6)]
            keywords = tuple(rng.choices(pool, k=4))
            texts[lang] = EntryText(phrasings[0], "answer", tuple(phrasings[1:]), keywords)
        entries.append(Entry(f"entry-{number}", base.topics[0].id, frozen_map(texts)))
    return Catalogue(base.languages, base.topics, tuple(entries), base.partners)


def _queries(catalogue: Catalogue, rng: random.Random, n: int) -> list[str]:
    phrases = [p for e in catalogue.entries for t in e.texts.values() for p in t.phrasings]
    queries = [_typo(rng, rng.choice(phrases)) for _ in range(n)]
    # Long rambling messages: three phrasings run together.
    queries += [" ".join(rng.choices(phrases, k=3)) for _ in range(n // 10)]
    return queries


def scenario(name: str) -> dict[str, object]:
    """Run one scenario in this process and return its figures."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    base = require_catalogue(BUNDLED_FAQ_DIR)
    loaded = time.perf_counter()
    catalogue = base if name == "bundled" else synthetic(base, 5000, rng)
    generated = time.perf_counter()
    index = MatchIndex.build(catalogue)
    built = time.perf_counter()
    queries = _queries(catalogue, rng, QUERIES)
    for q in queries[:50]:
        index.match(q)
    timings = []
    for q in queries:
        t0 = time.perf_counter()
        index.match(q)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {
        "scenario": name,
        "entries": len(catalogue.entries),
        "phrasings": len(index.phrases),
        "load_faq_s": round(loaded - started, 3),
        "build_index_s": round(built - generated, 3),
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 3),
        "max_ms": round(timings[-1], 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def startup(name: str) -> dict[str, object]:
    """Time `build_services` with the bundled knowledge base, as the bot does at start.

    The cache folder is the one `main` made: empty for the cold start (which fills it, as
    a first start does), filled for the warm start (a restart). The start after an edit
    finds the language model there but no index, as after a change to the FAQ files.
    """
    cache = Path(os.environ[CACHE_VARIABLE])
    if name == "startup-edited":
        for built in cache.glob("index-*.npz"):
            built.unlink()
    started = time.perf_counter()
    from kiz_bot.bootstrap import build_services  # imports are part of the start

    build_services(Settings(index_cache=cache))
    return {
        "scenario": name,
        "startup_s": round(time.perf_counter() - started, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def long_run(name: str, questions: int = 30_000) -> dict[str, object]:
    """Ask many questions with typos, as weeks of traffic would, and follow resident memory.

    Every typo is a word the matcher has not seen; memory must level off, not grow with them.
    """
    from kiz_bot.bootstrap import build_services

    services = build_services(Settings(index_cache=Path(os.environ[CACHE_VARIABLE])))
    rng = random.Random(SEED)
    phrases = [
        p for e in services.advisor.catalogue.entries for t in e.texts.values() for p in t.phrasings
    ]
    figures: dict[str, object] = {"scenario": name, "rss_mb_after": {0: _rss_mb()}}
    for asked in range(1, questions + 1):
        services.advisor.ask(_typo(rng, _typo(rng, rng.choice(phrases))))
        if asked in (1_000, 5_000, 10_000, 20_000, 30_000):
            figures["rss_mb_after"][asked] = _rss_mb()  # type: ignore[index]
    return figures


def _rss_mb() -> float:
    """Return the resident memory of this process now, in MB."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
    return round(int(line.split()[1]) / 1024, 1)


def main() -> int:
    """Run every scenario in its own process and print a table."""
    if len(sys.argv) > 1:
        name = sys.argv[1]
        runs = {"long-run": long_run}
        figures = runs.get(name, startup if name.startswith("startup") else scenario)(name)
        print(json.dumps(figures))
        return 0
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as cache:
        os.environ[CACHE_VARIABLE] = cache
        run_each_in_fresh_process(
            "benchmarks.matching",
            (
                "startup-cold",
                "startup-warm",
                "startup-edited",
                "long-run",
                "bundled",
                "synthetic-5000",
            ),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
