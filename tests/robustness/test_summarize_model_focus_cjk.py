"""Review findings on ``newsml summarize``: --model resolution, unknown --focus labels, CJK summaries."""

from __future__ import annotations

import json

import pytest

import newsml
from newsml.cli import main
from newsml.errors import InputError
from newsml.summarize.cli import build_summarizer

ARTICLE = ("Talks between the two governments collapsed on Monday. Both delegations left the capital. "
           "Officials said a new round could start next month. Markets fell after the news.")
# our own fixture sentences (Chinese, Japanese)
ZH = "谈判在周一破裂了。两国代表团都离开了首都。官员表示下个月可能重新开始。"
JA = "東京で大雨が降った。電車は一日中止まった。政府は住民に警報を出した。"


@pytest.fixture()
def article(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    return path


# ------------------------------------------------------------------ --model: saved folder or registered name
def test_model_is_a_saved_folder_or_a_registered_name(tmp_path, article, capsys):
    folder = newsml.get_summarizer("textrank", default_sentences=1).save(tmp_path / "tr")
    loaded = build_summarizer(None, str(folder))
    assert type(loaded).__name__ == "TextRankSummarizer" and loaded.default_sentences == 1
    assert type(build_summarizer(None, "lead")).__name__ == "LeadSummarizer"
    assert main(["summarize", str(article), "--model", "lead", "--max-sentences", "2", "--format", "json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["sentences"] == [0, 1]  # lead's choice (before, "lead" was taken for a seq2seq checkpoint)


def test_model_keeps_the_checkpoint_and_encoder_meanings(tmp_path):
    ckpt = tmp_path / "bart"  # a folder without a newsml config: a seq2seq checkpoint (nothing is loaded yet)
    ckpt.mkdir()
    s = build_summarizer(None, str(ckpt))
    assert type(s).__name__ == "Seq2SeqSummarizer" and s.model_name == str(ckpt)
    assert build_summarizer("centroid", "my-encoder").encoder == "my-encoder"
    assert build_summarizer("supervised", "news").pretrained == "news"
    with pytest.raises(InputError, match="does not apply to --method lead"):
        build_summarizer("lead", "x")


def test_a_saved_component_of_the_other_kind_names_the_right_command(tmp_path, article, capsys):
    clf = tmp_path / "clf"
    clf.mkdir()
    (clf / "newsml_classifier.json").write_text(json.dumps({"class": "newsml.classify.tfidf:TfidfClassifier"}))
    with pytest.raises(InputError, match="holds a saved classifier, not a summarizer.*newsml classify --model"):
        build_summarizer("lead", str(clf))
    summ = newsml.get_summarizer("lead").save(tmp_path / "lead")
    assert main(["classify", str(article), "--model", str(summ)]) == 2
    err = capsys.readouterr().err
    assert "holds a saved summarizer, not a classifier" in err and "newsml summarize --model" in err


# ------------------------------------------------------------------ --focus labels
def test_an_unknown_focus_label_is_an_error_naming_it_and_the_known_ones(article, capsys):
    assert main(["summarize", str(article), "--method", "lead", "--focus", "election,diplomatic_ruptur"]) == 2
    err = capsys.readouterr().err
    assert "'diplomatic_ruptur'" in err and "did you mean 'diplomatic_rupture'?" in err
    assert "known labels: " in err and "peace_agreement" in err and "sanctions" in err


def test_known_labels_and_free_text_queries_pass_the_check():
    from newsml.summarize.focus import check_focus_labels

    check_focus_labels(["election", "peace_agreement", "talks in the capital"], "--focus")
    with pytest.raises(InputError, match="'electoin'.*did you mean 'election'"):
        check_focus_labels(["electoin"], "--focus")


# ------------------------------------------------------------------ CJK summaries
@pytest.mark.parametrize("method", ["lead", "textrank"])
@pytest.mark.parametrize("text", [ZH, JA], ids=["zh", "ja"])
def test_cjk_sentences_are_joined_without_a_space(method, text):
    (summary,) = newsml.get_summarizer(method).summarize([text], max_sentences=2)
    sentences = [s + "。" for s in text.split("。") if s]
    assert len(summary.sentences) == 2
    assert summary.text == "".join(sentences[i] for i in summary.sentences)


def test_a_space_stays_between_latin_sentences_and_at_a_cjk_latin_boundary():
    from newsml.scripts import join_sentences

    assert join_sentences(["谈判破裂了。", "Talks failed.", "Both sides left."]) == "谈判破裂了。 Talks failed. Both sides left."
    (summary,) = newsml.get_summarizer("lead").summarize([ARTICLE], max_sentences=2)
    assert summary.text == "Talks between the two governments collapsed on Monday. Both delegations left the capital."
