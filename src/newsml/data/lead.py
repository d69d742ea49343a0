"""News-lead parsing: source, dateline and byline at the top of an article.

Recognised forms (at the very start of the text, possibly after a ``By ...`` line):

==========================================  ======================  =====================
lead                                        source                  dateline
==========================================  ======================  =====================
``Gambiaj.com – (BAMAKO, Mali) –``          ``Gambiaj.com``         ``BAMAKO, Mali``
``WASHINGTON (AP) —``                       ``AP``                  ``WASHINGTON``
``LONDON, March 3 (Reuters) -``             ``Reuters``             ``LONDON, March 3``
``(Reuters) -``                             ``Reuters``
``AFP -`` / ``Example.com - NAIROBI --``    ``AFP`` / ``Example.com``  / ``NAIROBI``
``KABUL, Afghanistan —`` / ``NEW DELHI:``                           ``KABUL, Afghanistan``
``By Jane Doe`` (its own line)              byline ``Jane Doe``
==========================================  ======================  =====================

The rules are deliberately strict so that ordinary first sentences are never eaten: a dateline is a
place in capitals (first word of three letters or more, no dots) followed by an en/em dash, ``--`` or
``:`` and a capitalised word, or by a short source in brackets; a bare source before a plain hyphen
must be a known agency or a web domain; a byline must be alone on its line.

Examples
--------
>>> lead = parse_lead("WASHINGTON (AP) — The Senate voted on Friday.")
>>> lead.source, lead.dateline, lead.body
('AP', 'WASHINGTON', 'The Senate voted on Friday.')
>>> parse_lead("The Senate voted on Friday.").source is None
True
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Lead", "parse_lead", "AGENCIES", "strip_boilerplate", "strip_lead", "is_page_furniture",
           "clean_first_sentence"]

AGENCIES = {
    "AP", "AFP", "Reuters", "REUTERS", "UPI", "Xinhua", "XINHUA", "PTI", "IANS", "ANI", "UNI", "Bloomberg",
    "CNN", "BBC", "TASS", "Tass", "dpa", "DPA", "EFE", "ANSA", "Anadolu", "AA", "Sputnik", "RIA Novosti",
    "Interfax", "Kyodo", "Yonhap", "Bernama", "Antara", "APA", "IRNA", "WAFA", "MENA", "SPA", "KUNA", "QNA",
    "NAN", "APS", "MAP", "KNA", "Lusa", "CP", "AAP", "NZPA", "PA", "Press Association", "Associated Press",
    "Agence France-Presse", "Agence France Presse", "ReutersHealth", "Reuters Health", "CBS", "NBC", "ABC",
    "Al Jazeera", "VOA", "RFE/RL", "NPR", "IPS", "Prensa Latina", "Notimex", "SAPA", "Sapa", "APP",
}
_DASH = r"(?:--|[-–—])"
_STRONG_DASH = r"(?:--|[–—])"
_DOMAIN = r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|info|news|co\.uk|co\.za|co\.ke|co\.in|com\.ng|africa|tv|fm|ng|gh|ke|in|pk|uk|us|eu|fr|de)"
_AGENCY_ALT = "|".join(sorted((re.escape(a) for a in AGENCIES), key=len, reverse=True))
_BARE_SOURCE = rf"(?:{_DOMAIN}|{_AGENCY_ALT})"
_CITY = r"(?:[A-Z][A-Z'-]{2,}(?:[ -][A-Z][A-Z'.-]*){0,3})"
_CITY_EXTRA = r"(?:,\s*[A-Z0-9][\w.'-]*(?:\s+[\w.'-]+){0,3})"
_DATELINE = rf"(?:{_CITY}{_CITY_EXTRA}{{0,3}})"
_PAREN_SOURCE = r"(?:[A-Z][\w.&'/-]*(?:\s+[A-Z][\w.&'/-]*){0,2})"
_NOT_DATELINE = {"UPDATE", "UPDATED", "UPDATES", "BREAKING", "EXCLUSIVE", "WARNING", "NOTE", "EDITORS",
                 "CORRECTION", "CORRECTED", "ANALYSIS", "OPINION", "FACTBOX", "COMMENT", "INTERVIEW",
                 "WATCH", "LIVE", "PHOTOS", "VIDEO", "REFILE", "FEATURE", "EDITORIAL", "URGENT", "FLASH",
                 "TEXT", "SOURCE", "SOURCES", "NEWS", "Q", "FAQ"}

# source – (DATELINE) –
_P_SOURCE_PAREN_DATELINE = re.compile(rf"^(?P<src>{_BARE_SOURCE}|{_PAREN_SOURCE})\s*{_DASH}\s*\((?P<dl>{_DATELINE})\)\s*{_DASH}\s*")
# DATELINE (Source) –
_P_DATELINE_PAREN_SOURCE = re.compile(rf"^(?P<dl>{_DATELINE})\s*\((?P<src>{_PAREN_SOURCE})\)\s*(?:{_DASH}|:)\s*")
# (Source) –
_P_PAREN_SOURCE = re.compile(rf"^\((?P<src>{_PAREN_SOURCE})\)\s*{_DASH}\s*")
# Source – DATELINE –   or   Source –
_P_BARE_SOURCE = re.compile(rf"^(?P<src>{_BARE_SOURCE})\s+{_DASH}\s+(?:(?P<dl>{_DATELINE})\s*{_STRONG_DASH}\s*)?(?=[\"A-Z0-9])")
# DATELINE —   /   DATELINE:
_P_DATELINE = re.compile(rf"^(?P<dl>{_DATELINE})\s*(?:{_STRONG_DASH}|:)\s*(?=[\"A-Z])")
# by-line alone on its line
_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|da|van|von|al|el|bin|ibn|la|le))*"
_P_BYLINE = re.compile(rf"^[Bb][Yy]:?[ \t]+(?P<by>{_NAME}(?:[ \t]*(?:,|and|&)[ \t]*{_NAME}){{0,4}})[ \t]*(?:\n+|$)")
_NOT_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
              "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "then", "now", "today", "tomorrow", "yesterday", "noon", "midnight"}
_P_LOWER_COLON = re.compile(r"^(?P<dl>[a-z][a-z .'-]{1,28}[a-z]):\s+(?=\S)")


class Lead(NamedTuple):
    """The parsed top of an article: ``source``, ``dateline``, ``byline`` (``None`` when absent) and
    the ``body`` with the lead removed."""

    source: str | None
    dateline: str | None
    byline: str | None
    body: str


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split()).strip(" ,")
    return value or None


def _dateline_ok(dl: str | None) -> bool:
    if dl is None:
        return True
    first = re.split(r"[ ,-]", dl, maxsplit=1)[0]
    return first.upper() not in _NOT_DATELINE and "." not in first


def _byline_ok(name: str, rest: str) -> bool:
    words = name.replace(",", " ").split()
    if not rest.strip() or rest.lstrip()[:1].islower():
        return False
    if words[0].lower() in _NOT_NAMES:
        return False
    return len(words) >= 2 or name in AGENCIES


def parse_lead(text: str, *, lowercase_datelines: bool = False) -> Lead:
    """Find and remove the source, dateline and byline at the start of ``text``.

    Parameters
    ----------
    text : str
        The article text (normalised or not).
    lowercase_datelines : bool, default False
        Also accept a lowercase place followed by a colon (``"lucknow: the committee..."``), as in
        lower-cased corpora. Off by default because it is ambiguous in ordinary text.

    Returns
    -------
    Lead
        ``Lead(source, dateline, byline, body)``; the body is the text with the lead removed (the text
        itself, stripped, when nothing was found).

    Examples
    --------
    >>> parse_lead("Gambiaj.com – (BAMAKO, Mali) – The junta spoke.")
    Lead(source='Gambiaj.com', dateline='BAMAKO, Mali', byline=None, body='The junta spoke.')
    >>> parse_lead("By Jane Doe\\nLONDON, March 3 (Reuters) - Shares fell.")
    Lead(source='Reuters', dateline='LONDON, March 3', byline='Jane Doe', body='Shares fell.')
    >>> parse_lead("By the end of the year, prices fell.").byline is None
    True
    """
    body = (text or "").lstrip()
    source = dateline = byline = None
    for _ in range(2):
        m = _P_BYLINE.match(body)
        if m and byline is None and _byline_ok(m.group("by"), body[m.end():]):
            byline = _clean(m.group("by"))
            body = body[m.end():].lstrip()
            continue
        if source is not None or dateline is not None:
            break
        for pattern in (_P_SOURCE_PAREN_DATELINE, _P_DATELINE_PAREN_SOURCE, _P_PAREN_SOURCE, _P_BARE_SOURCE,
                        _P_DATELINE):
            m = pattern.match(body)
            if not m:
                continue
            groups = m.groupdict()
            dl = groups.get("dl")
            if not _dateline_ok(dl):
                continue
            rest = body[m.end():]
            if not rest.strip():
                continue
            source, dateline = _clean(groups.get("src")), _clean(dl)
            body = rest.lstrip()
            break
        else:
            if lowercase_datelines:
                m = _P_LOWER_COLON.match(body)
                if m:
                    dateline = _clean(m.group("dl"))
                    body = body[m.end():].lstrip()
            if dateline is None and byline is None:
                break
    return Lead(source, dateline, byline, body.strip())


# --------------------------------------------------------------------------- page furniture
# What ``parse_lead`` deliberately leaves alone because it is not a source/dateline/byline line, but which
# must never open (or be part of) a summary: wire-copy openers in both the original and the PTB-tokenised,
# lower-cased form of CNN / Daily Mail ("(CNN)Share", "washington ( cnn ) --", "By . Daily Mail Reporter .",
# "PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: ...").
_SAFETY_DASH = r"(?:--|[-–—])"
_CAP_WORDS = r"[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3}"
_SAFETY_LEADS = [
    # "Gambiaj.com – (BAMAKO, Mali) – "
    re.compile(rf"^\s*[\w.\-]+\.(?:com|org|net|co\.uk|info)\s*{_SAFETY_DASH}\s*\([^)]{{2,60}}\)\s*{_SAFETY_DASH}\s*"),
    # "(CNN) -- ", "(Reuters) - ", "(CNN)Share"
    re.compile(rf"^\s*\((?:CNN|AP|AFP|Reuters|UPI|[A-Z]{{2,8}})\)\s*{_SAFETY_DASH}?\s*"),
    # "WASHINGTON (Reuters) - ", "BAMAKO, Mali (AP) — ", "LONDON, England (CNN) -- ", "PARIS - "
    re.compile(rf"^\s*[A-Z][A-Z .'\-]{{1,40}}(?:,\s*[A-Z][A-Za-z .'\-]{{1,40}}){{0,2}}\s*"
               rf"(?:\([A-Za-z .&'\-]{{2,40}}\)\s*)?{_SAFETY_DASH}\s+"),
    # mixed-case dateline before a glued or dashed wire tag: "Tokyo (CNN)Police ...", "Sanaa, Yemen (CNN) -- ",
    # "New York (CNN)\"We ..." (a plain "Apple (AAPL) shares" is left alone: no dash and not glued)
    re.compile(rf"^\s*{_CAP_WORDS}(?:,\s*{_CAP_WORDS}){{0,2}}"
               rf"\s*\((?:CNN|AP|AFP|Reuters|UPI|EW\.com|CNN Student News)\)(?:\s*{_SAFETY_DASH}\s*|(?=[\"“A-Z0-9]))"),
]
# tokenised lower-case wire openers: "( cnn ) -- ", "washington ( cnn ) -- ", "london , england -- ",
# "( ew.com ) -- ", "( cnn student news ) --"
_TOK_LEAD = re.compile(r"^\s*(?:[a-z][a-z.'\- ]{1,40}(?: , [a-z][a-z.'\- ]{1,40}){0,2} )?"
                       r"(?:\( [a-z0-9.&' ]{2,30} \) (?:-- )?|-- )")
_TOK_PAREN_ONLY = re.compile(r"^\s*\( [a-z0-9.&' ]{2,30} \) ")
_BYLINE_START = re.compile(r"^\s*By\s+(?:\.\s*)?(?:[A-Z][\w'’.\-]*\s*){1,5}(?:\.\s+|\s*[|,]\s*|$)")
# Daily Mail header, original or tokenised: "By . Name . [and . Name .] PUBLISHED: . ... | . UPDATED: . ... ."
_DM_NAME = r"[\w'’\-]+(?:\s+(?!and\b|for\b|in\b)[\w'’\-]+){0,5}"
_DM_BY = re.compile(rf"^\s*by\s*\.\s*{_DM_NAME}\s*(?:\.\s*)?(?:(?:and|&)\s*\.?\s*{_DM_NAME}\s*)?"
                    rf"(?:(?:for|in)\s+{_DM_NAME}\s*)?\.\s*", re.IGNORECASE)
_DM_STAMP = re.compile(r"^\s*(?:published\s*:\s*\.\s*[^|]{0,60}?\.\s*\|\s*\.\s*)?"
                       r"(?:updated\s*:\s*\.\s*[^.]{0,60}?\d{4}\s*\.\s*|last updated at [^.]{0,60}?\d{4}\s*\.\s*)",
                       re.IGNORECASE)
_FURNITURE = re.compile(
    r"(?:^|\s)(?:PUBLISHED|UPDATED|Last updated)\b\s*:?|^\s*(?:By\s*\.|Scroll down|Click here|READ MORE|"
    r"Follow @|Share this|Updated:|Published:)|^\s*\|\s*\.?\s*$",
    re.IGNORECASE,
)
_FURNITURE_START = re.compile(
    r"\s*(?:By\s*\.|Scroll down|Click here|READ MORE|Follow @|Share this|Updated:|Published:)|\s*\|\s*\.?\s*$",
    re.IGNORECASE,
)
# characters that IGNORECASE folds onto ASCII letters (KELVIN SIGN, long s, dotted/dotless i, ANGSTROM SIGN)
_CASE_FOLD_ODD = re.compile("[\u212a\u017f\u0130\u0131\u212b]")


def strip_boilerplate(text: str) -> str:
    """Remove CNN / Daily Mail page furniture from the start of an article (original or tokenised form).

    Handles ``By . Daily Mail Reporter .``, ``PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: ...``,
    ``(CNN) --``, ``(CNN)Share...`` (the glued form), ``washington ( cnn ) --`` and ``london , england --``
    (the tokenised lower-case form). Text that would be left almost empty is returned unchanged.

    Examples
    --------
    >>> strip_boilerplate("By . Daily Mail Reporter . PUBLISHED: . 14:11 EST, 25 October 2013 . | . "
    ...                   "UPDATED: . 14:11 EST, 25 October 2013 . A man was fined on Friday.")
    'A man was fined on Friday.'
    >>> strip_boilerplate("(CNN)Share, and your gift will be multiplied.")
    'Share, and your gift will be multiplied.'
    >>> strip_boilerplate("Lagos, Nigeria (CNN)The council met on Monday to discuss the budget.")
    'The council met on Monday to discuss the budget.'
    >>> strip_boilerplate("washington ( cnn ) -- the senate voted on tuesday .")
    'the senate voted on tuesday .'
    """
    original = text
    text = text.lstrip()
    m = _DM_BY.match(text)
    if m:
        text = text[m.end():]
    s = _DM_STAMP.match(text)
    if s:
        text = text[s.end():]
    for pat in (_TOK_LEAD, _TOK_PAREN_ONLY):
        t = pat.match(text)
        if t and not any(c.isupper() for c in text[:t.end()]):
            text = text[t.end():]
            break
    for pat in _SAFETY_LEADS:
        t = pat.match(text)
        if t and len(text) - t.end() > 20:
            text = text[t.end():]
            break
    return text if len(text.strip()) > 20 else original.strip()


def strip_lead(text: str) -> str:
    """Remove the news lead (source, dateline, byline) and page furniture from the start of ``text``.

    :func:`parse_lead` first, then :func:`strip_boilerplate` as a safety net.

    Examples
    --------
    >>> strip_lead("WASHINGTON (Reuters) - The Senate voted on Tuesday.")
    'The Senate voted on Tuesday.'
    >>> strip_lead("Gambiaj.com – (BAMAKO, Mali) – The junta cut ties with Kyiv on Sunday.")
    'The junta cut ties with Kyiv on Sunday.'
    """
    body = parse_lead(text).body
    if body:
        text = body
    return strip_boilerplate(text)


def is_page_furniture(sentence: str) -> bool:
    """True for a sentence that is page furniture (time stamps, bylines, "Scroll down for video").

    Examples
    --------
    >>> is_page_furniture("PUBLISHED: . 10:01 EST, 3 March 2014 .")
    True
    >>> is_page_furniture("The minister resigned on Monday.")
    False
    """
    low = sentence.lower()
    if "published" in low or "updated" in low or _CASE_FOLD_ODD.search(sentence):
        return bool(_FURNITURE.search(sentence))
    # without those words only the alternatives anchored at the start can match (same answer, faster)
    return bool(_FURNITURE_START.match(sentence))


def clean_first_sentence(sentence: str) -> str:
    """Strip a dateline, source or byline left at the start of an article's first sentence.

    Examples
    --------
    >>> clean_first_sentence("(CNN) -- The council met on Monday to discuss the budget.")
    'The council met on Monday to discuss the budget.'
    """
    stripped = strip_boilerplate(sentence)
    if stripped != sentence.strip():
        return stripped
    m = _BYLINE_START.match(sentence)
    if m and sentence.startswith("By") and len(sentence) - m.end() > 20 and "." in sentence[:m.end()]:
        return sentence[m.end():]
    return sentence
