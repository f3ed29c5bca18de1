"""framing: measure, trace and show how news outlets frame the same events."""

from framing.corpus import Article
from framing.corpus import Corpus
from framing.corpus import load_corpus
from framing.counting import count_terms
from framing.counting import find_matches
from framing.counting import kwic
from framing.counting import summarize_poles
from framing.exceptions import CorpusError
from framing.exceptions import FramingError
from framing.exceptions import LexiconError
from framing.lexicon import Lexicon
from framing.lexicon import available_lexicons
from framing.lexicon import load_lexicon
from framing.matching import TermMatcher

__all__ = [
    "Article",
    "Corpus",
    "CorpusError",
    "FramingError",
    "Lexicon",
    "LexiconError",
    "TermMatcher",
    "available_lexicons",
    "count_terms",
    "find_matches",
    "kwic",
    "load_corpus",
    "load_lexicon",
    "summarize_poles",
]

__version__ = "0.1.0"
