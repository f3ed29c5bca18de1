"""framing: measure, trace and show how news outlets frame the same events."""

from framing._version import __version__
from framing.agency import agency_shares
from framing.agency import harm_reports
from framing.casualties import casualty_figures
from framing.casualties import casualty_sources
from framing.classroom import reveal
from framing.clusters import ClusterResult
from framing.clusters import cluster_articles
from framing.corpus import Article
from framing.corpus import Corpus
from framing.counting import count_tables
from framing.counting import count_terms
from framing.counting import find_matches
from framing.counting import kwic
from framing.counting import summarize_poles
from framing.distinctive import distinctive_terms
from framing.distinctive import log_odds_dirichlet
from framing.duplicates import copy_weights
from framing.duplicates import find_duplicates
from framing.duplicates import find_shared_passages
from framing.exceptions import CorpusError
from framing.exceptions import FramingError
from framing.exceptions import LexiconError
from framing.features import LexiconVectorizer
from framing.features import make_tfidf_vectorizer
from framing.lexicon import Lexicon
from framing.lexicon import available_lexicons
from framing.lexicon import load_lexicon
from framing.matching import TermMatcher
from framing.plots import plot_agency_shares
from framing.plots import plot_axis_shares
from framing.plots import plot_distinctive_terms
from framing.plots import plot_framing_map
from framing.plots import plot_referents
from framing.plots import plot_similarity
from framing.plots import plot_term_heatmap
from framing.plots import plot_timeline
from framing.profiles import Profiles
from framing.profiles import outlet_similarity
from framing.profiles import profile_outlets
from framing.readers import CorpusStream
from framing.readers import load_corpus
from framing.readers import stream_corpus
from framing.referents import find_referents
from framing.referents import referent_table
from framing.report import write_report
from framing.voice import VoiceSpan
from framing.voice import keep_voices
from framing.voice import segment_voice
from framing.voice import voice_spans

__all__ = [
    "__version__",
    "Article",
    "ClusterResult",
    "Corpus",
    "CorpusError",
    "CorpusStream",
    "FramingError",
    "Lexicon",
    "LexiconError",
    "LexiconVectorizer",
    "Profiles",
    "TermMatcher",
    "VoiceSpan",
    "agency_shares",
    "available_lexicons",
    "casualty_figures",
    "casualty_sources",
    "cluster_articles",
    "copy_weights",
    "count_tables",
    "count_terms",
    "distinctive_terms",
    "find_duplicates",
    "find_matches",
    "find_referents",
    "find_shared_passages",
    "harm_reports",
    "keep_voices",
    "kwic",
    "load_corpus",
    "load_lexicon",
    "log_odds_dirichlet",
    "make_tfidf_vectorizer",
    "outlet_similarity",
    "plot_agency_shares",
    "plot_axis_shares",
    "plot_distinctive_terms",
    "plot_framing_map",
    "plot_referents",
    "plot_similarity",
    "plot_term_heatmap",
    "plot_timeline",
    "profile_outlets",
    "referent_table",
    "reveal",
    "segment_voice",
    "stream_corpus",
    "summarize_poles",
    "voice_spans",
    "write_report",
]
