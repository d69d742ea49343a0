from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsml.cli import main
from newsml.data import load_dataset, prepare
from newsml.data.recipes import list_recipes, shared_data_dir


def test_recipe_names():
    assert list_recipes() == ["bbc", "ag_news", "reuters21578", "xsum", "cameo", "case2021", "satp",
                              "india_police", "ngec_plover", "cnn_dailymail"]


def test_shared_data_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSML_DATA_DIR", str(tmp_path))
    assert shared_data_dir() == tmp_path
    assert shared_data_dir("/elsewhere") == Path("/elsewhere")


@pytest.mark.shared
@pytest.mark.parametrize("name", ["bbc", "ag_news", "reuters21578", "xsum", "cameo", "case2021", "satp",
                                  "india_police", "ngec_plover", "cnn_dailymail"])
def test_recipe_small_sample(name, tmp_path, shared_data):
    dsd, m = prepare(name, tmp_path / name, data_dir=str(shared_data), limit=25)
    assert m["recipe"] == name and m["totals"]["read"] == 25
    rows = [r for s in dsd for r in dsd[s]]
    assert len(rows) == m["totals"]["written"] >= 24
    assert all(r["text"] and r["sentences"] for r in rows)
    if name not in ("xsum", "reuters21578", "india_police", "cnn_dailymail"):  # unlabelled documents
        assert all(r["labels"] for r in rows)
    if name in ("bbc", "xsum", "cnn_dailymail"):
        assert all(r["summary"] for r in rows)


@pytest.mark.shared
def test_bbc_specifics(tmp_path, shared_data):
    dsd, m = prepare("bbc", tmp_path / "o", data_dir=str(shared_data), limit=20)
    rows = [r for s in dsd for r in dsd[s]]
    first = next(r for r in rows if r["id"] == "business/001")
    assert first["title"] and not first["text"].startswith(first["title"])
    # summaries: the missing spaces between sentences are restored and counted
    assert all(r["summary"] for r in rows)
    assert not any(".For " not in r["summary"] and ".For" in r["summary"] for r in rows)
    assert m["report"]["repaired"]["reasons"].get("summary", 0) >= 15
    assert m["split_source"] == "assigned"  # the 'all' split field counts as absent


@pytest.mark.shared
def test_reuters_modapte_split_and_title(shared_data):
    dsd = load_dataset("reuters21578", data_dir=str(shared_data), limit=60)
    assert set(dsd) == {"train"}  # the file starts with ModApte training stories
    row = dsd["train"][0]
    assert row["title"] and row["title"].isupper() and not row["text"].rstrip().endswith("Reuter")
    assert "\n" not in row["text"].split("\n\n")[0] or len(row["sentences"]) > 1


@pytest.mark.shared
def test_india_police_date_and_mojibake(tmp_path, shared_data):
    dsd, m = prepare("india_police", tmp_path / "o", data_dir=str(shared_data), limit=40)
    rows = [r for s in dsd for r in dsd[s]]
    metas = [json.loads(r["meta"]) for r in rows]
    assert sum(1 for x in metas if x.get("date", "").startswith("2002-")) >= 20
    assert not any("\u00e2\u20ac" in r["text"] for r in rows)
    assert sum(1 for r in rows if r["dateline"]) >= 20


@pytest.mark.shared
def test_cli_recipe(tmp_path, capsys, shared_data):
    assert main(["prepare", "cameo", "--out", str(tmp_path / "c"), "--data-dir", str(shared_data), "--limit", "30"]) == 0
    assert "prepared 30 documents" in capsys.readouterr().out
    assert (tmp_path / "c" / "manifest.json").is_file()
