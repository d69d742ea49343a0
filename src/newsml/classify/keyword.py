"""``keyword``: a transparent cue-phrase tagger built from a taxonomy.

Each sentence is matched against every topic's cue phrases (see :mod:`newsml.taxonomy.loader` for
the cue syntax). A match counts fully when the sentence asserts it, partly (``hedge_weight``) when
it is hedged, and not at all when it is negated:

* **negation**: a negator shortly before the cue ("did not", "no", "never", "denied", "rejected",
  "ruled out", ...) cancels the match: *"The ministry denied that it had expelled diplomats"*.
* **hedging / attribution of intent**: a modal or intention word before the cue ("could", "would",
  "may", "threatened to", "plans to", "called for", "if") turns the event into a possibility, so the
  match counts ``hedge_weight``: *"He threatened to cut ties"* is a threat, not yet a rupture.
  Claims attributed to a source ("X said", "according to", "allegedly") still count: news reports
  claims, and the evidence sentence shows who made them.

A document's score for a topic is ``1 - prod(1 - 0.6 * w_s)`` over its sentences' match weights
``w_s``, so one asserted sentence gives 0.6 (above the default threshold 0.5), two give 0.84, and
one hedged sentence alone stays below the threshold.

The classifier is usable without ``fit``: its classes are the taxonomy's topics. ``fit`` accepts
any labels; for labels that are not taxonomy topics it learns cue words from the training texts
(highest smoothed log-odds), so it also works as a plain keyword baseline on new label sets.

Examples
--------
>>> from newsml.classify.keyword import KeywordClassifier
>>> clf = KeywordClassifier()
>>> clf.predict(["Mali severed diplomatic relations with Ukraine on Sunday."])
[['diplomatic_rupture']]
>>> clf.predict(["The ministry denied that it had severed diplomatic relations."])
[[]]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from newsml.classify.base import BaseClassifier, split_sentences_for_evidence
from newsml.classify.taxonomy_based import TaxonomyBased
from newsml.taxonomy import compile_cue
from newsml.taxonomy.loader import parse_taxonomy

#: strength of one asserted matching sentence in the document score
SENTENCE_WEIGHT = 0.6

_NEGATORS = re.compile(
    r"\b(not|no|never|nor|neither|without|denie[sd]|deny|denying|rejected|rejects|rejecting|dismissed|"
    r"dismisses|refused|refuses|ruled out|rules out|false|unfounded|baseless|avoided|averted|"
    r"instead of|rather than)\b|n['’]t\b",
    re.IGNORECASE,
)
_HEDGES = re.compile(
    r"\b(could|would|might|may|if|unless|should|threaten\w*|warn\w*|vow\w*|plan\w*|intend\w*|consider\w*|"
    r"call\w* for|urg\w*|demand\w*|propos\w*|possible|possibly|risk\w*|prepared to|ready to|seek\w* to|"
    r"aim\w* to|hope\w*|want\w* to)\b",
    re.IGNORECASE,
)
_WINDOW_WORDS = 6
_TOKEN = re.compile(r"[a-z][a-z'’-]{2,}")


def _window_before(sentence: str, start: int, n_words: int = _WINDOW_WORDS) -> str:
    """The last ``n_words`` words before ``start`` (stopping at a clause break)."""
    left = sentence[:start]
    for sep in (";", ":", ",", " and ", " but ", " while ", " whereas ", " although "):
        k = left.rfind(sep)
        if k >= 0:
            left = left[k + len(sep):]
    words = left.split()
    return " ".join(words[-n_words:])


def match_weight(sentence: str, patterns: Sequence[re.Pattern], *, negation: bool = True,
                 hedging: bool = True, hedge_weight: float = 0.3) -> tuple[float, str | None]:
    """Best match weight of ``sentence`` for one topic and the cue text that matched.

    Returns ``(1.0, cue)`` for an asserted match, ``(hedge_weight, cue)`` for a hedged one,
    ``(0.0, None)`` when nothing matched or every match was negated.

    >>> w, cue = match_weight("They did not expel the diplomats.", [compile_cue("expel* ... diplomat*")])
    >>> w
    0.0
    """
    return _match_weight(sentence, patterns, patterns, negation, hedging, hedge_weight)


def _match_weight(sentence: str, candidates: Sequence[re.Pattern], patterns: Sequence[re.Pattern],
                  negation: bool, hedging: bool, hedge_weight: float) -> tuple[float, str | None]:
    """:func:`match_weight` scanning only ``candidates`` (in order): the topic's patterns that can match.

    ``patterns`` (all of the topic's patterns) is still what a hedge word is checked against.
    """
    best, best_cue = 0.0, None
    for pat in candidates:
        for m in pat.finditer(sentence):
            before = _window_before(sentence, m.start())
            if negation and _NEGATORS.search(before):
                continue
            w = 1.0
            if hedging and _HEDGES.search(before) and not any(p.search(before) for p in patterns):
                # a hedge that is itself a cue of this topic ("threatened to") does not hedge
                w = hedge_weight
            if w > best:
                best, best_cue = w, m.group(0)
            if best >= 1.0:
                return best, best_cue
    return best, best_cue


# ------------------------------------------------------------------------------ fast cue matching
def _required_literals(cue: str) -> list[str] | None:
    r"""Lower-case ASCII strings one of which every match of ``compile_cue(cue)`` contains (ignoring case).

    A plain cue has one (its longest word piece); an ``re:`` cue gets them from its parsed regex
    (:func:`_regex_literals`). ``None`` when there is no usable ASCII literal: such cues are always scanned.

    >>> _required_literals("expel* ... diplomat*"), _required_literals(r"re:\b(?:routed|routs)\b|\ba rout\b")
    (['diplomat'], ['a rout', 'rout'])
    >>> _required_literals(r"re:\w+\s\d") is None
    True
    """
    cue = cue.strip()
    if cue.startswith("re:"):
        return _regex_literals(cue[3:].strip())
    lit = _required_literal(cue)
    return None if lit is None else [lit]


def _regex_literals(pattern: str) -> list[str] | None:
    """Literals one of which occurs (lower-cased) in every match of ``pattern``, or None.

    Walks the parsed regex: runs of literal characters are required; a group is required when it
    is; an alternation is required when each branch has a required literal (any of them); a repeat
    is required when it must occur at least once. The run whose shortest literal is longest wins.
    """
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    c = sre_parse

    def best(options: list[set[str]]) -> set[str] | None:
        options = [o for o in options if o and all(len(x) >= 2 for x in o)]
        return max(options, key=lambda o: min(len(x) for x in o)) if options else None

    def walk(items) -> set[str] | None:
        options: list[set[str]] = []
        run: list[str] = []
        for op, av in items:
            if op is c.LITERAL and av < 128:
                run.append(chr(av).lower())
                continue
            if run:
                options.append({"".join(run)})
                run = []
            if op is c.SUBPATTERN:
                sub = walk(av[-1])
                if sub:
                    options.append(sub)
            elif op is c.BRANCH:
                alts = [walk(a) for a in av[1]]
                if all(alts):
                    options.append(set().union(*alts))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
                sub = walk(av[2])
                if sub:
                    options.append(sub)
        if run:
            options.append({"".join(run)})
        return best(options)

    found = walk(parsed)
    return sorted(found, key=lambda x: (-len(x), x)) if found else None


def _required_literal(cue: str) -> str | None:
    """The longest lower-case ASCII word piece of a plain (not ``re:``) cue, or None."""
    cue = cue.strip()
    pieces = []
    for tok in cue.split():
        if tok == "...":
            continue
        lit = tok[:-1] if tok.endswith("*") else tok
        # "-" compiles to an optional separator: each hyphen-free piece is matched literally
        pieces.extend(x for x in lit.split("-") if x and x.isascii())
    return max(pieces, key=len).lower() if pieces else None


#: the non-ASCII characters that a case-insensitive regex matches to an ASCII letter (dotted and
#: dotless i, long s, Kelvin sign) mapped to that letter: ``str.lower`` does not map them all
#: (``tests/classify/test_keyword.py`` recomputes this table from ``re`` itself)
_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


def _fold_table_from_re() -> dict[int, str]:
    """Recompute :data:`_FOLD` by asking ``re`` (slow: scans all of Unicode)."""
    chars = "".join(chr(i) for i in range(128, 0x110000) if not 0xD800 <= i < 0xE000)
    table: dict[int, str] = {}
    for a in "abcdefghijklmnopqrstuvwxyz":
        for m in re.finditer(a, chars, re.IGNORECASE):
            table[ord(m.group())] = a
    return table


def _fold(sentence: str) -> str:
    """Lower-cased ``sentence`` in which a cue's ASCII literal occurs whenever its regex can match."""
    if sentence.isascii():
        return sentence.lower()
    return sentence.translate(_FOLD).lower()


def _trie_regex(words: Sequence[str]) -> str:
    """A regex matching exactly ``words``, factored as a trie; at each position it matches the longest.

    >>> _trie_regex(["war", "warn", "aid"])
    '(?:aid|war(?:n)?)'
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not end else "(?:" + "|".join(alts) + ")"
        if end:  # longer literals first, then stop here
            body = (body if body.startswith("(?:") else "(?:" + body + ")") + "?"
        return body

    return build(trie)


class CueMatcher:
    """Match weights of sentences against many topics' cues at once (same results as :func:`match_weight`).

    Most sentences contain no cue at all. Every plain cue has a required literal (its longest word
    piece); one trie-shaped regex over all literals finds, in a single pass over the lower-cased
    sentence, every literal that occurs, and only the patterns whose literals occur are scanned in full.
    An ``re:`` cue is keyed by the literals its regex requires (one of them must occur,
    :func:`_regex_literals`); one with none is searched in every sentence.

    Parameters
    ----------
    cue_lists : sequence of sequence of str
        The cue phrases of each topic, in column order.

    Examples
    --------
    >>> m = CueMatcher([["expel* ... diplomat*"], ["coup*"]])
    >>> m.weights(["They expelled two diplomats.", "The weather was fine."])
    array([[1., 0.],
           [0., 0.]], dtype=float32)
    >>> m.match("They did not expel the diplomats.", 0)
    (0.0, None)
    """

    def __init__(self, cue_lists: Sequence[Sequence[str]]):
        self.cue_lists = [list(c) for c in cue_lists]
        self.patterns = [[compile_cue(c) for c in cues] for cues in self.cue_lists]
        by_literal: dict[str, list[tuple[int, int]]] = {}
        self._always: list[tuple[tuple[int, int], re.Pattern]] = []
        for j, cues in enumerate(self.cue_lists):
            for k, cue in enumerate(cues):
                lits = _required_literals(cue)
                if lits is None:
                    self._always.append(((j, k), self.patterns[j][k]))
                else:
                    for lit in lits:
                        by_literal.setdefault(lit, []).append((j, k))
        # every literal -> the patterns of it and of all literals that are its prefixes (see candidates)
        self._closure = {lit: sorted(jk for other, where in by_literal.items() if lit.startswith(other)
                                     for jk in where)
                         for lit in by_literal}
        self._literal_re = re.compile("(?=(" + _trie_regex(list(by_literal)) + "))") if by_literal else None

    def candidates(self, sentence: str) -> dict[int, list[re.Pattern]]:
        """Topic column -> its patterns (in cue order) that may match ``sentence``; other topics cannot."""
        hits = [jk for jk, pat in self._always if pat.search(sentence) is not None]
        if self._literal_re is not None:
            # at each position the trie regex finds the longest literal starting there; the other
            # literals starting there are its prefixes (``_closure``), so no occurrence is missed
            for lit in {m.group(1) for m in self._literal_re.finditer(_fold(sentence))}:
                hits.extend(self._closure[lit])
        if not hits:
            return {}
        by_topic: dict[int, list[int]] = {}
        for j, k in hits:
            by_topic.setdefault(j, []).append(k)
        return {j: [self.patterns[j][k] for k in sorted(set(ks))] for j, ks in by_topic.items()}

    def match(self, sentence: str, j: int, *, negation: bool = True, hedging: bool = True,
              hedge_weight: float = 0.3) -> tuple[float, str | None]:
        """:func:`match_weight` of ``sentence`` for topic column ``j``."""
        cand = self.candidates(sentence).get(j)
        if not cand:
            return 0.0, None
        return _match_weight(sentence, cand, self.patterns[j], negation, hedging, hedge_weight)

    def matches(self, sentence: str, *, negation: bool = True, hedging: bool = True,
                hedge_weight: float = 0.3) -> list[tuple[int, float, str | None]]:
        """``(column, weight, cue)`` for every topic with a non-zero weight, by column."""
        out = []
        for j, cand in sorted(self.candidates(sentence).items()):
            w, cue = _match_weight(sentence, cand, self.patterns[j], negation, hedging, hedge_weight)
            if w > 0:
                out.append((j, w, cue))
        return out

    def weights(self, sentences: Sequence[str], *, negation: bool = True, hedging: bool = True,
                hedge_weight: float = 0.3, dtype: Any = np.float32) -> np.ndarray:
        """Match weights ``(n_sentences, n_topics)`` as :func:`match_weight` gives them."""
        W = np.zeros((len(sentences), len(self.patterns)), dtype=dtype)
        for i, s in enumerate(sentences):
            for j, cand in self.candidates(s).items():
                W[i, j] = _match_weight(s, cand, self.patterns[j], negation, hedging, hedge_weight)[0]
        return W


@lru_cache(maxsize=32)
def _cached_matcher(key: tuple[tuple[str, ...], ...]) -> CueMatcher:
    return CueMatcher(key)


def cue_matcher(cue_lists: Sequence[Sequence[str]]) -> CueMatcher:
    """A :class:`CueMatcher` for these cue lists, built once per distinct content and reused.

    >>> cue_matcher([["coup*"]]) is cue_matcher([["coup*"]])
    True
    """
    return _cached_matcher(tuple(tuple(c) for c in cue_lists))


class KeywordClassifier(TaxonomyBased, BaseClassifier):
    """Cue-phrase tagger with negation and hedging handling (see module docs).

    Parameters
    ----------
    taxonomy : str
        Built-in taxonomy name or YAML path (its topics' ``cues`` are used).
    multi_label : bool
        Multi-label output (a list of topics per text, possibly empty). Default True.
    threshold : float
        Default decision threshold on the document score (0.5 = one asserted matching sentence).
    top_k : int or None
        Keep at most this many labels per text.
    negation : bool
        Cancel matches preceded by a negator.
    hedging : bool
        Down-weight matches preceded by a modal or intention word.
    hedge_weight : float
        Weight of a hedged match (1.0 = same as asserted).
    n_learned_cues : int
        Cue words learned per label in ``fit`` for labels that are not taxonomy topics.

    Attributes
    ----------
    classes_ : ndarray of str
    thresholds_ : ndarray of float
    cues_ : dict
        Label -> cue phrases in use (taxonomy cues or learned words).

    Examples
    --------
    >>> clf = KeywordClassifier(taxonomy="news_events")
    >>> ev = clf.explain("Talks failed. Rebels overran the army base and soldiers retreated.")
    >>> ev["military_defeat"][0].sentence
    'Rebels overran the army base and soldiers retreated.'
    """

    name = "keyword"

    def __init__(self, taxonomy: str = "news_events", multi_label: bool = True, threshold: float = 0.5,
                 top_k: int | None = None, negation: bool = True, hedging: bool = True,
                 hedge_weight: float = 0.3, n_learned_cues: int = 15):
        self.taxonomy = taxonomy
        self.multi_label = multi_label
        self.threshold = threshold
        self.top_k = top_k
        self.negation = negation
        self.hedging = hedging
        self.hedge_weight = hedge_weight
        self.n_learned_cues = n_learned_cues

    # ----------------------------------------------------------------- state
    def _default_state(self) -> None:
        tax = self._init_from_taxonomy()
        self.cues_ = {t.id: list(t.cues) for t in tax}
        self.prior_ = np.full(len(tax.ids), 1.0 / len(tax.ids))
        self.thresholds_ = self._initial_thresholds()

    def _fit(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        tax = self._taxonomy()
        self.taxonomy_ = tax
        self.cues_ = {}
        for j, label in enumerate(self.classes_):
            if label in tax and tax[label].cues:
                self.cues_[label] = list(tax[label].cues)
            else:
                self.cues_[label] = learn_cue_words(texts, Y[:, j] > 0, self.n_learned_cues)
        prior = Y.sum(axis=0) + 1.0
        self.prior_ = prior / prior.sum()

    # ---------------------------------------------------------------- scoring
    def _patterns(self) -> list[list[re.Pattern]]:
        return self._matcher().patterns

    def _matcher(self) -> CueMatcher:
        """The (cached) cue matcher for the current ``cues_`` and ``classes_``."""
        cues = self.cues_
        return cue_matcher([cues.get(lab, ()) for lab in self.classes_])

    def sentence_weights(self, sentences: Sequence[str]) -> np.ndarray:
        """Match weights ``(n_sentences, n_classes)`` in [0, 1] (1 = asserted cue match)."""
        self._check_fitted()
        return self._matcher().weights(sentences, negation=self.negation, hedging=self.hedging,
                                       hedge_weight=self.hedge_weight)

    def sentence_scores(self, sentences: list[str]) -> np.ndarray:
        return SENTENCE_WEIGHT * self.sentence_weights(sentences)

    def _predict_proba(self, texts: list[str]) -> np.ndarray:
        self._check_fitted()
        matcher = self._matcher()
        opts = {"negation": self.negation, "hedging": self.hedging, "hedge_weight": self.hedge_weight}
        out = np.zeros((len(texts), len(self.classes_)), dtype=np.float32)
        for i, text in enumerate(texts):
            sents = split_sentences_for_evidence(text) or [text]
            W = matcher.weights(sents, **opts)
            out[i] = 1.0 - np.prod(1.0 - SENTENCE_WEIGHT * W, axis=0)
        if not self.multi_label_:
            out = out + 1e-3 * np.asarray(self.prior_, dtype=np.float32)
            out = out / out.sum(axis=1, keepdims=True)
        return out

    def matches(self, text: str) -> list[dict[str, Any]]:
        """Every (sentence, label, cue, weight) match in ``text``, for inspection.

        >>> KeywordClassifier().matches("Officials said Paris recalled its ambassador.")[0]["cue"]
        'recalled its ambassador'
        """
        self._check_fitted()
        sents = split_sentences_for_evidence(text) or [text]
        matcher, classes = self._matcher(), self.classes_
        out = []
        for i, s in enumerate(sents):
            for j, w, cue in matcher.matches(s, negation=self.negation, hedging=self.hedging,
                                             hedge_weight=self.hedge_weight):
                out.append({"index": i, "sentence": s, "label": str(classes[j]), "cue": cue, "weight": w})
        return out

    # ------------------------------------------------------------------ save
    def _get_state(self, path):
        self._check_fitted()
        return ({"cues": self.cues_, "taxonomy": self.taxonomy_.to_dict()},
                {"prior": np.asarray(self.prior_, dtype=np.float64)})

    def _set_state(self, state, arrays, path):
        self.cues_ = {k: list(v) for k, v in state["cues"].items()}
        self.taxonomy_ = parse_taxonomy(state["taxonomy"], f"{path}/newsml_classifier.json:state.taxonomy")
        self.prior_ = arrays.get("prior", np.full(len(self.classes_), 1.0 / len(self.classes_)))


def learn_cue_words(texts: Sequence[str], positive: np.ndarray, n: int = 15) -> list[str]:
    """Words most typical of the positive texts (smoothed document-frequency log-odds).

    >>> learn_cue_words(["troops clashed", "troops fired", "shares rose"], np.array([1, 1, 0]), 1)
    ['troops']
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    pos, neg = Counter(), Counter()
    n_pos = int(np.sum(positive))
    n_neg = len(texts) - n_pos
    for text, p in zip(texts, positive):
        words = {w for w in _TOKEN.findall(text.lower()) if w not in ENGLISH_STOP_WORDS}
        (pos if p else neg).update(words)
    scored = []
    for w, c in pos.items():
        lo = math.log((c + 0.5) / (n_pos + 1)) - math.log((neg.get(w, 0) + 0.5) / (n_neg + 1))
        if lo > 0:
            scored.append((-lo, -c, w))
    return [w for _, _, w in sorted(scored)[:n]]
