"""tilbase: a personal knowledge base for "today I learned" notes, used from the terminal."""

__version__ = "0.1.0"
