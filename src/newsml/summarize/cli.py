"""``newsml summarize``: summarise files or folders from the command line.

Examples
--------
$ newsml summarize seeds/ --method lead --max-sentences 2
$ newsml summarize article.txt --format json
{"id": "article", "summary": "...", "sentences": [0, 3, 4]}
$ newsml summarize long.txt --method seq2seq --model sshleifer/distilbart-cnn-12-6 --max-words 60
$ newsml summarize seeds/ --focus diplomatic_rupture
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from newsml.errors import InputError


def build_summarizer(method: str | None, model: str | None):
    """The summariser the CLI options ask for.

    ``--model`` is a saved summariser directory (loaded as is), a checkpoint for ``seq2seq`` (also
    chosen when ``--model`` is given without ``--method`` and is not a saved summariser), or the
    sentence encoder of the embedding methods.
    """
    import newsml
    from newsml.summarize import DEFAULT_SUMMARIZER
    from newsml.summarize.base import CONFIG_FILE, load_summarizer

    if model and (Path(model) / CONFIG_FILE).exists():
        return load_summarizer(model)
    if model and method is None:
        method = "seq2seq"
    method = method or DEFAULT_SUMMARIZER
    canonical = newsml.summarize.summarizers.canonical(method)
    if model:
        if canonical == "seq2seq":
            return newsml.get_summarizer("seq2seq", model_name=model)
        if canonical in ("centroid", "mmr"):
            return newsml.get_summarizer(canonical, encoder=model)
        if canonical == "supervised":
            return newsml.get_summarizer("supervised", pretrained=model)
        raise InputError(f"--model {model!r} does not apply to --method {method}: use it with seq2seq, "
                         "centroid, mmr, supervised, or give a saved summariser directory")
    return newsml.get_summarizer(canonical)


def cmd_summarize(args: argparse.Namespace) -> int:
    """Run ``newsml summarize`` (see :func:`newsml.cli.build_parser` for the options)."""
    from newsml.data import read_documents

    summarizer = build_summarizer(args.method, args.model)
    docs = list(read_documents(args.inputs))
    if not docs:
        raise InputError(f"no documents found in {', '.join(args.inputs)}")
    focus = [f.strip() for f in args.focus.split(",") if f.strip()] if getattr(args, "focus", None) else None
    summaries = summarizer.summarize(docs, max_sentences=args.max_sentences, max_words=args.max_words,
                                     focus=focus)
    for doc, s in zip(docs, summaries):
        if args.format == "json":
            print(json.dumps({"id": doc.id, "summary": s.text, "sentences": s.sentences}, ensure_ascii=False))
        else:
            print(f"== {doc.id} ({s.method}) ==")
            print(s.text)
            print()
    return 0
