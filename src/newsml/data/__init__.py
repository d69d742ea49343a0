"""Preprocessing: raw documents -> cleaned, parsed, split ``datasets.DatasetDict`` with a manifest."""
