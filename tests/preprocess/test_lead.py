from __future__ import annotations

import pytest

from newsml.data.lead import parse_lead

POSITIVE = [
    ("Gambiaj.com \u2013 (BAMAKO, Mali) \u2013 The junta spoke.", "Gambiaj.com", "BAMAKO, Mali", None),
    ("WASHINGTON (AP) \u2014 The Senate voted on Friday.", "AP", "WASHINGTON", None),
    ("(Reuters) - Oil prices rose on Monday.", "Reuters", None, None),
    ("LONDON, March 3 (Reuters) - Shares fell sharply.", "Reuters", "LONDON, March 3", None),
    ("KABUL, Afghanistan (AFP) -- Ten people died.", "AFP", "KABUL, Afghanistan", None),
    ("BEIRUT, Lebanon, June 12, 2006 (AP) -- Jets struck.", "AP", "BEIRUT, Lebanon, June 12, 2006", None),
    ("AFP - Rebels seized the town.", "AFP", None, None),
    ("Example.com - TORONTO, Canada -- A team of engineers said.", "Example.com", "TORONTO, Canada", None),
    ("NEW DELHI: The government announced a plan.", None, "NEW DELHI", None),
    ("BAGHDAD \u2014 Car bombs killed 12 people.", None, "BAGHDAD", None),
    ("By Jane Doe\nThe storm hit the coast.", None, None, "Jane Doe"),
    ("By Jane Doe and John Roe\nNAIROBI, Kenya \u2014 Protesters marched.", None, "NAIROBI, Kenya",
     "Jane Doe and John Roe"),
]


@pytest.mark.parametrize("text,source,dateline,byline", POSITIVE)
def test_lead_forms(text, source, dateline, byline):
    lead = parse_lead(text)
    assert (lead.source, lead.dateline, lead.byline) == (source, dateline, byline)
    assert lead.body and text.endswith(lead.body) and len(lead.body) < len(text)
    assert lead.body[0].isupper()


NEGATIVE = [
    "The Senate voted on Friday.",
    "By the end of the year, prices had fallen.",
    "By Friday\nthe water had receded.",
    "WHO \u2014 the World Health Organization \u2014 said cases rose.",
    "U.S. - China talks resumed in Geneva.",
    "UPDATE: The minister resigned.",
    "NATO (North Atlantic Treaty Organization) - the alliance met.",
    "Iraq - the war continues.",
    "The AP (Associated Press) - reported it.",
    "Police in Lagos said - without evidence - that rebels did it.",
    "EU leaders met in Brussels \u2014 and agreed on a deal.",
    "IMF officials said on Tuesday that growth would slow.",
    "Reuters reported that the deal was off.",
    "AFP photographers were detained.",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_ordinary_first_sentences_are_kept(text):
    lead = parse_lead(text)
    assert (lead.source, lead.dateline, lead.byline) == (None, None, None)
    assert lead.body == text.strip()


def test_lowercase_colon_dateline_only_when_asked():
    text = "lucknow: the committee met on saturday."
    assert parse_lead(text).dateline is None
    lead = parse_lead(text, lowercase_datelines=True)
    assert lead.dateline == "lucknow" and lead.body == "the committee met on saturday."


def test_lead_alone_is_not_removed():
    assert parse_lead("WASHINGTON (AP) \u2014").body == "WASHINGTON (AP) \u2014"
