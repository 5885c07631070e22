"""The composition root: Settings -> knowledge, index, language detector, advisor."""

from __future__ import annotations

import gc
from dataclasses import dataclass

from kiz_bot.advisor import Advisor, Knowledge
from kiz_bot.knowledge.loader import configured_languages
from kiz_bot.knowledge.store import KnowledgeStore
from kiz_bot.matching.language import LanguageDetector
from kiz_bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    """Everything an adapter needs, wired once."""

    settings: Settings
    knowledge: KnowledgeStore[Knowledge]
    advisor: Advisor


def build_services(settings: Settings) -> Services:
    """Load the knowledge base and build the advisor; raises KnowledgeError on a broken FAQ."""
    # The language model is loaded first: its loading peak then does not add to the index's.
    detector = LanguageDetector(configured_languages(settings.faq_dir))
    detector.warm_up()
    gc.collect()
    knowledge = KnowledgeStore(settings.faq_dir, Knowledge.build)
    advisor = Advisor(knowledge.current, detector)
    return Services(settings, knowledge, advisor)
