"""The ``news_events`` cue phrases follow GUIDELINE-style definitions (checked with the keyword tagger).

Each case is a sentence we wrote: the topic's cue must fire on the reported event and stay silent on
the look-alike that the definitions exclude (legal-sense "accused", an actor named without an attack,
a warning that threatens nothing, military aid, a suspect's surrender, ...).
"""

from __future__ import annotations

import pytest

import newsml
from newsml.classify.tagger import strong_cue_matcher
from newsml.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def kw():
    return newsml.get_classifier("keyword")


@pytest.mark.parametrize("topic, fires, silent", [
    ("accusation", "The junta accused the neighbouring government of arming the rebels.",
     "Police arrested eight people accused of running an extortion ring."),
    ("accusation", "Officials alleged that the army had tortured the detainees.",
     "The alleged ringleader was flown to the capital."),
    ("accusation", "The minister blamed the opposition for the unrest.",
     "She criticised the conservative-dominated judiciary in a speech."),
    ("threat", "Moscow threatened to cut gas supplies to its neighbour.",
     "Researchers warned of a flaw in most web browsers."),
    ("threat", "The rebels vowed revenge for the killing of their commander.",
     "The army retaliated on Friday, shelling the hills."),
    ("threat", "The group warned the government of dire consequences if the march was blocked.",
     "About 2,000 jobs are threatened by the spending cuts."),
    ("threat", "Nigeria will withdraw its troops from Chad unless a ceasefire is agreed.",
     "Nigeria withdrew its troops from Chad last week."),
    ("aid", "The donors pledged 40 million dollars in humanitarian aid for the flood victims.",
     "Washington suspended military aid to the government after the coup."),
    ("aid", "Relief supplies reached the quake-hit villages on Tuesday.",
     "The bank converted part of the commercial loans into bonds."),
    ("insurgent_attack", "Militants attacked a police post on the highway overnight.",
     "The rebels get their weapons from a wide range of sources."),
    ("military_defeat", "The offensive launched by the militants was repelled after heavy clashes.",
     "The alleged deserter is set to surrender to the authorities."),
    ("military_defeat", "The militia was routed near the border town.",
     "The convoy took the mountain route to the capital."),
    ("foreign_interference", "The rebels backed by the neighbouring state shelled the town.",
     "Germany expelled diplomats from 23 countries as the spy row escalated."),
    ("legal_action", "The court ruled that the ban was unlawful.",
     "He led the procession to the royal court of the old kingdom."),
    ("military_cooperation", "Washington approved 300 million dollars of military aid to Kyiv.",
     "The two countries suspended military aid after the coup."),
    ("military_cooperation", "NATO-led troops will stay in the country until the vote.",
     "Police seized the guns of an alleged arms dealer."),
    ("repression", "The government outlawed the largest opposition organisation.",
     "The government welcomed the largest opposition organisation to the talks."),
    ("repression", "Security forces arrested dozens of protesters outside parliament.",
     "Police arrested a man suspected of stealing cars."),
])
def test_cue_fires_on_the_event_not_on_the_look_alike(kw, topic, fires, silent):
    assert topic in kw.predict([fires])[0], fires
    assert topic not in kw.predict([silent])[0], silent


def test_specific_cues_are_phrases_or_patterns():
    tax = load_taxonomy("news_events")
    m = strong_cue_matcher(tax, ["diplomatic_rupture", "military_defeat"])
    W = m.weights(["Mali severed diplomatic relations with Ukraine.", "The troops retreated.",
                   "The army admitted heavy losses."])
    assert W[0, 0] > 0 and W[1].sum() == 0 and W[2, 1] > 0  # "retreat*" is a single word: not specific
