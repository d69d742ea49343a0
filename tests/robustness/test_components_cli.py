"""Issue 11, items 5 and 10: ``classify``/``summarize`` account for every input and always print valid UTF-8.

Before: empty, binary and unreadable files were missing from the output with nothing said on stderr,
one failing document aborted the whole command, ``--format json`` could emit invalid UTF-8 for file
names that are not UTF-8, and a misspelt ``--model``/``--method`` got no "did you mean".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsml.classify import classifiers
from newsml.classify.keyword import KeywordClassifier
from newsml.cli import main
from newsml.summarize import summarizers
from newsml.summarize.lead import LeadSummarizer

GOOD = "Rebels seized the northern town on Monday. The army sent reinforcements. Residents fled."
COMMANDS = {"summarize": ["--method", "lead"], "classify": ["--model", "keyword"]}


def _records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _make_bad(folder: Path, kind: str) -> str:
    """Create one bad input of ``kind`` in ``folder``; returns its file name."""
    if kind == "empty":
        (folder / "bad.txt").write_bytes(b"")
    elif kind == "blank":
        (folder / "bad.txt").write_bytes(b"  \n\n \t \n")
    elif kind == "binary":
        (folder / "bad.txt").write_bytes(b"\x00\x01\x02\x03binary\x00\xff\xfe" * 20)
    elif kind == "dangling_link":
        (folder / "bad.txt").symlink_to(folder / "missing-target.txt")
    elif kind == "no_permission":
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            pytest.skip("root can read a file with mode 000")
        (folder / "bad.txt").write_text(GOOD)
        (folder / "bad.txt").chmod(0)
    return "bad.txt"


# (kind of bad input, the reason recorded for it)
BAD_INPUTS = [
    ("empty", "empty file"),
    ("blank", "empty document"),
    ("binary", "binary content"),
    ("dangling_link", "cannot read file"),
    ("no_permission", "cannot read file"),
]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind,reason", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_skipped_input_is_recorded_and_counted(command, kind, reason, tmp_path, capsys):
    (tmp_path / "good.txt").write_text(GOOD)
    name = _make_bad(tmp_path, kind)
    assert main([command, str(tmp_path), *COMMANDS[command], "--format", "json"]) == 0
    captured = capsys.readouterr()
    recs = _records(captured.out)
    assert len(recs) == 2  # one record per input: nothing silently lost
    (skipped,) = [r for r in recs if r.get("skipped")]
    assert skipped["source"].endswith(name) and skipped["error"].startswith(reason)
    (good,) = [r for r in recs if not r.get("skipped")]
    assert good["id"] == "good"
    assert f"2 read, 1 skipped ({reason}: 1)" in captured.err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_text_format_also_reports_skipped_inputs(command, tmp_path, capsys):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01" * 10)
    assert main([command, str(tmp_path), *COMMANDS[command]]) == 0
    err = capsys.readouterr().err
    assert "3 read, 2 skipped (binary content: 1, empty file: 1)" in err


def test_only_bad_inputs_is_an_error_that_says_why(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["summarize", str(tmp_path), "--method", "lead"]) == 2
    err = capsys.readouterr().err
    assert "1 read, 1 skipped (empty file: 1)" in err and "no document could be summarised" in err


class _ExplodingSummarizer(LeadSummarizer):
    name = "exploding"

    def _score_docs(self, docs):
        if any("EXPLODE" in s for d in docs for s in d.sentences):
            raise ValueError("cannot score this document")
        return super()._score_docs(docs)


class _ExplodingClassifier(KeywordClassifier):
    name = "exploding"

    def _predict_proba(self, texts):
        if any("EXPLODE" in t for t in texts):
            raise ValueError("cannot classify this document")
        return super()._predict_proba(texts)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_component_failure_costs_only_its_document(command, tmp_path, capsys, monkeypatch):
    registry, cls = (summarizers, _ExplodingSummarizer) if command == "summarize" else \
        (classifiers, _ExplodingClassifier)
    monkeypatch.setitem(registry._items, "exploding", cls)
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "b.txt").write_text("Troops shelled the town. EXPLODE happened here today.")
    (tmp_path / "c.txt").write_text("Parliament passed the budget on Friday. The vote was close.")
    option = "--method" if command == "summarize" else "--model"
    assert main([command, str(tmp_path), option, "exploding", "--format", "json"]) == 0
    captured = capsys.readouterr()
    recs = {r["id"]: r for r in _records(captured.out)}
    assert set(recs) == {"a", "b", "c"}
    assert recs["b"]["skipped"] is True and "ValueError: cannot" in recs["b"]["error"]
    assert not recs["a"].get("skipped") and not recs["c"].get("skipped")
    assert "3 read, 1 skipped" in captured.err and "failed: 1)" in captured.err


ODD_NAME = os.fsdecode(b"caf\xe9-\xff.txt")  # a Latin-1 file name: not valid UTF-8


def _odd_inputs(folder: Path) -> None:
    """A file whose name is not UTF-8 and a JSONL record whose id is a lone surrogate (both valid inputs)."""
    try:
        (folder / ODD_NAME).write_text(GOOD)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not store non-UTF-8 names")
    record = '{"id": "x\\ud800y", "text": "' + GOOD + '"}\n'  # JSON escape of a lone surrogate
    (folder / "ids.jsonl").write_text(record, encoding="ascii")


def _check_odd_output(out: str, fmt: str) -> None:
    if fmt != "json":
        assert "x\\ud800y" in out
        return
    recs = _records(out)
    assert len(recs) == 2  # both inputs accounted for (the odd file name is read or recorded as skipped)
    assert any(r["id"] == "x\\ud800y" and r["summary" if "summary" in r else "labels"] is not None for r in recs)
    odd = [r for r in recs if r["id"] != "x\\ud800y"]
    assert odd[0]["id"] == "caf\\xe9-\\xff" or (odd[0]["skipped"] and "caf" in odd[0]["source"])


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_output_is_valid_utf8_for_odd_names_and_ids(command, fmt, tmp_path, capsysbinary):
    _odd_inputs(tmp_path)
    if fmt == "table" and command == "summarize":
        fmt = "text"
    assert main([command, str(tmp_path), *COMMANDS[command], "--format", fmt]) == 0
    _check_odd_output(capsysbinary.readouterr().out.decode("utf-8"), fmt)  # strict: raises on invalid UTF-8


def test_json_is_valid_utf8_under_the_posix_locale(tmp_path):
    _odd_inputs(tmp_path)
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    import newsml

    src = str(Path(newsml.__file__).resolve().parents[1])  # the newsml under test
    env["PYTHONPATH"] = os.pathsep.join(p for p in [src, env.get("PYTHONPATH", "")] if p)
    run = subprocess.run([sys.executable, "-m", "newsml", "summarize", str(tmp_path), "--method", "lead",
                          "--format", "json"], capture_output=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    _check_odd_output(run.stdout.decode("utf-8"), "json")


@pytest.mark.parametrize("command,option,typo,meant", [
    ("classify", "--model", "tfdif", "tfidf"),
    ("classify", "--model", "zero-sht", "zero-shot"),
    ("classify", "--model", "keywrd", "keyword"),
    ("summarize", "--method", "textrnk", "textrank"),
    ("summarize", "--method", "lexrnak", "lexrank"),
    ("summarize", "--method", "supervized", "supervised"),
])
def test_did_you_mean_on_unknown_component_names(command, option, typo, meant, tmp_path, capsys):
    (tmp_path / "good.txt").write_text(GOOD)
    assert main([command, str(tmp_path), option, typo]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"(did you mean {meant!r}?)" in err and repr(typo) in err


def test_bad_cap_option_is_one_line_error(tmp_path, capsys):
    (tmp_path / "good.txt").write_text(GOOD)
    assert main(["summarize", str(tmp_path), "--method", "lead", "--max-input-chars", "-1"]) == 2
    assert "--max-input-chars must be >= 0" in capsys.readouterr().err


def test_summarize_isolated_keeps_order_and_records_the_exception():
    from newsml.summarize.cli import summarize_isolated

    out = summarize_isolated(_ExplodingSummarizer(), [GOOD, "Troops came. EXPLODE now here.", GOOD], max_sentences=1)
    assert [type(o).__name__ for o in out] == ["Summary", "ValueError", "Summary"]
    assert np.all([o.text == "Rebels seized the northern town on Monday." for o in (out[0], out[2])])
