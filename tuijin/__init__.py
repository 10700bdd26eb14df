"""tuijin (推进): the working system of a development zone."""

__version__ = "0.1.0"
