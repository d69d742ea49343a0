"""``newsml classify``: default model, --model name or saved dir, --taxonomy, json/table output, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsml.classify.keyword import KeywordClassifier
from newsml.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_7720f7d8ad8d4f8e.txt"


def _json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def docs_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("docs")
    (d / "a_seed.txt").write_text(SEED.read_text())
    (d / "b_sport.txt").write_text("The home side won the cup final 3-1 after extra time on Saturday.")
    return d


def test_default_model_json_on_seed(capsys):
    assert main(["classify", str(SEED), "--format", "json"]) == 0
    (rec,) = _json_lines(capsys.readouterr().out)
    assert set(rec) == {"id", "labels", "scores", "evidence"}
    assert {"diplomatic_rupture", "military_defeat", "accusation"} <= set(rec["labels"])
    assert not {"election", "protest", "coup"} & set(rec["labels"])
    assert len(rec["scores"]) == 18 and all(0 <= p <= 1 for p in rec["scores"].values())
    assert set(rec["evidence"]) == set(rec["labels"])
    from newsml.data import normalize_text

    text = normalize_text(SEED.read_text())  # evidence comes from the cleaned text
    for sentences in rec["evidence"].values():
        assert 1 <= len(sentences) <= 2 and all(s in text for s in sentences)


def test_keyword_model_on_a_folder_json_and_table(docs_dir, capsys):
    assert main(["classify", str(docs_dir), "--model", "keyword", "--format", "json", "--evidence", "1"]) == 0
    recs = _json_lines(capsys.readouterr().out)
    assert len(recs) == 2
    by_id = {r["id"]: r for r in recs}
    seed = next(r for k, r in by_id.items() if "seed" in k)
    sport = next(r for k, r in by_id.items() if "sport" in k)
    assert "diplomatic_rupture" in seed["labels"] and sport["labels"] == []
    assert all(len(v) == 1 for v in seed["evidence"].values())
    assert main(["classify", str(docs_dir), "--model", "keyword", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "diplomatic_rupture" in out and "(no topic)" in out and "      - " in out


def test_saved_model_dir_and_custom_taxonomy(tmp_path, capsys):
    tax = tmp_path / "weather.yaml"
    tax.write_text("name: weather\ntopics:\n  - id: flood\n    name: flood\n    definition: Water covers land.\n"
                   "    cues: [flood*]\n  - id: drought\n    name: drought\n    definition: No rain.\n    cues: [drought]\n")
    doc = tmp_path / "story.txt"
    doc.write_text("Floods swept through the valley. Hundreds of homes were damaged.")
    assert main(["classify", str(doc), "--model", "keyword", "--taxonomy", str(tax), "--format", "json"]) == 0
    assert _json_lines(capsys.readouterr().out)[0]["labels"] == ["flood"]
    KeywordClassifier(taxonomy=str(tax)).fit(["Floods hit.", "A drought."], [["flood"], ["drought"]]).save(tmp_path / "m")
    assert main(["classify", str(doc), "--model", str(tmp_path / "m"), "--format", "json"]) == 0
    assert _json_lines(capsys.readouterr().out)[0]["labels"] == ["flood"]


def test_errors_are_one_line_and_nonzero(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["classify", str(empty), "--model", "keyword"]) == 2
    assert "no documents" in capsys.readouterr().err
    assert main(["classify", str(SEED), "--model", "no_such_model"]) == 2
    assert "allowed" in capsys.readouterr().err
    assert main(["classify", str(SEED), "--model", "keyword", "--taxonomy", "nope"]) == 2
    assert "unknown taxonomy" in capsys.readouterr().err
    (tmp_path / "notsaved").mkdir()
    (tmp_path / "notsaved" / "x.txt").write_text("hello")
    assert main(["classify", str(SEED), "--model", str(tmp_path / "notsaved")]) == 2
    assert "newsml_classifier.json" in capsys.readouterr().err
