"""Bounded cost per document: the caps every summariser and classifier applies before scoring.

A document of any size must not take more than a bounded amount of memory or time: summarisers
build sentence graphs and similarity matrices whose size grows with the square of the sentence
count, and classifiers encode every sentence. So each component scores at most
``max_input_chars`` characters (the document is cut at a sentence or word boundary before it is
split) and, for summarisers, at most ``max_input_sentences`` sentences. The cut is never silent:
:func:`cut_text` returns a record of it, which ends up in ``Summary.truncated`` and in the
``truncated`` field of the CLI's JSON output, and the CLI counts cut documents on stderr.

The defaults keep a 50 MB document under 1 GB of peak memory for every summariser (measured by
``experiments/bench_limits.py``) while leaving ordinary news articles (a few thousand characters,
20 to 60 sentences) untouched.

Examples
--------
>>> text, cut = cut_text("One. Two. Three.", max_chars=9)
>>> text, cut["input_chars"], cut["scored_chars"]
('One. Two.', 16, 9)
>>> cut_text("Short.", max_chars=100)
('Short.', None)
"""

from __future__ import annotations

import re
from typing import Any

#: characters of a document a summariser splits and scores (about 30 pages of news copy)
DEFAULT_MAX_INPUT_CHARS = 200_000
#: sentences of a document a summariser scores (the sentence graph is at most this squared)
DEFAULT_MAX_INPUT_SENTENCES = 1_000
#: characters of a document a classifier scores
DEFAULT_CLASSIFIER_MAX_INPUT_CHARS = 200_000

_SENTENCE_END = re.compile(r"[.!?。！？।؟][\"'”’)\]]*(?=\s|$)|[。！？]|\n")


def cut_text(text: str, max_chars: int | None) -> tuple[str, dict[str, Any] | None]:
    """Cut ``text`` to at most ``max_chars`` characters at a sentence (else word) boundary.

    Parameters
    ----------
    text : str
        The document.
    max_chars : int or None
        The cap; None or 0 means no cap.

    Returns
    -------
    (str, dict or None)
        The (possibly cut) text and, when it was cut, ``{"reason": "max_input_chars",
        "input_chars": ..., "scored_chars": ..., "max_input_chars": max_chars}``.

    Examples
    --------
    >>> cut_text("Rain fell all day. Roads flooded.", 25)[0]
    'Rain fell all day.'
    >>> cut_text("abcdefghij", 4)[0]
    'abcd'
    """
    if not max_chars or len(text) <= max_chars:
        return text, None
    max_chars = int(max_chars)
    head = text[:max_chars]
    # prefer the last sentence end in the final 10% of the window, then the last whitespace
    floor = max(0, max_chars - max(200, max_chars // 10))
    end = None
    for m in _SENTENCE_END.finditer(head, floor):
        end = m.end()
    if end is None:
        space = max(head.rfind(" ", floor), head.rfind("\n", floor))
        end = space if space > 0 else max_chars
    cut = head[:end].rstrip()
    return cut, {"reason": "max_input_chars", "input_chars": len(text), "scored_chars": len(cut),
                 "max_input_chars": max_chars}


def check_cap(name: str, value: Any, where: str) -> int | None:
    """Validate a cap parameter: None (no cap) or a positive integer.

    >>> check_cap("max_input_chars", 10, "lead")
    10
    """
    from newsml.errors import ConfigError

    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where}: {name} must be a positive integer or None (no cap), got {value!r}")
    return value
