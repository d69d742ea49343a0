"""Issue 11, item 4: summaries are non-empty for text in any script, and classifiers say when a script is foreign.

Before: ``_is_junk`` kept only ``[A-Za-z0-9]`` words, so every Russian, Arabic, Chinese, Greek or Hindi
sentence was dropped as junk and the summary was ``""`` (exit code 0). The texts below are our own.
"""

from __future__ import annotations

import json

import pytest

import newsml
from newsml.cli import main
from newsml.data.article import _is_sentence
from newsml.summarize.base import split_document, words


def _is_junk(sentence: str) -> bool:  # the data layer's sentence filter, negated
    return not _is_sentence(sentence)

TEXTS = {
    "russian": ("Москва объявила о новых санкциях против соседней страны. Переговоры в столице сорвались "
                "во вторник вечером. Рынки упали после этого заявления."),
    "arabic": ("أعلنت الحكومة فرض عقوبات جديدة على البلد المجاور. انهارت المفاوضات في العاصمة مساء الثلاثاء. "
               "تراجعت الأسواق بعد هذا الإعلان."),
    "chinese": "政府宣布对邻国实施新的制裁措施。首都的谈判在周二晚上破裂。声明发布后市场下跌。",
    "greek": ("Η κυβέρνηση ανακοίνωσε νέες κυρώσεις κατά της γειτονικής χώρας. Οι συνομιλίες στην πρωτεύουσα "
              "κατέρρευσαν την Τρίτη. Οι αγορές έπεσαν μετά την ανακοίνωση."),
    "hindi": ("सरकार ने पड़ोसी देश पर नए प्रतिबंधों की घोषणा की। राजधानी में वार्ता मंगलवार शाम विफल रही। "
              "इस घोषणा के बाद बाजार गिर गए।"),
}
EXTRACTIVE = ["lead", "textrank", "lexrank", "supervised", "centroid", "mmr"]


@pytest.mark.parametrize("lang", sorted(TEXTS))
@pytest.mark.parametrize("method", EXTRACTIVE)
def test_every_summariser_gives_a_non_empty_summary(method, lang):
    text = TEXTS[lang]
    s = newsml.get_summarizer(method).summarize([text], max_sentences=1)[0]
    assert s.text, f"{method} gave an empty summary for {lang}"
    assert len(s.sentences) == 1 and s.text in text
    assert len(s.scores) == 3  # the text was split into its 3 sentences, none dropped as junk


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_sentences_and_words_of_any_script(lang):
    sentences, _ = split_document(TEXTS[lang])
    assert len(sentences) == 3 and "".join(sentences).replace(" ", "") == TEXTS[lang].replace(" ", "")
    assert not any(_is_junk(s) for s in sentences)
    assert all(len(words(s)) >= 4 for s in sentences)


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_word_budget_counts_words_of_any_script(lang):
    s = newsml.get_summarizer("lead").summarize([TEXTS[lang]], max_words=4)[0]
    assert s.text and len(words(s.text)) <= 4 and s.text.replace(" ", "") in TEXTS[lang].replace(" ", "")


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_seq2seq_input_is_not_dropped(lang):
    s2s = newsml.get_summarizer("seq2seq", model_name="not-loaded")  # preparing the input loads no model
    doc = s2s._prepare([TEXTS[lang]])[0]  # the sentences the model is given to generate from
    assert len(doc.sentences) == 3


@pytest.mark.parametrize("sentence", ["Переговоры сорваны.", "谈判破裂了。", "वार्ता विफल रही।",
                                      "انهارت المفاوضات.", "Οι συνομιλίες κατέρρευσαν."])
def test_is_junk_keeps_sentences_of_any_script(sentence):
    assert not _is_junk(sentence)


@pytest.mark.parametrize("sentence", ["Ναι.", "Hello.", "PUBLISHED: 10:01 EST, 3 March 2014"])
def test_is_junk_still_drops_one_word_and_page_furniture(sentence):  # a guard, not a reproduction
    assert _is_junk(sentence)


def test_one_word_lines_still_give_a_summary():
    assert newsml.get_summarizer("textrank").summarize(["Breaking.\nUpdate."], max_sentences=1)[0].text == "Breaking."


@pytest.mark.parametrize("lang,script", [("russian", "Cyrillic"), ("arabic", "Arabic"), ("chinese", "Han"),
                                         ("greek", "Greek"), ("hindi", "Devanagari")])
def test_english_classifier_says_so_for_other_scripts(lang, script, tmp_path, capsys):
    (tmp_path / f"{lang}.txt").write_text(TEXTS[lang], encoding="utf-8")
    (tmp_path / "english.txt").write_text("Troops shelled the town on Monday. Residents fled.")
    assert main(["classify", str(tmp_path), "--model", "keyword", "--format", "json"]) == 0
    captured = capsys.readouterr()
    recs = {r["id"]: r for r in map(json.loads, captured.out.splitlines())}
    assert recs[lang]["language"]["script"] == script and recs[lang]["language"]["trained_on"] == ["Latin"]
    assert "language" not in recs["english"]
    assert "warning: 1 document(s) are not in the Latin script" in captured.err and f"{script}: 1" in captured.err


def test_classifier_trained_on_cyrillic_text_records_its_script(tmp_path):
    texts = ["Войска обстреляли город.", "Рынки выросли в понедельник.", "Армия отступила из города.",
             "Цены на нефть выросли."] * 3
    labels = ["war", "markets", "war", "markets"] * 3
    clf = newsml.get_classifier("tfidf").fit(texts, labels)
    assert clf.trained_scripts() == ["Cyrillic"]
    assert newsml.load_classifier(clf.save(tmp_path / "ru")).trained_scripts() == ["Cyrillic"]
