from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiz_bot.cli import main
from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.knowledge.store import KnowledgeStore
from kiz_bot.settings import BUNDLED_FAQ_DIR, Settings
from kiz_bot.terminal import chat
from tests.knowledge.minifaq import SCHOOL, write_faq

CONTRACT_KEYS = {"entry", "score", "language", "alternatives", "partners", "answer"}


def run_cli(
    *args: str, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIZ_")}
    return subprocess.run(
        [sys.executable, "-m", "kiz_bot", *args],
        input=stdin, capture_output=True, text=True, check=False, env=env, cwd=cwd,
        timeout=300,
    )  # fmt: skip


def test_ask_json_prints_the_contract_fields(tmp_path: Path) -> None:
    out = run_cli("ask", "Wie bekomme ich Kindergeld?", "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert set(reply) >= CONTRACT_KEYS
    assert reply["entry"] == "child-benefit"
    assert reply["language"] == "de"
    assert "family-benefits-office" in reply["partners"]
    assert isinstance(reply["score"], float)
    assert reply["answer"]


def test_ask_json_batch_answers_a_thousand_lines_in_order_in_one_process(tmp_path: Path) -> None:
    questions = ["Kindergeld beantragen", "What is the weather tomorrow?", "kita platz nasil"] * 334
    out = run_cli("ask", "--json", "-", stdin="\n".join(questions[:1000]) + "\n", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1000
    replies = [json.loads(line) for line in lines]
    assert [r["entry"] for r in replies[:3]] == ["child-benefit", None, "kita-registration"]
    assert replies[999]["entry"] == "child-benefit"


def test_out_of_scope_question_has_no_entry_and_refers_to_a_person(tmp_path: Path) -> None:
    out = run_cli("ask", "Wer gewinnt heute das Fußballspiel?", "--json", cwd=tmp_path)
    reply = json.loads(out.stdout)
    assert reply["entry"] is None
    assert "integration-centre" in reply["partners"]


def test_validate_bundled_faq_exits_zero() -> None:
    assert main(["faq", "validate", str(BUNDLED_FAQ_DIR)], environ={}) == 0


def test_validate_reports_four_classic_mistakes_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "faq"
    shutil.copytree(BUNDLED_FAQ_DIR, folder)
    school = folder / "school.yaml"
    text = school.read_text(encoding="utf-8")
    text = text.replace("\n    partners:", "\n   partners:", 1)  # broken indentation
    school.write_text(text, encoding="utf-8")
    funding = folder / "funding.yaml"
    text = funding.read_text(encoding="utf-8").replace("answer:", "anwser:", 1)
    text = text.replace("id: child-benefit", "id: education-package", 1)
    funding.write_text(text, encoding="utf-8")
    counselling = folder / "counselling.yaml"
    lines = counselling.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("partners:"))
    lines[at] = lines[at].split("partners:")[0] + "partners: [no-such-partner]"
    counselling.write_text("\n".join(lines) + "\n", encoding="utf-8")

    code = main(["faq", "validate", str(folder)], environ={})
    out = capsys.readouterr().out
    assert code == 1
    assert "school.yaml:" in out
    assert "YAML syntax error" in out
    assert "funding.yaml:" in out
    assert "'anwser'" in out
    assert "duplicate-id" in out
    assert f"counselling.yaml:{at + 1}:" in out
    assert "no-such-partner" in out


def test_validate_json_and_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_faq(tmp_path, **{"school.yaml": SCHOOL.replace("true", "false")})
    assert main(["faq", "validate", str(folder), "--json"], environ={}) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert any(p["code"] == "unreviewed" for p in report["problems"])
    assert main(["faq", "validate", str(folder), "--strict"], environ={}) == 1


def test_export_is_stable_json_with_all_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faq", "export"], environ={}) == 0
    first = capsys.readouterr().out
    assert main(["faq", "export"], environ={}) == 0
    assert capsys.readouterr().out == first
    data = json.loads(first)
    assert data[0]["id"] == "kita-registration"
    assert {"id", "topic", "partners", "texts"} <= set(data[0])
    assert set(data[0]["texts"]["de"]) >= {"question", "alternatives", "answer", "reviewed"}


def test_coverage_table_has_a_row_per_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faq", "coverage"], environ={}) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["entry", "de", "en", "tr", "ar", "uk", "ru", "fa", "pl"]
    assert any(line.startswith("kita-fees ") for line in out)


def test_reload_keeps_last_good_knowledge_on_errors(tmp_path: Path) -> None:
    folder = write_faq(tmp_path)
    store = KnowledgeStore(folder, lambda catalogue: catalogue)
    assert store.current().entry("school-enrolment") is not None
    (folder / "school.yaml").write_text(SCHOOL.replace("answer: |", "anwser: |"), encoding="utf-8")
    report = store.reload()
    assert not report.ok
    assert any(p.code == "unknown-key" and p.file == "school.yaml" for p in report.problems)
    assert store.current().entry("school-enrolment") is not None
    (folder / "school.yaml").write_text(
        SCHOOL.replace("school-enrolment", "school-place").replace("{today}", "2026-11-01"),
        encoding="utf-8",
    )
    assert store.reload().ok
    assert store.current().entry("school-place") is not None


def test_terminal_chat_answers_offers_choices_and_rates(tmp_path: Path) -> None:
    settings = Settings.from_environ({}, tmp_path)
    said = io.StringIO("Wie bekomme ich Kindergeld?\n-\n/language tr\nKita?\n1\n/contact\n/quit\n")
    heard = io.StringIO()
    assert chat(settings, language=None, stdin=said, stdout=heard) == 0
    out = heard.getvalue()
    assert "Familienkasse" in out
    assert "0212 290 2225" in out
    assert "KIZ_BOT_TOKEN" in out  # the one-line hint how to connect Telegram


def test_unknown_chat_language_is_refused(tmp_path: Path) -> None:
    settings = Settings.from_environ({}, tmp_path)
    assert chat(settings, language="xx", stdin=io.StringIO(""), stdout=io.StringIO()) == 2


def test_file_watcher_reloads_only_after_a_change(tmp_path: Path) -> None:
    folder = write_faq(tmp_path)
    store = KnowledgeStore(folder, lambda catalogue: catalogue)
    assert store.reload_if_changed() is None
    changed = SCHOOL.replace("school-enrolment", "school-place").replace("{today}", "2026-11-01")
    (folder / "school.yaml").write_text(changed + "\n", encoding="utf-8")
    report = store.reload_if_changed()
    assert report is not None
    assert report.ok
    assert store.current().entry("school-place") is not None
    assert store.reload_if_changed() is None


def test_terminal_chat_reads_a_short_follow_up_in_the_light_of_the_last_answer(
    tmp_path: Path,
) -> None:
    settings = Settings.from_environ({}, tmp_path)
    catalogue = require_catalogue(BUNDLED_FAQ_DIR)
    costs = catalogue.entry("recognition-costs")
    kita = catalogue.entry("kita-fees")
    assert costs is not None
    assert kita is not None
    alone = io.StringIO()
    chat(settings, language="uk", stdin=io.StringIO("скільки коштує?\n/quit\n"), stdout=alone)
    assert kita.texts["uk"].question in alone.getvalue()
    heard = io.StringIO()
    said = io.StringIO("визнання професійної кваліфікації\nскільки коштує?\n/quit\n")
    assert chat(settings, language="uk", stdin=said, stdout=heard) == 0
    assert costs.texts["uk"].question in heard.getvalue()
    assert kita.texts["uk"].question not in heard.getvalue()
