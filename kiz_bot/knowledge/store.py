"""The knowledge in use, replaced whole on reload; a failed reload keeps the last good one."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from kiz_bot.knowledge.loader import load_catalogue
from kiz_bot.knowledge.model import Catalogue
from kiz_bot.knowledge.problems import KnowledgeError, Problem, errors_in

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ReloadReport:
    """What a reload did: ok, the problems found, and how many entries are in use."""

    ok: bool
    problems: tuple[Problem, ...]
    entries: int


class KnowledgeStore(Generic[T]):
    """Holds the current knowledge built from a folder; swaps it atomically on reload."""

    def __init__(self, folder: Path, build: Callable[[Catalogue], T]) -> None:
        self.folder = folder
        self._build = build
        self._lock = threading.Lock()
        self._signature = self._files_signature()
        catalogue, problems = load_catalogue(folder)
        if catalogue is None:
            raise KnowledgeError(problems)
        self._current = build(catalogue)
        self._entries = len(catalogue.entries)

    def current(self) -> T:
        """Return the knowledge in use."""
        return self._current

    def _files_signature(self) -> tuple[tuple[str, int, int], ...]:
        """Return name, modification time and size of every YAML file in the folder."""
        files = sorted([*self.folder.glob("*.yaml"), *self.folder.glob("*.yml")])
        stats = ((f.name, f.stat()) for f in files if f.is_file())
        return tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)

    def reload_if_changed(self) -> ReloadReport | None:
        """Reload when a file in the folder changed since the last load (the file watcher)."""
        signature = self._files_signature()
        if signature == self._signature:
            return None
        return self.reload()

    def reload(self) -> ReloadReport:
        """Load the folder again; keep the last good knowledge when the new one has errors."""
        with self._lock:
            self._signature = self._files_signature()
            catalogue, problems = load_catalogue(self.folder)
            if catalogue is None:
                log.warning(
                    "knowledge base reload failed with %d error(s); keeping the last good one",
                    len(errors_in(problems)),
                )
                return ReloadReport(False, errors_in(problems), self._entries)
            self._current = self._build(catalogue)
            self._entries = len(catalogue.entries)
            log.info("knowledge base reloaded: %d entries", self._entries)
            return ReloadReport(True, problems, self._entries)
