"""The built index kept on disk: reused when nothing changed, rebuilt when anything did."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from kiz_bot.knowledge.model import Catalogue
from kiz_bot.matching import index as index_module
from kiz_bot.matching.index import MatchIndex
from kiz_bot.matching.index_cache import IndexArrays, _joined, _lines
from tests.advisor.test_advisor import text, tiny_catalogue

QUESTIONS = ("Kita Anmeldung", "kita ücreti", "how much does a kita cost", "Wetter morgen")


def answers(index: MatchIndex) -> list[object]:
    return [index.match(q) for q in QUESTIONS]


class Builds:
    """The real builds from now on, in this process or a child: the process id of each."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def pids(self) -> list[int]:
        return [int(line) for line in self.log.read_text().split()] if self.log.exists() else []

    def __eq__(self, other: object) -> bool:
        return [1] * len(self.pids()) == other

    __hash__ = None  # type: ignore[assignment]


def count_builds(monkeypatch: pytest.MonkeyPatch, log: Path | None = None) -> Builds:
    """Count the real builds from now on, in a file, so that a child process's count too."""
    builds = Builds(log or Path(tempfile.mkdtemp()) / "builds.log")
    real = index_module._built

    def counted(*args: object) -> IndexArrays:
        with builds.log.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module, "_built", counted)
    return builds


def with_alternative(catalogue: Catalogue, extra: str) -> Catalogue:
    """Return the catalogue with one more German phrasing for the first entry."""
    first = catalogue.entries[0]
    german = first.texts["de"]
    changed = text(german.question, german.answer, *german.alternatives, extra)
    texts = dict(first.texts) | {"de": changed}
    entry = dataclasses.replace(first, texts=type(first.texts)(texts))
    return dataclasses.replace(catalogue, entries=(entry, *catalogue.entries[1:]))


def test_a_second_start_reads_the_index_from_disk_and_matches_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = count_builds(monkeypatch)
    first = MatchIndex.build(tiny_catalogue(), cache=tmp_path)
    second = MatchIndex.build(tiny_catalogue(), cache=tmp_path)
    assert builds == [1]
    assert len(list(tmp_path.glob("index-*.npz"))) == 1
    assert answers(second) == answers(first)
    assert second.normalized == first.normalized
    assert second.exact_phrasings == first.exact_phrasings
    for name in ("documents_t", "words_t", "skeletons_t", "phrases_t"):
        stored, built = getattr(second, name), getattr(first, name)
        assert stored.shape == built.shape
        for part in ("data", "indices", "indptr"):
            assert (getattr(stored, part) == getattr(built, part)).all()


def test_a_changed_phrasing_builds_afresh_and_replaces_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = count_builds(monkeypatch)
    MatchIndex.build(tiny_catalogue(), cache=tmp_path)
    before = set(tmp_path.glob("index-*.npz"))
    changed = MatchIndex.build(with_alternative(tiny_catalogue(), "Krippe Platz"), cache=tmp_path)
    after = set(tmp_path.glob("index-*.npz"))
    assert builds == [1, 1]
    assert len(after) == 1
    assert after != before
    best = changed.match("Krippe Platz").best
    assert best is not None
    assert best.entry_id == "kita-registration"


def test_a_damaged_cache_file_is_ignored_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    MatchIndex.build(tiny_catalogue(), cache=tmp_path)
    (stored,) = tmp_path.glob("index-*.npz")
    stored.write_bytes(stored.read_bytes()[:500])
    builds = count_builds(monkeypatch)
    with caplog.at_level(logging.WARNING):
        index = MatchIndex.build(tiny_catalogue(), cache=tmp_path)
    assert builds == [1]
    assert "unusable" in caplog.text
    assert answers(index) == answers(MatchIndex.build(tiny_catalogue()))


def test_a_cache_folder_that_cannot_be_written_costs_nothing_but_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        index = MatchIndex.build(tiny_catalogue(), cache=blocked)
    assert "could not write the index cache" in caplog.text
    assert answers(index) == answers(MatchIndex.build(tiny_catalogue()))
    assert not list(tmp_path.glob("**/*.tmp"))


@pytest.mark.parametrize("texts", [(), ("",), ("", ""), ("a b", "", "ü ё م")])
def test_texts_survive_the_round_trip_including_empty_ones(texts: tuple[str, ...]) -> None:
    assert _lines(_joined(texts)) == texts


def test_a_missing_index_is_built_in_a_child_process_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = count_builds(monkeypatch)
    index = MatchIndex.build(tiny_catalogue(), cache=tmp_path)
    (builder,) = builds.pids()
    assert builder != os.getpid()
    assert answers(index) == answers(MatchIndex.build(tiny_catalogue()))


def test_when_the_child_process_fails_the_index_is_built_here_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    parent, real = os.getpid(), index_module._built

    def failing_in_a_child(*args: object) -> IndexArrays:
        if os.getpid() != parent:
            raise MemoryError("no memory for the build")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module, "_built", failing_in_a_child)
    with caplog.at_level(logging.WARNING):
        index = MatchIndex.build(tiny_catalogue(), cache=tmp_path)
    assert "child process failed" in caplog.text
    assert answers(index) == answers(MatchIndex.build(tiny_catalogue()))
    assert len(list(tmp_path.glob("index-*.npz"))) == 1


def test_while_other_threads_run_the_index_is_built_here_as_forking_is_unsafe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = count_builds(monkeypatch)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        index = MatchIndex.build(tiny_catalogue(), cache=tmp_path)
    finally:
        stop.set()
        other.join()
    assert builds.pids() == [os.getpid()]
    assert answers(index) == answers(MatchIndex.build(tiny_catalogue()))


def test_an_index_read_from_the_cache_matches_without_scipy(tmp_path: Path) -> None:
    built = MatchIndex.build(tiny_catalogue(), cache=tmp_path)
    program = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kiz_bot.matching.index import MatchIndex\n"
        "from tests.advisor.test_advisor import tiny_catalogue\n"
        f"index = MatchIndex.build(tiny_catalogue(), cache=Path({str(tmp_path)!r}))\n"
        "print(index.match('Kita Anmeldung').candidates[0].entry_id)\n"
        "print('scipy' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=root, capture_output=True, text=True, check=True
    )
    best = built.match("Kita Anmeldung").candidates[0].entry_id
    assert done.stdout.split() == [best, "False"]
