"""Internal: turn summariser inputs into sentence lists within the per-document cost caps.

Sentences come from the data layer (:func:`newsml.data.article.split_document`); this module only
reads the inputs (strings, :class:`newsml.data.Document`-like objects, dicts), applies the
``max_input_chars``/``max_input_sentences`` caps (:mod:`newsml.limits`) and records what was cut.

Examples
--------
>>> docs = prepare_docs(["PARIS (AP) - Talks failed. Both sides left."], None, 1)
>>> docs[0].sentences, docs[0].cut["reason"]
(['Talks failed.'], 'max_input_sentences')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsml.data.article import split_document
from newsml.data.lead import clean_first_sentence
from newsml.errors import InputError
from newsml.limits import cut_text


@dataclass
class _Doc:
    """Internal: one document prepared for summarising."""

    sentences: list[str]
    title: str = ""
    paragraph_first: list[bool] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    cut: dict[str, Any] | None = None


def as_list(texts: Any) -> list[Any]:
    """``texts`` as a list; one bare string is an error (it would be summarised letter by letter)."""
    if isinstance(texts, str):
        raise InputError("summarize() expects a list of texts, got one string; wrap it in a list")
    return list(texts)


def _fields(t: Any, i: int) -> tuple[str, str, Any, Any]:
    """``(text, title, sentences, paragraph_first)`` of input ``i`` (a string, dict or Document-like)."""
    if isinstance(t, str):
        return t, "", None, None
    if t is None:
        return "", "", None, None
    if isinstance(t, dict):
        return t.get("text") or "", t.get("title") or "", t.get("sentences"), t.get("paragraph_first")
    if hasattr(t, "text"):
        return getattr(t, "text", "") or "", getattr(t, "title", "") or "", getattr(t, "sentences", None), None
    raise InputError(f"texts[{i}] is a {type(t).__name__}; pass strings or Document objects")


def prepare_docs(texts: Sequence[Any], max_chars: int | None, max_sents: int | None,
                 splitter: Callable[[str], list[str]] | None = None, limit: int | None = None) -> list[_Doc]:
    """One :class:`_Doc` per input, its sentences capped (``limit``: leading sentences the method needs)."""
    docs = []
    for i, t in enumerate(texts):
        text, title, sentences, firsts = _fields(t, i)
        if sentences:  # pre-split (a prepared Document): used as is
            sents = [str(s).strip() for s in sentences if str(s).strip()]
            if sents:
                sents[0] = clean_first_sentence(sents[0])
            if not (isinstance(firsts, (list, tuple)) and len(firsts) == len(sents)):
                firsts = [j == 0 for j in range(len(sents))]
            doc = _Doc(sents, str(title), [bool(f) for f in firsts])
            doc.cut = _cap_sentences(doc, max_chars, max_sents, None)
        else:
            text, cut = cut_text(str(text), max_chars)  # before splitting: the splitter is linear too
            # split one sentence past the cap (to know a cut happened), or only what the method needs
            split_limit = None if max_sents is None else max_sents + 1
            if limit is not None:
                split_limit = limit if split_limit is None else min(split_limit, limit)
            sents, firsts = split_document(text, splitter, split_limit)
            doc = _Doc(sents, str(title), firsts)
            stopped = split_limit is not None and len(sents) >= split_limit  # the rest was not split
            doc.cut = _cap_sentences(doc, None, max_sents, cut, total_known=not stopped, input_chars=len(text))
        docs.append(doc)
    return docs


def _cap_sentences(doc: _Doc, max_chars: int | None, max_sents: int | None,
                   cut: dict[str, Any] | None, total_known: bool = True,
                   input_chars: int | None = None) -> dict[str, Any] | None:
    """Keep the first sentences of ``doc`` within the caps (news puts its key facts first).

    ``max_chars`` is given for pre-split documents only (raw text was already cut by
    :func:`newsml.limits.cut_text`, whose record is ``cut``). Returns the record of what was cut, or None.
    """
    n = len(doc.sentences)
    keep = n
    reasons = [cut["reason"]] if cut else []
    if max_chars:
        used = 0
        for j, sent in enumerate(doc.sentences):
            used += len(sent) + (1 if j else 0)
            if used > max_chars and j > 0:
                keep = j
                reasons.append("max_input_chars")
                break
    if max_sents and keep > max_sents:
        keep = max_sents
        reasons.append("max_input_sentences")
    if not reasons:
        return None
    if cut:
        total_chars = cut["input_chars"]
    elif input_chars is not None:
        total_chars = input_chars
    else:
        total_chars = sum(len(x) for x in doc.sentences) + max(0, n - 1)
    del doc.sentences[keep:]
    del doc.paragraph_first[keep:]
    scored_chars = sum(len(x) for x in doc.sentences) + max(0, keep - 1)
    if cut and keep == n:
        scored_chars = cut["scored_chars"]
    return {"reason": "+".join(dict.fromkeys(reasons)), "input_chars": total_chars, "scored_chars": scored_chars,
            "input_sentences": n if total_known and not cut else None,  # unknown when not all was split
            "scored_sentences": keep, "max_input_chars": cut["max_input_chars"] if cut else max_chars,
            "max_input_sentences": max_sents}
