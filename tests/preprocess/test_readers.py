from __future__ import annotations

import json

import pytest

from newsml.data.document import ReadReport
from newsml.data.readers import read_documents
from newsml.errors import InputError

ARTICLE = "ACCRA (NewsAgency) - Rain flooded the market on Monday. Traders lost stock worth $2.5m."


def _read(path, **kw):
    report = ReadReport()
    docs = list(read_documents(path, report=report, **kw))
    return docs, report


def test_txt_with_front_matter_and_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text("---\ntitle: Floods in Accra\ndate: 2024-05-01\nid: acc-1\nregion: west\n---\n"
                                    + ARTICLE + "\n", encoding="utf-8")
    (tmp_path / "a.annotations.yaml").write_text("labels: [flood, economy]\nsummary: Rain flooded a market.\n")
    (docs, report) = _read(tmp_path)
    assert len(docs) == 1
    d = docs[0]
    assert (d.id, d.title, d.date, d.labels, d.summary) == ("acc-1", "Floods in Accra", "2024-05-01",
                                                             ["flood", "economy"], "Rain flooded a market.")
    assert d.meta["region"] == "west" and d.meta["origin"] == "a.txt"
    assert d.text.startswith("ACCRA") and report.counts() == {"dropped": 0, "repaired": 0, "truncated": 0}


def test_txt_first_short_line_becomes_title_and_md_heading(tmp_path):
    (tmp_path / "b.txt").write_text("Floods hit Accra market\n\n" + ARTICLE, encoding="utf-8")
    (tmp_path / "c.md").write_text("# Storm warning\n\nThe agency issued a storm warning.", encoding="utf-8")
    docs = {d.id: d for d in _read(tmp_path)[0]}
    assert docs["b"].title == "Floods hit Accra market" and docs["b"].text.strip().startswith("ACCRA")
    assert docs["c"].title == "Storm warning" and docs["c"].text.strip() == "The agency issued a storm warning."


def test_jsonl_fields_labels_and_meta(tmp_path):
    f = tmp_path / "x.jsonl"
    rows = [{"id": "1", "text": "Rain fell.", "label": "weather", "split": "dev", "extra": 5},
            {"text": "Sun shone.", "labels": ["weather", "good"], "summary": "Sunny."}]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    docs, _ = _read(f)
    assert [d.id for d in docs] == ["1", "x-2"]
    assert docs[0].labels == ["weather"] and docs[0].meta["extra"] == 5 and docs[0].meta["split"] == "dev"
    assert docs[1].labels == ["weather", "good"] and docs[1].summary == "Sunny."
    assert docs[1].meta["origin"] == "x.jsonl:2"


def test_malformed_jsonl_line_skip_and_fail(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "One."}\n{"text": "Two.\n[1, 2]\n{"text": 3}\n{"text": "Five."}\n')
    docs, report = _read(f)
    assert [d.text for d in docs] == ["One.", "Five."]
    wheres = [e["where"] for e in report.dropped]
    assert wheres == [f"{f}:2", f"{f}:3", f"{f}:4"]
    assert "invalid JSON" in report.dropped[0]["reason"]
    with pytest.raises(InputError, match=r"bad\.jsonl:2"):
        _read(f, on_error="fail")


def test_missing_text_column_names_file_and_columns(tmp_path):
    f = tmp_path / "t.jsonl"
    f.write_text('{"headline": "A", "story_body": "B"}\n')
    with pytest.raises(InputError) as exc:
        _read(f)
    assert "t.jsonl" in str(exc.value) and "headline, story_body" in str(exc.value)
    assert [d.text for d in _read(f, text_field="story_body")[0]] == ["B"]
    with pytest.raises(InputError, match="no text column 'nope'"):
        _read(f, text_field="nope")


def test_json_list_and_wrapped(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"id": "a", "body": "First."}, {"id": "b", "body": "Second."}]))
    (tmp_path / "b.json").write_text(json.dumps({"articles": [{"id": "c", "content": "Third."}]}))
    assert [d.id for d in _read(tmp_path)[0]] == ["a", "b", "c"]


def test_csv_and_tsv(tmp_path):
    (tmp_path / "a.csv").write_text('id,title,text,labels\n1,T1,"Rain, then sun.",weather|climate\n'
                                    '2,T2,"Line one\nline two.","[""x""]"\n3,T3,too,many,fields\n')
    (tmp_path / "b.tsv").write_text("id\ttext\tlabel\n9\tTabbed text.\tnews\n")
    docs, report = _read(tmp_path)
    assert [(d.id, d.labels) for d in docs] == [("1", ["weather", "climate"]), ("2", ["x"]), ("9", ["news"])]
    assert docs[1].text == "Line one\nline two." and docs[0].title == "T1"
    assert report.dropped[0]["where"].endswith("a.csv:5") and docs[1].meta["origin"] == "a.csv:3"


def test_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": ["p1", "p2"], "article": ["Alpha text.", "Beta text."], "labels": [["a"], ["b", "c"]]})
    pq.write_table(table, tmp_path / "d.parquet")
    docs, _ = _read(tmp_path / "d.parquet")
    assert [(d.id, d.text, d.labels) for d in docs] == [("p1", "Alpha text.", ["a"]), ("p2", "Beta text.", ["b", "c"])]


def test_html_boilerplate_removed(tmp_path):
    body = " ".join(f"<p>Paragraph {i}: the council met again to discuss the water supply of the town and "
                    f"agreed on a new budget for repairs.</p>" for i in range(6))
    html = (f"<html><head><title>Water council meets</title></head><body><nav><a href='/'>Home</a> | "
            f"<a href='/x'>Subscribe to our newsletter</a></nav><article><h1>Water council meets</h1>{body}"
            f"</article><footer>Copyright 2024 Example Media. All rights reserved.</footer></body></html>")
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    docs, _ = _read(tmp_path)
    assert len(docs) == 1
    assert "Paragraph 0: the council met" in docs[0].text and "Paragraph 5" in docs[0].text
    assert "Subscribe" not in docs[0].text and "Copyright" not in docs[0].text
    assert docs[0].title == "Water council meets"


def test_saved_dataset_folder(tmp_path):
    from datasets import Dataset, DatasetDict

    DatasetDict({"train": Dataset.from_dict({"id": ["a"], "text": ["One."], "labels": [["x"]]}),
                 "test": Dataset.from_dict({"id": ["b"], "text": ["Two."], "labels": [[]]})}
                ).save_to_disk(str(tmp_path / "saved"))
    docs, _ = _read(tmp_path / "saved")
    assert sorted((d.id, d.meta["split"]) for d in docs) == [("a", "train"), ("b", "test")]


def test_bad_files_are_listed_not_lost(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("   \n\n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "latin.txt").write_bytes("Caf\u00e9 owners in G\u00f6teborg said prices rose by \u00a35.".encode("latin-1"))
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    docs, report = _read(tmp_path)
    assert [d.id for d in docs] == ["latin"]
    assert "Caf\u00e9" in docs[0].text and "\u00a35" in docs[0].text
    reasons = {e["where"].split("/")[-1]: e["reason"] for e in report.dropped}
    assert reasons["empty.txt"] == "empty file" and reasons["blank.txt"] == "empty document"
    assert reasons["binary.txt"].startswith("binary") and reasons["image.png"].startswith("unsupported")
    assert len(report.repaired) == 1 and report.repaired[0]["reason"].startswith("decoded as")


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_documents(tmp_path / "nope"))
