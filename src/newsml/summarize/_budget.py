"""Internal: length budgets and sentence selection shared by the summarisers.

``max_sentences``, ``max_words`` and ``ratio`` combine (the strictest wins). Extractive selection
takes sentences best first, skips near-duplicates (word Jaccard) and those that would overflow the
word budget, and returns the chosen ones in document order.

Examples
--------
>>> sentence_limit(20, None, None, None, default=3), sentence_limit(20, 4, None, 0.5, default=3)
(3, 4)
>>> select(["Rain fell.", "Rain fell again.", "Troops left the town."], [2, 0, 1], k=2, max_words=None,
...        dedup_threshold=0.5)
([0, 2], 'Rain fell. Troops left the town.')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsml.errors import ConfigError
from newsml.scripts import count_words, cut_words, join_sentences, words


def _or(value: Any, default: Any) -> Any:
    """``value``, or ``default`` where it is None (a parameter left at None means "the usual")."""
    return default if value is None else value


def check_limits(max_sentences, max_words, ratio) -> None:
    """Raise :class:`newsml.errors.ConfigError` for a negative limit or a ratio outside (0, 1]."""
    if max_sentences is not None and int(max_sentences) < 0:
        raise ConfigError(f"max_sentences must be >= 0, got {max_sentences}")
    if max_words is not None and int(max_words) < 0:
        raise ConfigError(f"max_words must be >= 0, got {max_words}")
    if ratio is not None and not 0 < float(ratio) <= 1:
        raise ConfigError(f"ratio must be in (0, 1], got {ratio}")


def sentence_limit(n: int, max_sentences: int | None, max_words: int | None, ratio: float | None,
                   default: int | None) -> int | None:
    """How many sentences a document of ``n`` may give (None: no sentence limit).

    ``default`` applies when no limit at all is given; ``ratio`` is a share of ``n`` (at least one).
    """
    k = max_sentences
    if k is None and max_words is None and ratio is None and default is not None:
        k = int(default)
    if ratio is not None:
        kr = max(1, int(round(ratio * n)))
        k = kr if k is None else min(k, kr)
    return k


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def select(sentences: Sequence[str], order: Sequence[int], k: int, max_words: int | None,
           dedup_threshold: float) -> tuple[list[int], str]:
    """``(chosen indices in document order, summary text)`` from candidates in ``order`` (best first).

    When not even the best sentence fits ``max_words`` it is cut at a word boundary.
    """
    chosen: list[int] = []
    chosen_words: list[set[str]] = []
    used = 0
    for i in order:
        if len(chosen) >= k:
            break
        wset = set(words(sentences[i]))
        if any(_jaccard(wset, c) >= dedup_threshold for c in chosen_words):
            continue
        length = count_words(sentences[i])
        if max_words is not None and used + length > max_words:
            continue
        chosen.append(i)
        chosen_words.append(wset)
        used += length
    if not chosen and k > 0 and max_words is not None and max_words > 0 and order:
        best = order[0]
        return [best], cut_words(sentences[best], max_words)
    chosen.sort()
    return chosen, join_sentences([sentences[i] for i in chosen])
