"""One error family for newsml.

Every error a user can cause derives from :class:`NewsmlError`, and also from the builtin exception a
Python user would expect there (as scikit-learn's ``NotFittedError`` is both a ``ValueError`` and an
``AttributeError``): code written against plain Python (``except ValueError``) keeps working, and
``except NewsmlError`` catches everything newsml raises on purpose. Messages name the file, line or
config key and say how to fix the problem; the CLI prints them as one line (no traceback unless
``--debug``).

========================= ===================================== =============================================
class                     also a                                raised for
========================= ===================================== =============================================
``InputError``            ``ValueError``                        bad input data or arguments
``InputTypeError``        ``InputError``, ``TypeError``         an argument of the wrong kind
``MissingInputError``     ``InputError``, ``FileNotFoundError`` a file or folder that does not exist
``ConfigError``           ``ValueError``                        an invalid config value or parameter
``UnknownKeyError``       ``KeyError``                          a lookup by a name that does not exist
``RegistryError``         ``ConfigError``, ``UnknownKeyError``  an unknown component name
``NotFittedError``        ``ValueError``, ``AttributeError``    a component used before ``fit``
``ModelLoadError``        ``OSError``                           a model or saved component that cannot load
========================= ===================================== =============================================

Examples
--------
>>> from newsml.errors import InputError, NewsmlError, RegistryError
>>> try:
...     raise RegistryError("unknown classifier 'tfidff'; allowed: keyword, tfidf")
... except KeyError as exc:       # a builtin handler catches it ...
...     print(isinstance(exc, NewsmlError), exc)   # ... and the message prints without quotes
True unknown classifier 'tfidff'; allowed: keyword, tfidf
>>> issubclass(InputError, ValueError)
True
"""

from __future__ import annotations


class NewsmlError(Exception):
    """Base class of all errors raised on purpose by newsml."""

    def __str__(self) -> str:  # KeyError would print its message in quotes
        return Exception.__str__(self)


class InputError(NewsmlError, ValueError):
    """Bad input data: unreadable file, malformed record, missing column, mismatched lengths..."""


class InputTypeError(InputError, TypeError):
    """An argument of the wrong kind (one string where a list of texts is expected...)."""


class MissingInputError(InputError, FileNotFoundError):
    """An input file or folder that does not exist."""


class ConfigError(NewsmlError, ValueError):
    """A config file or component parameter is invalid (names the key and allowed values)."""


class UnknownKeyError(NewsmlError, KeyError):
    """A lookup by a name that does not exist (a taxonomy topic, a dataset column...); names the allowed ones."""


class RegistryError(ConfigError, UnknownKeyError):
    """An unknown component name was asked for (names the allowed names)."""


class NotFittedError(NewsmlError, ValueError, AttributeError):
    """A component that needs ``fit`` was used before it was fitted."""


class ModelLoadError(NewsmlError, OSError):
    """A model (encoder, checkpoint or saved newsml component) could not be loaded."""


__all__ = ["ConfigError", "InputError", "InputTypeError", "MissingInputError", "ModelLoadError", "NewsmlError",
           "NotFittedError", "RegistryError", "UnknownKeyError"]
