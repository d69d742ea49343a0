"""``newsml summarize``: summarise files or folders from the command line.

Every input is accounted for: documents are summarised in batches, an input the reader skips (empty,
binary, unreadable) or a document the summariser fails on is recorded and the rest of the batch
completes. stderr ends with ``N read, M skipped (reasons)``; ``--format json`` prints one record per
skipped input (``{"id", "source", "skipped": true, "error"}``) and adds ``truncated`` to the record
of a document cut to the per-document cost caps (``--max-input-chars``, ``--max-input-sentences``).

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
from typing import Any

from newsml import clitools
from newsml.errors import InputError, NewsmlError, RegistryError


def build_summarizer(method: str | None, model: str | None):
    """The summariser the CLI options ask for.

    ``--model`` is, as for ``newsml classify --model`` and ``newsml annotate``, a saved component folder
    (:func:`newsml.persistence.load_saved_folder`: a saved summariser is loaded as is, a saved classifier
    is an error saying so) or a registered summariser name (when there is no ``--method``); otherwise a
    checkpoint for ``seq2seq`` (chosen when there is no ``--method``), or the sentence encoder of the
    embedding methods. An unknown ``--method`` names the closest one.
    """
    import newsml
    from newsml.persistence import load_saved_folder, saved_kind
    from newsml.summarize import DEFAULT_SUMMARIZER

    registry = newsml.summarize.summarizers
    if model and saved_kind(model):
        return load_saved_folder(model, "summarizer", "--model")
    if model and method is None and model in registry.names():
        method, model = model, None
    if model and method is None:
        method = "seq2seq"
    method = method or DEFAULT_SUMMARIZER
    try:
        canonical = registry.canonical(method)
    except RegistryError as exc:
        raise RegistryError(f"--method: {exc}{clitools.did_you_mean(method, registry.names())}") from exc
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


def set_caps(component: Any, max_input_chars: int | None, max_input_sentences: int | None = None) -> None:
    """Apply ``--max-input-chars``/``--max-input-sentences`` (0 = no cap) to a summariser."""
    for key, value in (("max_input_chars", max_input_chars), ("max_input_sentences", max_input_sentences)):
        if value is None:
            continue
        if value < 0:
            raise InputError(f"--{key.replace('_', '-')} must be >= 0 (0: no cap), got {value}")
        setattr(component, key, value or None)


def summarize_isolated(summarizer, docs: list[Any], **limits: Any) -> list[Any]:
    """Summaries of ``docs``; a document the summariser fails on gets its exception instead.

    The batch is summarised in one call; if that fails, each document is summarised on its own so
    that one bad document costs only itself.
    """
    return clitools.one_by_one(lambda items: summarizer.summarize(items, **limits), docs, lambda doc, exc: exc)


def _same_failure(results: list[Any]) -> BaseException | None:
    """The error when every result is the same newsml error (a bad option or model, not a bad document)."""
    errors = [r for r in results if isinstance(r, BaseException)]
    if results and len(errors) == len(results) and isinstance(errors[0], NewsmlError) \
            and len({(type(e), str(e)) for e in errors}) == 1:
        return errors[0]
    return None


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "out of memory while summarising (lower --max-input-chars / --max-input-sentences)"
    if isinstance(exc, NewsmlError):
        return str(exc)
    return f"summariser failed: {type(exc).__name__}: {exc}"


def _check_lengths(args: argparse.Namespace) -> None:
    """``--max-sentences``/``--max-words`` below 1 would skip every document as "no sentences to summarise"."""
    for opt in ("max_sentences", "max_words"):
        if getattr(args, opt, None) is not None and getattr(args, opt) < 1:
            raise InputError(f"--{opt.replace('_', '-')}: must be at least 1, got {getattr(args, opt)}")


def cmd_summarize(args: argparse.Namespace) -> int:
    """Run ``newsml summarize`` (see :func:`newsml.cli.build_parser` for the options)."""
    from newsml.data import ReadReport, read_documents

    clitools.check_inputs(args.inputs)  # fail on a missing input before loading any model
    _check_lengths(args)
    focus = [f.strip() for f in args.focus.split(",") if f.strip()] if getattr(args, "focus", None) else None
    if focus:
        from newsml.summarize.focus import check_focus_labels

        check_focus_labels(focus, "--focus")
    summarizer = build_summarizer(args.method, args.model)
    set_caps(summarizer, getattr(args, "max_input_chars", None), getattr(args, "max_input_sentences", None))
    limits = {"max_sentences": args.max_sentences, "max_words": args.max_words, "focus": focus}
    log = clitools.BatchLog()
    report = ReadReport()
    as_json = args.format == "json"

    def handle(batch: list[Any]) -> None:
        results = summarize_isolated(summarizer, batch, **limits)
        if log.read == len(batch) + len(log.skipped) and (err := _same_failure(results)) is not None:
            raise err  # the first batch failed as a whole: the command is misconfigured
        for doc, res in zip(batch, results):
            _print_one(doc, res, log, as_json)

    clitools.run_batches(read_documents(args.inputs, report=report), handle, log, report, as_json=as_json)
    return clitools.finish("summarize", log, args.inputs, "summarised")


def _print_one(doc: Any, res: Any, log: clitools.BatchLog, as_json: bool) -> None:
    source = (getattr(doc, "meta", None) or {}).get("origin") or doc.id
    if isinstance(res, BaseException):
        rec = log.skip(source, _error_text(res), doc.id)
        _print_skip(rec, as_json)
        return
    if not res.text.strip():
        rec = log.skip(source, "no sentences to summarise", doc.id)
        _print_skip(rec, as_json)
        return
    if res.truncated:
        log.truncated += 1
    if as_json:
        rec = {"id": doc.id, "summary": res.text, "sentences": res.sentences}
        if res.truncated:
            rec["truncated"] = res.truncated
        clitools.emit_json(rec)
    else:
        clitools.emit(f"== {doc.id} ({res.method}) ==")
        clitools.emit(res.text)
        clitools.emit("")


def _print_skip(rec: dict[str, Any], as_json: bool) -> None:
    if as_json:
        clitools.emit_json(rec)
