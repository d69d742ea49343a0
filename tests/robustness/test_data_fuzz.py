"""Hypothesis fuzzing of the data layer: readers on arbitrary bytes, ``normalize_text``, ``parse_lead`` and
``split_sentences``. Properties: no exception, idempotence where promised, no word lost up to the documented
normalisations. Example counts are kept small for CI (a few seconds in all)."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsml.data.document import ReadReport
from newsml.data.lead import parse_lead
from newsml.data.normalize import _CONTROL, _TRANSLATE, normalize_text
from newsml.data.readers import read_documents
from newsml.data.sentences import split_sentences

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# text that looks like news: words, capitals, punctuation, abbreviations, quotes, dashes, odd spaces, scripts
NEWSY = st.lists(st.sampled_from(
    list("abcdefghij ABCDEFG .,;:!?'\"()-\n\t") + ["Mr.", "U.S.", " (AP) ", " (Reuters) - ", "LONDON", " — ", "–",
                                                   "\u00a0", "\u201c", "\u201d", "\u2019", "\u200b", "\r\n", "3.5",
                                                   "Москва", "北京", "Αθήνα", "By ", "e\u0301", "\ufeff", "..."]),
    max_size=40).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=120), NEWSY)


def _word_chars(text: str) -> str:
    """The word characters of ``text`` in order (what must survive every documented normalisation)."""
    return "".join(re.findall(r"\w", text))


def _documented_chars(text: str) -> str:
    """``text`` after the character-level steps ``normalize_text`` documents (quotes, dashes, spaces,
    control and zero-width characters, NFC); whitespace and line joins are left to the test."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATE)
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


# ------------------------------------------------------------------------------------------ normalize_text
@FUZZ
@given(ANY_TEXT)
@example("a\u0085b")
@example("x-\nment and x-\nment")
def test_normalize_text_idempotent_and_keeps_every_word(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert _word_chars(once) == _word_chars(_documented_chars(text))


# ------------------------------------------------------------------------------------------ split_sentences
@FUZZ
@given(ANY_TEXT)
@example("Mr. Smith went to Washington. He said: \"No.\" Then left")
@example("a\n\nb")
def test_split_sentences_keeps_every_word(text):
    clean = normalize_text(text)
    sents = split_sentences(clean)
    assert all(s == s.strip() and s for s in sents)
    assert _word_chars("".join(sents)) == _word_chars(clean)
    assert split_sentences(" ".join(sents)) == split_sentences(" ".join(sents))  # deterministic


# ---------------------------------------------------------------------------------------------- parse_lead
@FUZZ
@given(ANY_TEXT)
@example("By Jane Doe\nLONDON, March 3 (Reuters) - Shares fell.")
@example("WASHINGTON (AP) — ")
def test_parse_lead_removes_only_the_lead(text):
    clean = normalize_text(text)
    lead = parse_lead(clean)
    # the body is the end of the text; what was cut is the lead, whose words are kept in its fields
    assert clean.strip().endswith(lead.body)
    cut = clean.strip()[: len(clean.strip()) - len(lead.body)]
    kept = " ".join(x for x in (lead.source, lead.dateline, lead.byline) if x)
    cut_words = [w for w in re.findall(r"\w+", cut) if w.lower() != "by"]  # "By" of a byline is dropped
    assert sorted(cut_words) == sorted(w for w in re.findall(r"\w+", kept))
    if not (lead.source or lead.dateline or lead.byline):
        assert lead.body == clean.strip()


# ------------------------------------------------------------------------------------------------ readers
def _read(suffix: str, data: bytes) -> tuple[list, ReadReport]:
    d = Path(tempfile.mkdtemp(prefix="newsml-fuzz-"))
    (d / f"input{suffix}").write_bytes(data)
    report = ReadReport()
    docs = list(read_documents(d, report=report))
    return docs, report


JSONL_BYTES = st.one_of(
    st.binary(max_size=200),
    st.lists(st.one_of(
        st.fixed_dictionaries({"id": st.text(max_size=5), "text": st.text(max_size=40)},
                              optional={"label": st.one_of(st.text(max_size=5), st.lists(st.text(max_size=5)),
                                                           st.integers(), st.none()),
                                        "summary": st.one_of(st.text(max_size=10), st.integers(), st.none())}),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
        st.just("not json"), st.just("[1, 2]"), st.just('{"text": 5}')), max_size=6)
    .map(lambda rows: "\n".join(r if isinstance(r, str) else __import__("json").dumps(r) for r in rows)
         .encode("utf-8")))


@FUZZ
@given(JSONL_BYTES)
def test_jsonl_reader_never_raises_and_accounts_for_every_line(data):
    docs, report = _read(".jsonl", data)
    assert all(isinstance(d.text, str) for d in docs)
    # every non-blank line is a document or a recorded skip (or the file as a whole was skipped)
    n_lines = sum(1 for line in data.decode("utf-8", "replace").splitlines() if line.strip())
    assert len(docs) + report.counts()["dropped"] >= min(1, n_lines)


CSV_BYTES = st.one_of(
    st.binary(max_size=200),
    st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8), min_size=1,
                      max_size=4), max_size=6)
    .map(lambda rows: ("id,text,label\n" + "\n".join(",".join(r) for r in rows)).encode("utf-8")))


@FUZZ
@given(CSV_BYTES)
def test_csv_reader_never_raises(data):
    docs, report = _read(".csv", data)
    assert all(isinstance(d.text, str) for d in docs)


@FUZZ
@given(st.one_of(st.binary(max_size=300), st.text(max_size=200).map(lambda t: t.encode("utf-8")),
                 st.text(max_size=100).map(lambda t: t.encode("utf-16-le")),
                 st.text(max_size=100).map(lambda t: ("---\n" + t + "\n---\nBody text.").encode("utf-8"))))
def test_text_reader_never_raises_and_keeps_the_text(data):
    docs, report = _read(".txt", data)
    assert len(docs) + report.counts()["dropped"] == 1
    if docs:
        assert docs[0].text.strip()
