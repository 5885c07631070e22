"""The knowledge base: YAML files in faq/ loaded into an immutable catalogue."""

from kiz_bot.knowledge.model import Catalogue, Entry, EntryText, Partner, PartnerText, Topic

__all__ = ["Catalogue", "Entry", "EntryText", "Partner", "PartnerText", "Topic"]
