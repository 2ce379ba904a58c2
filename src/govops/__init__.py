"""govops: the operating rules of Chinese government offices as code."""

from ._version import __version__ as __version__

__all__ = ["__version__"]
