"""Clean one document the way :func:`~newsml.data.prepare.prepare` stores it: cut, normalise, lead, sentences.

:func:`process_document` is the per-document step of ``prepare``; :func:`read_clean_documents` streams
documents from files through it without building a dataset (what ``newsml classify`` and the corpus
jobs read).
"""

from __future__ import annotations

from collections.abc import Iterator

from newsml.data.document import Document, ReadReport
from newsml.data.lead import parse_lead
from newsml.data.normalize import normalize_text, repair_run_on_sentences
from newsml.data.readers import read_documents
from newsml.data.sentences import split_sentences

__all__ = ["process_document", "read_clean_documents", "DEFAULT_MAX_CHARS"]

DEFAULT_MAX_CHARS = 200_000


def _truncate(text: str, max_chars: int) -> str:
    cut = text[:max_chars]
    space = cut.rfind(" ", max(0, max_chars - 1000))
    return cut[:space] if space > 0 else cut


def process_document(doc: Document, report: ReadReport, *, max_chars: int | None = DEFAULT_MAX_CHARS,
                     parse_leads: bool = True, lowercase_datelines: bool = False,
                     repair_summary: bool = False) -> Document | None:
    """Clean one document in place: truncate, normalise, parse the lead, split sentences.

    Returns ``None`` (and records why in ``report``) when nothing is left to keep.

    Examples
    --------
    >>> doc = process_document(Document(id="1", text="(Reuters) - Oil rose. Gas fell."), ReadReport())
    >>> doc.source, doc.sentences
    ('Reuters', ['Oil rose.', 'Gas fell.'])
    """
    origin = doc.meta.get("origin", "?")
    if not doc.text or not doc.text.strip():
        report.drop(origin, None, "empty text", doc.id)
        return None
    if max_chars and len(doc.text) > max_chars:
        n = len(doc.text)
        doc.text = _truncate(doc.text, max_chars)
        doc.meta["truncated_from_chars"] = n
        report.truncate(origin, None, f"text of {n} characters cut to {len(doc.text)} (max_chars={max_chars})",
                        doc.id)
    doc.text = normalize_text(doc.text)
    if doc.title:
        doc.title = normalize_text(doc.title, unwrap=True).replace("\n", " ") or None
    if doc.summary:
        doc.summary = normalize_text(doc.summary)
        if repair_summary:
            fixed, n = repair_run_on_sentences(doc.summary)
            if n:
                doc.summary = fixed
                report.repair(origin, None, f"summary: {n} missing spaces between sentences restored", doc.id)
    if parse_leads:
        lead = parse_lead(doc.text, lowercase_datelines=lowercase_datelines)
        doc.source = doc.source or lead.source
        doc.dateline = doc.dateline or lead.dateline
        doc.byline = doc.byline or lead.byline
        doc.text = lead.body
    if not doc.text:
        report.drop(origin, None, "no text left after removing the news lead", doc.id)
        return None
    doc.sentences = split_sentences(doc.text)
    return doc


def read_clean_documents(paths, *, text_field: str | None = None, on_error: str = "skip",
                         report: ReadReport | None = None, **options) -> Iterator[Document]:
    """Stream documents like :func:`~newsml.data.readers.read_documents`, cleaned and lead-parsed.

    Each yielded :class:`Document` has normalised ``text`` with the source/dateline/byline lead removed
    and ``sentences`` filled, exactly as :func:`prepare` stores them. Documents with nothing left to
    keep are skipped and counted in ``report``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("LONDON (Reuters) - Rain fell. Roads flooded.")
    >>> doc = next(read_clean_documents([d]))
    >>> doc.source, doc.dateline, doc.text
    ('Reuters', 'LONDON', 'Rain fell. Roads flooded.')
    """
    report = report if report is not None else ReadReport()
    for doc in read_documents(paths, text_field=text_field, on_error=on_error, report=report):
        clean = process_document(doc, report, **options)
        if clean is not None:
            yield clean
