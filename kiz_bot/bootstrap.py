"""The composition root: Settings -> knowledge, index, language detector, advisor."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kiz_bot.advisor import Advisor, Knowledge
from kiz_bot.i18n import remember_languages
from kiz_bot.knowledge.loader import configured_languages
from kiz_bot.knowledge.model import Catalogue
from kiz_bot.knowledge.store import KnowledgeStore
from kiz_bot.matching.features import clear_caches
from kiz_bot.matching.language import LanguageDetector
from kiz_bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    """Everything an adapter needs, wired once."""

    settings: Settings
    knowledge: KnowledgeStore[Knowledge]
    advisor: Advisor


def _built(catalogue: Catalogue, cache: Path | None = None) -> Knowledge:
    """Index a catalogue, then give the memory used only while indexing back to the system."""
    knowledge = Knowledge.build(catalogue, cache)
    clear_caches()
    gc.collect()
    release_free_memory()
    return knowledge


def release_free_memory() -> None:
    """Return freed heap pages to the operating system (glibc only; elsewhere nothing)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def build_services(settings: Settings) -> Services:
    """Load the knowledge base and build the advisor; raises KnowledgeError on a broken FAQ."""
    languages = configured_languages(settings.faq_dir)
    remember_languages(languages, settings.index_cache)
    # The language model is loaded first: its loading peak then does not add to the index's.
    detector = LanguageDetector(languages, cache=settings.index_cache)
    detector.warm_up()
    gc.collect()
    release_free_memory()
    knowledge = KnowledgeStore(settings.faq_dir, partial(_built, cache=settings.index_cache))
    advisor = Advisor(knowledge.current, detector)
    return Services(settings, knowledge, advisor)
