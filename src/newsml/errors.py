"""One error family for newsml.

Every error a user can cause derives from :class:`NewsmlError`. Messages name the file, line or
config key and say how to fix the problem; the CLI prints them as one line (no traceback unless
``--debug``).
"""

from __future__ import annotations


class NewsmlError(Exception):
    """Base class of all errors raised on purpose by newsml."""


class InputError(NewsmlError):
    """Bad input data: unreadable file, malformed record, missing column..."""


class ConfigError(NewsmlError):
    """A config file or component parameter is invalid (names the key and allowed values)."""


class RegistryError(ConfigError):
    """An unknown component name was asked for (names the allowed names)."""


class NotFittedError(NewsmlError):
    """A component that needs ``fit`` was used before it was fitted."""


class ModelLoadError(NewsmlError):
    """A model (encoder, checkpoint or saved newsml component) could not be loaded."""
