"""Taxonomy loading and validation: built-ins, copies in configs/, and clear errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsml.errors import ConfigError
from newsml.taxonomy import compile_cue, list_taxonomies, load_taxonomy
from newsml.taxonomy.loader import DATA_DIR

REPO = Path(__file__).resolve().parents[2]
ISSUE_TOPICS = ["diplomatic_rupture", "diplomatic_protest", "accusation", "military_defeat", "armed_clash",
                "insurgent_attack", "foreign_interference", "military_cooperation", "sanctions", "legal_action",
                "peace_agreement", "protest", "threat", "repression", "consultation", "aid", "election", "coup"]


def test_builtins_listed_and_news_events_has_the_issue_topics():
    assert {"news_events", "plover"} <= set(list_taxonomies())
    tax = load_taxonomy()
    assert tax.name == "news_events"
    assert set(ISSUE_TOPICS) <= set(tax.ids)
    for t in tax:
        assert t.definition and t.name
        assert len(t.exemplars) >= 5, t.id
        assert len(t.cues) >= 5, t.id
        assert t.includes and t.excludes, t.id
        assert isinstance(t.plover, dict) and isinstance(t.cameo, tuple)
    assert tax["diplomatic_rupture"].plover["type"] == "SANCTION"
    assert "14" in tax["protest"].cameo
    assert len(tax.background) >= 20


def test_plover_taxonomy_has_the_16_event_types():
    tax = load_taxonomy("plover")
    assert len(tax) == 16
    assert {"ASSAULT", "PROTEST", "COERCE", "CONSULT", "AID", "SANCTION"} <= set(tax.ids)
    assert all(t.plover["type"] == t.id for t in tax)
    assert all(len(t.exemplars) >= 5 for t in tax)


@pytest.mark.shared("ngec_synthetic_plover/ngec_synthetic_plover.jsonl")
def test_plover_ids_equal_the_dataset_labels(shared_data):
    path = shared_data / "ngec_synthetic_plover" / "ngec_synthetic_plover.jsonl"
    labels = set()
    with path.open() as f:
        for line in f:
            labels.update(json.loads(line)["labels"])
    assert labels == set(load_taxonomy("plover").ids)


def test_one_copy_of_each_built_in_taxonomy():
    """The package data is the only copy: configs/ holds no duplicate YAML of a built-in taxonomy."""
    built_in = {p.name for p in DATA_DIR.glob("*.yaml")}
    assert {"news_events.yaml", "plover.yaml"} <= built_in
    copies = [p for p in (REPO / "configs").rglob("*.yaml") if p.name in built_in]
    assert copies == []


def test_load_by_path_and_passthrough(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text("name: mine\ntopics:\n  - id: floods\n    name: floods\n    definition: Rivers burst their banks.\n"
                 "    cues: [flood*]\n")
    tax = load_taxonomy(str(p))
    assert tax.ids == ["floods"] and tax.path.endswith("mine.yaml")
    assert load_taxonomy(tax) is tax


def _write(tmp_path, body: str) -> str:
    p = tmp_path / "bad_taxonomy.yaml"
    p.write_text(body)
    return str(p)


@pytest.mark.parametrize("body, key", [
    ("name: x\ntopics:\n  - id: a\n    name: A\n", "definition"),                      # missing key
    ("name: x\ntopics:\n  - id: a\n    name: A\n    definiton: typo\n", "definiton"),  # mistyped key
    ("name: x\ntopics:\n  - id: a\n    name: A\n    definition: d\n    cues: oops\n", "cues"),  # wrong type
    ("name: x\ntopics:\n  - id: a\n    name: A\n    definition: d\n  - id: a\n    name: B\n    definition: e\n",
     "duplicate"),
    ("name: x\ntopcs: []\n", "topcs"),
    ("topics:\n  - id: a\n    name: A\n    definition: d\n", "name"),
    ("name: x\ntopics:\n  - id: a\n    name: A\n    definition: d\n    cues: ['re:(unclosed']\n", "cues"),
    ("name: x\ntopics:\n  - id: a\n    name: A\n    definition: d\n    plover: {tpye: ASSAULT}\n", "plover.tpye"),
    ("name: x\ntopics:\n  - id: 9lives\n    name: A\n    definition: d\n", "id"),
])
def test_malformed_user_file_names_file_and_key(tmp_path, body, key):
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_taxonomy(path)
    msg = str(err.value)
    assert "bad_taxonomy.yaml" in msg
    assert key in msg


def test_error_names_the_line_of_the_bad_topic(tmp_path):
    path = _write(tmp_path, "name: x\ntopics:\n  - id: a\n    name: A\n    definition: d\n"
                            "  - id: b\n    name: B\n    definiton: typo\n")
    with pytest.raises(ConfigError, match=r"bad_taxonomy\.yaml:6: topics\[1\] \('b'\)"):
        load_taxonomy(path)


def test_invalid_yaml_and_unknown_name(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_taxonomy(_write(tmp_path, "name: [unclosed\n"))
    with pytest.raises(ConfigError, match="news_events"):
        load_taxonomy("no_such_taxonomy")
    with pytest.raises(ConfigError, match="does not exist"):
        load_taxonomy(str(tmp_path / "missing.yaml"))


def test_cue_syntax():
    assert compile_cue("expel* diplomat*").search("Kenya expelled diplomats")
    assert compile_cue("recall* ... ambassador").search("Rome recalled its top ambassador")
    assert not compile_cue("recall* ... ambassador").search("Rome recalled in a long speech on many other things the ambassador")
    assert not compile_cue("coup").search("a coupon")
    assert compile_cue("re:\\bcoups?\\b").search("two coups")
    assert compile_cue("cease-fire").search("the cease fire held")
