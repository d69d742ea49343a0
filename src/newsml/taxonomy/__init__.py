"""Topic taxonomies: YAML files that define the topics newsml tags news with.

A taxonomy is a YAML file with a ``name``, a ``description`` and a list of ``topics``; each topic
has an ``id``, a ``name``, a ``definition`` written in plain words, what it ``includes`` and
``excludes``, ``cues`` (phrases for the keyword tagger), ``exemplars`` (short news-style sentences
for the zero-shot tagger), a ``plover`` mapping (event ``type``, ``mode``, ``context``) and
``cameo`` root codes, and the event types of labelled datasets that map onto it (``acled``: ACLED /
CASE 2021 sub-event types, ``satp``: SATP attack types, ``police``: India police-event types), which
the ``tagger`` learns from by distant supervision. An optional top-level ``background`` list holds sentences of news that is
*not* about any topic (sport, markets, culture...), which zero-shot taggers use as negative
prototypes.

Built-in taxonomies ship inside the package (``news_events``, the default, and ``plover``); a user
can pass the path of their own YAML file. Any problem in a file raises
:class:`~newsml.errors.ConfigError` naming the file, the topic and the key.

Examples
--------
>>> from newsml.taxonomy import load_taxonomy
>>> tax = load_taxonomy("news_events")
>>> "diplomatic_rupture" in tax.ids
True
>>> tax["diplomatic_rupture"].plover["type"]
'SANCTION'
"""

from __future__ import annotations

from newsml.taxonomy.loader import (
    Taxonomy,
    Topic,
    compile_cue,
    list_taxonomies,
    load_taxonomy,
    taxonomy_path,
)

__all__ = ["Taxonomy", "Topic", "compile_cue", "list_taxonomies", "load_taxonomy", "taxonomy_path"]
