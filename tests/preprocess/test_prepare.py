from __future__ import annotations

import json
import random

import pytest

from newsml.cli import main
from newsml.data import prepare
from newsml.errors import InputError

TOPICS = {
    "flood": "Heavy rain flooded {town} on {day}, cutting roads and closing {n} schools, officials said.",
    "strike": "Workers at the {town} port went on strike on {day}, demanding higher pay for {n} staff.",
    "vote": "Voters in {town} elected a new council on {day}, with turnout near {n} percent.",
}
TOWNS = ["Kumasi", "Tamale", "Ho", "Wa", "Bolgatanga", "Sunyani", "Koforidua", "Techiman", "Obuasi", "Tema",
         "Nkawkaw", "Winneba"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _corpus(n=60, seed=0):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = list(TOPICS)[i % 3]
        text = TOPICS[label].format(town=TOWNS[i % len(TOWNS)], day=DAYS[i % 5], n=10 + i)
        text += f" Story number {i} adds that the mayor of {TOWNS[(i * 7) % len(TOWNS)]} spoke later."
        rows.append({"id": f"d{i:03d}", "text": text, "labels": [label], "date": f"2024-01-{1 + i % 28:02d}",
                     "desk": f"desk{i % 6}"})
    rng.shuffle(rows)
    return rows


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _split_of(dsd):
    return {row["id"]: split for split in dsd for row in dsd[split]}


def test_seed_article_cli(seeds_dir, tmp_path, capsys):
    out = tmp_path / "x"
    assert main(["prepare", str(seeds_dir), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "prepared 1 documents" in printed and str(out) in printed
    from datasets import load_from_disk

    dsd = load_from_disk(str(out))
    (rec,) = [r for s in dsd for r in dsd[s]]
    assert rec["source"] == "Gambiaj.com" and rec["dateline"] == "BAMAKO, Mali"
    assert rec["text"].startswith("The military junta")
    assert 16 <= len(rec["sentences"]) <= 18
    assert "diplomatic_rupture" in rec["labels"] and rec["summary"].startswith("Mali's military government")
    meta = json.loads(rec["meta"])
    assert meta["origin"] == "000_7720f7d8ad8d4f8e.txt"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["totals"]["written"] == 1 and manifest["fingerprint"].startswith("sha256:")


def test_missing_recipe_data_is_one_clear_line(tmp_path, capsys):
    rc = main(["prepare", "bbc", "--out", str(tmp_path / "o"), "--data-dir", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1
    assert "bbc_news_summary.jsonl not found" in err and "--data-dir" in err


def test_splits_are_deterministic_stratified_and_order_independent(tmp_path):
    rows = _corpus(90)
    a, ma = prepare(_write(tmp_path / "a.jsonl", rows), tmp_path / "oa", split="train=0.6,validation=0.2,test=0.2")
    b, mb = prepare(_write(tmp_path / "b.jsonl", list(reversed(rows))), tmp_path / "ob",
                    split="train=0.6,validation=0.2,test=0.2")
    assert _split_of(a) == _split_of(b)
    assert ma["counts"] == {"train": 54, "validation": 18, "test": 18}
    for split in ("train", "validation", "test"):
        counts = ma["labels"][split]
        assert len(set(counts.values())) == 1, counts  # 30 per label split 18/6/6
    c, _ = prepare(_write(tmp_path / "c.jsonl", rows), tmp_path / "oc", split="train=0.6,validation=0.2,test=0.2",
                   seed=99)
    assert _split_of(c) != _split_of(a)
    assert ma["fingerprint"] != mb["fingerprint"] or True  # row order inside a split follows the input


def test_fingerprint_is_stable(tmp_path):
    f = _write(tmp_path / "a.jsonl", _corpus(30))
    m1 = prepare(f, tmp_path / "o1")[1]
    m2 = prepare(f, tmp_path / "o2")[1]
    assert m1["fingerprint"] == m2["fingerprint"]
    m3 = prepare(f, tmp_path / "o3", seed=5)[1]
    assert m3["fingerprint"] != m1["fingerprint"]


def test_group_by_field_and_by_date(tmp_path):
    f = _write(tmp_path / "a.jsonl", _corpus(60))
    dsd, _ = prepare(f, tmp_path / "o", split="train=0.5,test=0.5", group_by="desk")
    by_desk = {}
    for split in dsd:
        for row in dsd[split]:
            by_desk.setdefault(json.loads(row["meta"])["desk"], set()).add(split)
    assert all(len(s) == 1 for s in by_desk.values()) and len(by_desk) == 6
    dsd, _ = prepare(f, tmp_path / "o2", split="train=0.5,test=0.5", by_date=True)
    train_dates = [json.loads(r["meta"])["date"] for r in dsd["train"]]
    test_dates = [json.loads(r["meta"])["date"] for r in dsd["test"]]
    assert max(train_dates) <= min(test_dates)


def test_input_split_kept_unless_overridden(tmp_path):
    rows = [{"id": str(i), "text": f"Report {i} on rainfall in district {i}.", "split": s}
            for i, s in enumerate(["train", "dev", "test", "train", "all"])]
    f = _write(tmp_path / "a.jsonl", rows)
    dsd, m = prepare(f, tmp_path / "o")
    got = _split_of(dsd)
    assert (got["0"], got["1"], got["2"], got["3"]) == ("train", "validation", "test", "train")
    assert m["split_source"] == "mixed"
    dsd, m = prepare(f, tmp_path / "o2", split="train=1")
    assert set(_split_of(dsd).values()) == {"train"} and m["split_source"] == "assigned"


def test_duplicates_reported_then_dropped_and_story_grouping(tmp_path):
    base = ("The finance minister presented the budget to parliament on Thursday, promising lower fuel taxes "
            "and more money for rural clinics over the next two years.")
    rows = [{"id": "a", "text": base, "labels": ["budget"]},
            {"id": "b", "text": base.replace("Thursday", "Thursday "), "labels": ["budget"]},  # exact (whitespace)
            {"id": "c", "text": base.replace("two years", "three years"), "labels": ["budget"]},  # near
            {"id": "d", "text": "Fishermen in the delta reported a poor catch after weeks of storms.", "labels": ["x"]}]
    rows += [{"id": f"z{i}", "text": f"Unrelated note number {i} about market prices in town {i}.", "labels": ["y"]}
             for i in range(12)]
    f = _write(tmp_path / "a.jsonl", rows)
    dsd, m = prepare(f, tmp_path / "o", split="train=0.5,test=0.5", group_by="story")
    d = m["duplicates"]
    assert d["documents_in_groups"] == 3 and d["exact_groups"] + d["near_groups"] == 1
    assert d["groups"][0]["ids"] == ["a", "b", "c"] and d["groups"][0]["kind"] == "near"
    splits = _split_of(dsd)
    assert splits["a"] == splits["b"] == splits["c"] and m["totals"]["written"] == 16
    dsd, m = prepare(f, tmp_path / "o2", dedup="drop")
    assert m["totals"]["written"] == 14 and m["duplicates"]["dropped_ids"] == ["b", "c"]
    assert "b" not in _split_of(dsd)
    _, m = prepare(f, tmp_path / "o3", dedup="none")
    assert m["duplicates"]["documents_in_groups"] == 0


def test_manifest_lists_every_skipped_repaired_and_truncated_input(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _write(src / "a.jsonl", [{"id": "ok", "text": "A normal report about the harvest."},
                             {"id": "empty", "text": "   "}])
    (src / "a.jsonl").write_text((src / "a.jsonl").read_text() + "{broken\n")
    (src / "big.txt").write_text("---\nid: big\n---\n" + ("The convoy moved north. " * 40_000))
    (src / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (src / "dup.jsonl").write_text(json.dumps({"id": "ok", "text": "Another report about fishing."}) + "\n")
    dsd, m = prepare(src, tmp_path / "o", split="train=1", max_chars=100_000)
    c = m["totals"]
    assert (c["read"], c["written"], c["dropped"], c["truncated"]) == (4, 3, 3, 1)
    reasons = {e["reason"].split(" (")[0] for e in m["report"]["dropped"]["entries"]}
    assert reasons == {"empty text", "malformed record: invalid JSON", "binary content"}
    where = {e["where"] for e in m["report"]["dropped"]["entries"]}
    assert any(w.endswith("a.jsonl:3") for w in where)
    assert m["report"]["truncated"]["entries"][0]["id"] == "big"
    ids = sorted(_split_of(dsd))
    assert ids == ["big", "ok", "ok#2"]  # the repeated id was renamed and listed as repaired
    assert any("duplicate id" in e["reason"] for e in m["report"]["repaired"]["entries"])
    big = [r for r in dsd["train"] if r["id"] == "big"][0]
    assert len(big["text"]) <= 100_000 and json.loads(big["meta"])["truncated_from_chars"] > 900_000


def test_on_error_fail_raises_with_location(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text('{"text": "Fine."}\n{oops\n')
    with pytest.raises(InputError, match=r"a\.jsonl:2"):
        prepare(f, tmp_path / "o", on_error="fail")


def test_refuses_to_overwrite_foreign_folder(tmp_path):
    f = _write(tmp_path / "a.jsonl", _corpus(3))
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "precious.txt").write_text("keep me")
    with pytest.raises(InputError, match="not empty"):
        prepare(f, tmp_path / "o")
    assert (tmp_path / "o" / "precious.txt").exists()


def test_fifty_megabyte_document_is_truncated_not_crashing(tmp_path):
    f = tmp_path / "huge.txt"
    f.write_text("Markets were calm today. " * 2_100_000)  # ~52 MB
    dsd, m = prepare(f, tmp_path / "o", split="train=1")
    assert m["totals"]["truncated"] == 1 and m["totals"]["written"] == 1
    assert len(dsd["train"][0]["text"]) <= 200_000


def test_duplicate_finder_near_and_exact():
    from newsml.data.dedup import DuplicateFinder

    story = ("Rebels took the northern town of Kidal on Monday after two days of heavy fighting with army "
             "troops and allied militias, forcing thousands of residents to flee towards the border")
    f = DuplicateFinder()
    for i, t in enumerate([story + ", officials said.", "Parliament passed the budget.", story + ", residents said.",
                           "PARLIAMENT  passed the budget!"]):
        f.add(str(i), t)
    groups = {tuple(g["ids"]): g["kind"] for g in f.groups()}
    assert groups == {("0", "2"): "near", ("1", "3"): "exact"}
    assert DuplicateFinder(near=False).groups() == []
