"""Exceptions: one small tree, so callers can catch every user error at once."""

__all__ = ["CorpusError", "FramingError", "LexiconError"]


class FramingError(ValueError):
    """Base class of every error caused by input or options (not by a bug).

    The command line turns these into exit code 2 and one sentence.
    """


class CorpusError(FramingError):
    """A corpus path, file or column cannot be used."""


class LexiconError(FramingError):
    """A lexicon cannot be found, read or validated.

    Parameters
    ----------
    message : str
        The first problem, as one sentence.
    problems : list of str, optional
        Every problem found, one line each with file and line number.
    """

    def __init__(self, message: str, *, problems=()):
        super().__init__(message)
        self.problems = list(problems) or [message]
