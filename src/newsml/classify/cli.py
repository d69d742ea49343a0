"""``newsml classify``: tag files or folders of articles with topics.

The default model is the ``zero-shot`` tagger on the ``news_events`` taxonomy (no training data
needed). ``--model`` takes a registry name (``keyword``, ``zero-shot``, ``nli``...) or a directory
saved with ``clf.save(dir)``. ``--format json`` prints one JSON object per document::

    {"id": ..., "labels": [...], "scores": {label: p}, "evidence": {label: [sentence, ...]}}

``scores`` holds every class (highest first) so a user can apply other thresholds; ``evidence``
holds the best ``--evidence`` sentences for each predicted label.

Examples
--------
$ newsml classify seeds/ --format json
$ newsml classify articles/ --model keyword --format table
$ newsml classify story.txt --taxonomy my_topics.yaml
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsml.errors import InputError, NotFittedError

BATCH = 32


def build_model(model: str | None, taxonomy: str = "news_events"):
    """The classifier for ``--model``/``--taxonomy``: a saved directory, a registry name or the default."""
    import newsml
    from newsml.classify import classifiers
    from newsml.classify.base import CONFIG_FILE

    if model and Path(model).is_dir():
        if not (Path(model) / CONFIG_FILE).exists():
            raise InputError(f"--model {model}: folder has no {CONFIG_FILE}; save a classifier there with clf.save(dir)")
        return newsml.load_classifier(model)
    from newsml.classify import DEFAULT_CLASSIFIER

    name = model or DEFAULT_CLASSIFIER
    cls = classifiers.get_class(name)
    import inspect

    params = {"taxonomy": taxonomy} if "taxonomy" in inspect.signature(cls).parameters else {}
    return newsml.get_classifier(name, **params)


def iter_documents(inputs: list[str]) -> Iterator[tuple[str, str]]:
    """``(id, text)`` for every document under ``inputs`` (title prepended when it is not in the text)."""
    from newsml.data import read_clean_documents

    # cleaned text with the source/dateline/byline lead removed, as `newsml prepare` stores it
    for doc in read_clean_documents(inputs):
        text = doc.text or ""
        if doc.title and not text.lstrip().startswith(doc.title.strip()):
            text = f"{doc.title.strip()}\n{text}"
        yield str(doc.id), text


def classify_documents(clf, docs: list[tuple[str, str]], n_evidence: int = 2) -> list[dict[str, Any]]:
    """Records ``{"id","labels","scores","evidence"}`` for ``docs`` (a list of ``(id, text)``)."""
    texts = [t for _, t in docs]
    P = clf.predict_proba(texts)
    decided = clf.decide(P)
    out = []
    for (doc_id, text), row, labels in zip(docs, P, decided):
        labels = labels if isinstance(labels, list) else [labels]
        scores = {str(c): round(float(p), 4) for c, p in sorted(zip(clf.classes_, row), key=lambda x: -x[1])}
        evidence: dict[str, list[str]] = {}
        if labels and n_evidence > 0 and text.strip():
            ev = clf.explain(text, top_k=n_evidence, labels=labels)
            evidence = {lab: [e.sentence for e in items] for lab, items in ev.items()}
        out.append({"id": doc_id, "labels": labels, "scores": scores, "evidence": evidence})
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


def cmd_classify(args: argparse.Namespace) -> int:
    """Handler of ``newsml classify`` (arguments declared in :mod:`newsml.cli`)."""
    for path in args.inputs:  # fail on a missing input before loading any model
        if not path.startswith("hub:") and not Path(path).exists():
            raise InputError(f"{path}: no such file or folder")
    clf = build_model(args.model, args.taxonomy)
    try:
        clf.predict_proba(["warm-up."])
    except NotFittedError as exc:
        raise InputError(
            f"--model {args.model}: this classifier needs training data; fit it in Python "
            "(clf.fit(texts, labels); clf.save(dir)) and pass the saved folder to --model"
        ) from exc
    n = 0
    batch: list[tuple[str, str]] = []

    def flush() -> None:
        for rec in classify_documents(clf, batch, args.evidence):
            if args.format == "json":
                print(json.dumps(rec, ensure_ascii=False))
            else:
                print(format_table(rec))
        sys.stdout.flush()
        batch.clear()

    for doc in iter_documents(args.inputs):
        batch.append(doc)
        n += 1
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    if n == 0:
        raise InputError(f"no documents found in {', '.join(args.inputs)}")
    return 0
