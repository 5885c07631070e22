"""Compare language identifiers on short chat messages (the labelled question sets).

Run with `python -m benchmarks.language`. Each candidate runs in its own process so that
its memory is its own. Transliterated messages (Russian in Latin letters, Arabizi) are
counted too: for them no detector can be right, which is why the advisor falls back to the
language of the phrasing that matched.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import defaultdict

from benchmarks import run_each_in_fresh_process
from benchmarks.evaluate import load_items

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa", "pl")


def _py3langid() -> object:
    from kiz_bot.matching.language import LanguageDetector

    detector = LanguageDetector(LANGUAGES)
    detector.warm_up()
    return lambda text: detector.detect(text).language


def _lingua() -> object:
    from lingua import Language, LanguageDetectorBuilder

    names = {
        "de": Language.GERMAN, "en": Language.ENGLISH, "tr": Language.TURKISH,
        "ar": Language.ARABIC, "uk": Language.UKRAINIAN, "ru": Language.RUSSIAN,
        "fa": Language.PERSIAN, "pl": Language.POLISH,
    }  # fmt: skip
    codes = {v: k for k, v in names.items()}
    detector = LanguageDetectorBuilder.from_languages(*names.values()).build()

    def detect(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return codes.get(found) if found else None

    return detect


def run(name: str) -> dict[str, object]:
    """Measure one detector on every labelled question."""
    started = time.perf_counter()
    detect = {"py3langid": _py3langid, "lingua": _lingua}[name]()
    loaded = time.perf_counter() - started
    items = load_items("devset.yaml") + load_items("holdout.yaml")
    right: dict[str, list[bool]] = defaultdict(list)
    t0 = time.perf_counter()
    for item in items:
        right[item.lang].append(detect(item.q) == item.lang)  # type: ignore[operator]
    per_message_ms = (time.perf_counter() - t0) / len(items) * 1000
    total = [r for v in right.values() for r in v]
    return {
        "detector": name,
        "accuracy": round(sum(total) / len(total), 3),
        "per_language": {k: round(sum(v) / len(v), 2) for k, v in sorted(right.items())},
        "load_s": round(loaded, 2),
        "ms_per_message": round(per_message_ms, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> int:
    """Run both detectors, each in its own process."""
    if len(sys.argv) > 1:
        print(json.dumps(run(sys.argv[1])))
        return 0
    run_each_in_fresh_process("benchmarks.language", ("py3langid", "lingua"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
