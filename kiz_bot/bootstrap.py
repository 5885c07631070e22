"""The composition root: Settings -> knowledge, index, language detector, advisor."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kiz_bot.advisor import Advisor, Knowledge
from kiz_bot.apart import start_apart
from kiz_bot.i18n import names_file, remember_languages
from kiz_bot.knowledge.loader import configured_languages
from kiz_bot.knowledge.model import Catalogue
from kiz_bot.knowledge.store import KnowledgeStore
from kiz_bot.matching.features import clear_caches
from kiz_bot.matching.language import LanguageDetector
from kiz_bot.matching.language_model import model_file
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


def _language_files(languages: tuple[str, ...], cache: Path) -> tuple[Path, Path]:
    return names_file(languages, cache), model_file(languages, cache)


def _prepare_languages(languages: tuple[str, ...], cache: Path) -> None:
    """Write the language names and the cut-down language model to the cache folder."""
    remember_languages(languages, cache)
    LanguageDetector(languages, cache=cache).warm_up()


def build_services(settings: Settings) -> Services:
    """Load the knowledge base and build the advisor; raises KnowledgeError on a broken FAQ."""
    languages = configured_languages(settings.faq_dir)
    cache = settings.index_cache
    preparing = None
    if cache is not None and not all(f.is_file() for f in _language_files(languages, cache)):
        # A first start: a child process reads the CLDR names and unpacks the language model
        # into the cache folder while the index is built, and this process reads the files.
        preparing = start_apart(_prepare_languages, languages, cache)
    knowledge = KnowledgeStore(settings.faq_dir, partial(_built, cache=cache))
    if preparing is not None:
        preparing.finished()
    remember_languages(languages, cache)
    detector = LanguageDetector(languages, cache=cache)
    detector.warm_up()
    gc.collect()
    release_free_memory()
    advisor = Advisor(knowledge.current, detector)
    return Services(settings, knowledge, advisor)
