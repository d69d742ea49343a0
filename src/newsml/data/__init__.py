"""Preprocessing: raw documents -> cleaned, parsed, split ``datasets.DatasetDict`` with a manifest.

Importing this package is light: ``datasets``, ``pysbd``, ``trafilatura`` and ``datasketch`` load only
when a function needs them.

Examples
--------
>>> from newsml.data import parse_lead, split_sentences
>>> parse_lead("(Reuters) - Oil rose. Gas fell.").source
'Reuters'
>>> split_sentences("Gen. Musa spoke. Troops left.")
['Gen. Musa spoke.', 'Troops left.']
"""

from __future__ import annotations

from newsml.data.document import Document, ReadReport
from newsml.data.lead import Lead, parse_lead
from newsml.data.normalize import normalize_text
from newsml.data.prepare import load_dataset, prepare, read_clean_documents
from newsml.data.readers import read_documents
from newsml.data.recipes import list_recipes
from newsml.data.sentences import split_sentences

__all__ = ["Document", "ReadReport", "Lead", "read_documents", "split_sentences", "parse_lead", "prepare",
           "load_dataset", "normalize_text", "list_recipes", "read_clean_documents"]
