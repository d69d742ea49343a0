"""The newsml version, in a module of its own so that any module can read it without importing the package.

Examples
--------
>>> from newsml._version import __version__
>>> __version__.count(".")
2
"""

__version__ = "0.1.0"
