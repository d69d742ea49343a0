"""``newsml classify``: tag files or folders of articles with topics.

The default model is the ``zero-shot`` tagger on the ``news_events`` taxonomy (no training data
needed). ``--model`` takes a registry name (``keyword``, ``zero-shot``, ``nli``...) or a directory
saved with ``clf.save(dir)``. ``--format json`` prints one JSON object per document::

    {"id": ..., "labels": [...], "scores": {label: p}, "evidence": {label: [sentence, ...]}}

``scores`` holds every class (highest first) so a user can apply other thresholds; ``evidence``
holds the best ``--evidence`` sentences for each predicted label. Two optional keys say when a
prediction deserves less trust: ``truncated`` (the text was longer than ``--max-input-chars`` and only
its beginning was scored) and ``language`` (the document is written in a script the classifier was
not trained on, e.g. Cyrillic text for an English model: its labels are unreliable, often empty).

Every input is accounted for: an input the reader skips (empty, binary, unreadable) or a document
the classifier fails on becomes ``{"id", "source", "skipped": true, "error"}`` in JSON output, the
rest of the batch completes, and stderr ends with ``N read, M skipped (reasons)``.

Examples
--------
$ newsml classify seeds/ --format json
$ newsml classify articles/ --model keyword --format table
$ newsml classify story.txt --taxonomy my_topics.yaml
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsml.clitools import (
    BatchLog,
    check_inputs,
    did_you_mean,
    emit,
    emit_json,
    finish,
    one_by_one,
    run_batches,
)
from newsml.errors import InputError, NewsmlError, NotFittedError, RegistryError


def build_model(model: str | None, taxonomy: str = "news_events"):
    """The classifier for ``--model``/``--taxonomy``: a saved directory, a registry name or the default."""
    import newsml
    from newsml.classify import DEFAULT_CLASSIFIER, classifiers
    from newsml.persistence import load_saved_folder

    if model and Path(model).is_dir():
        return load_saved_folder(model, "classifier", "--model")
    name = model or DEFAULT_CLASSIFIER
    try:
        cls = classifiers.get_class(name)
    except RegistryError as exc:
        hint = did_you_mean(name, classifiers.names())
        if not hint and ("/" in name or name.startswith(".")):
            hint = f" ({name} is not a folder either)"
        raise RegistryError(f"--model: {exc}{hint}") from exc
    import inspect

    params = {"taxonomy": taxonomy} if "taxonomy" in inspect.signature(cls).parameters else {}
    return newsml.get_classifier(name, **params)


def iter_documents(inputs: list[str], report=None, cuts: dict[str, dict[str, Any]] | None = None,
                   **options: Any) -> Iterator[tuple[str, str]]:
    """``(id, text)`` for every document under ``inputs`` (title prepended when it is not in the text).

    Skipped inputs (empty, binary, unreadable...) are listed in ``report`` (a :class:`newsml.data.ReadReport`);
    documents the reader cut to ``max_chars`` (an ``options`` key) are recorded in ``cuts`` by id.
    """
    from newsml.data import read_clean_documents

    # cleaned text with the source/dateline/byline lead removed, as `newsml prepare` stores it
    for doc in read_clean_documents(inputs, report=report, **options):
        if cuts is not None and doc.meta.get("truncated_from_chars"):
            cuts[str(doc.id)] = {"reason": "max_input_chars", "input_chars": int(doc.meta["truncated_from_chars"]),
                                 "scored_chars": len(doc.text or ""), "max_input_chars": options.get("max_chars")}
        text = doc.text or ""
        if doc.title and not text.lstrip().startswith(doc.title.strip()):
            text = f"{doc.title.strip()}\n{text}"
        yield str(doc.id), text


def classify_documents(clf, docs: list[tuple[str, str]], n_evidence: int = 2) -> list[dict[str, Any]]:
    """Records ``{"id","labels","scores","evidence"}`` for ``docs`` (a list of ``(id, text)``).

    A record gains ``truncated`` when the text was cut to the classifier's ``max_input_chars`` and
    ``language`` when its script is not one the classifier was trained on. The batch is classified in
    one call; if that fails, each document is classified on its own and a document that still fails
    gets ``{"id", "skipped": true, "error"}``: one bad document costs only itself.
    """
    def failed(doc: tuple[str, str], exc: BaseException) -> dict[str, Any]:
        reason = str(exc) if isinstance(exc, NewsmlError) else f"classifier failed: {type(exc).__name__}: {exc}"
        if isinstance(exc, MemoryError):
            reason = "out of memory while classifying (lower --max-input-chars)"
        return {"id": doc[0], "source": doc[0], "skipped": True, "error": reason}

    return one_by_one(lambda items: _classify_batch(clf, items, n_evidence), docs, failed)


def _classify_batch(clf, docs: list[tuple[str, str]], n_evidence: int) -> list[dict[str, Any]]:
    from newsml.scripts import dominant_script

    cuts = [clf.cap_text(t) for _, t in docs]
    texts = [t for t, _ in cuts]
    P = clf.predict_proba(texts)
    decided = clf.decide(P)
    trained = clf.trained_scripts()
    out = []
    for (doc_id, _), text, (_, cut), row, labels in zip(docs, texts, cuts, P, decided):
        labels = labels if isinstance(labels, list) else [labels]
        scores = {str(c): round(float(p), 4) for c, p in sorted(zip(clf.classes_, row), key=lambda x: -x[1])}
        evidence: dict[str, list[str]] = {}
        if labels and n_evidence > 0 and text.strip():
            ev = clf.explain(text, top_k=n_evidence, labels=labels)
            evidence = {lab: [e.sentence for e in items] for lab, items in ev.items()}
        rec: dict[str, Any] = {"id": doc_id, "labels": labels, "scores": scores, "evidence": evidence}
        if cut:
            rec["truncated"] = cut
        script = dominant_script(text)
        if script and script not in trained:
            rec["language"] = {"script": script, "trained_on": trained,
                               "note": f"the classifier was trained on {'/'.join(trained)}-script text; "
                                       f"labels for {script} text are unreliable"}
        out.append(rec)
    return out


def format_table(rec: dict[str, Any], width: int = 100) -> str:
    lines = [f"{rec['id']}"]
    if not rec["labels"]:
        lines.append("  (no topic)")
    for lab in rec["labels"]:
        lines.append(f"  {lab:<24} {rec['scores'].get(lab, 0.0):.2f}")
        for s in rec["evidence"].get(lab, []):
            s = s if len(s) <= width else s[: width - 3] + "..."
            lines.append(f"      - {s}")
    return "\n".join(lines)


def _ready_model(args: argparse.Namespace):
    """The classifier for the command line, checked before any document is read (inputs exist, it is fitted)."""
    check_inputs(args.inputs)  # fail on a missing input before loading any model
    if getattr(args, "evidence", 0) < 0:
        raise InputError(f"--evidence: must be 0 or more, got {args.evidence}")
    clf = build_model(args.model, args.taxonomy)
    cap = getattr(args, "max_input_chars", None)
    if cap is not None:
        if cap < 0:
            raise InputError(f"--max-input-chars must be >= 0 (0: no cap), got {cap}")
        clf.max_input_chars = cap or None
    try:
        clf.predict_proba(["warm-up."])
    except NotFittedError as exc:
        raise InputError(
            f"--model {args.model}: this classifier needs training data; fit it in Python "
            "(clf.fit(texts, labels); clf.save(dir)) and pass the saved folder to --model"
        ) from exc
    return clf


def _tally(rec: dict[str, Any], log: BatchLog, reader_cuts: dict[str, dict[str, Any]],
           other_script: dict[str, int]) -> None:
    """Count one output record: skipped, cut (by the reader or the classifier), or in another script."""
    if rec.get("skipped"):
        log.skipped.append(rec)
        return
    if str(rec["id"]) in reader_cuts:  # cut by the reader, which applies the same cap
        rec.setdefault("truncated", reader_cuts.pop(str(rec["id"])))
    if rec.get("truncated"):
        log.truncated += 1
    if rec.get("language"):
        script = rec["language"]["script"]
        other_script[script] = other_script.get(script, 0) + 1


def _warn_other_scripts(clf, other_script: dict[str, int]) -> None:
    """One stderr warning when documents are in a writing system the classifier was not trained on."""
    if not other_script:
        return
    scripts = ", ".join(f"{k}: {v}" for k, v in sorted(other_script.items()))
    trained = "/".join(clf.trained_scripts())
    print(f"newsml classify: warning: {sum(other_script.values())} document(s) are not in the {trained} script "
          f"the classifier was trained on ({scripts}); their labels are unreliable (see 'language' "
          "in --format json)", file=sys.stderr)


def cmd_classify(args: argparse.Namespace) -> int:
    """Handler of ``newsml classify`` (arguments declared in :mod:`newsml.cli`)."""
    from newsml.data import ReadReport

    clf = _ready_model(args)
    log = BatchLog()
    report = ReadReport()
    other_script: dict[str, int] = {}
    reader_cuts: dict[str, dict[str, Any]] = {}
    as_json = args.format == "json"

    def handle(batch: list[tuple[str, str]]) -> None:
        for rec in classify_documents(clf, batch, args.evidence):
            _tally(rec, log, reader_cuts, other_script)
            if as_json:
                emit_json(rec)
            elif not rec.get("skipped"):
                emit(format_table(rec))

    docs = iter_documents(args.inputs, report, reader_cuts, max_chars=clf.max_input_chars)
    run_batches(docs, handle, log, report, as_json=as_json)
    _warn_other_scripts(clf, other_script)
    return finish("classify", log, args.inputs, "classified")
