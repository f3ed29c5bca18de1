"""Features stage: scikit-learn transformers from texts to framing features.

- :class:`LexiconVectorizer` turns texts into lexicon counts, rates or axis
  shares, one column per pole (or per term).
- :func:`make_tfidf_vectorizer` returns scikit-learn's own
  :class:`~sklearn.feature_extraction.text.TfidfVectorizer`, set up with the
  toolkit's data-free NLTK tokenizer and scikit-learn's English stop words.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from framing._parallel import map_chunks
from framing.corpus import Article
from framing.exceptions import FramingError
from framing.lexicon import load_lexicons
from framing.matching import matcher_for
from framing.text import character_classes, count_tokens, normalize_text, tokenize

__all__ = ["LexiconVectorizer", "make_tfidf_vectorizer"]

_LEVELS = ("pole", "term")
_SCALES = ("count", "rate", "share")


def _check_documents(X) -> None:
    """Raise for a lone string or anything that is not an iterable of documents (nothing is read)."""
    if isinstance(X, str):
        raise FramingError("X must be an iterable of texts or Articles, got a single string; wrap it in a list")
    if not isinstance(X, Iterable):
        raise FramingError(f"X must be an iterable of texts or Articles, got {type(X).__name__}")


def _texts(X) -> Iterator[str]:
    """The texts of an iterable of str or Article (a Corpus or CorpusStream is one), read as they are needed.

    Raises
    ------
    FramingError
        For a document that is neither a str nor an Article, when it is reached.
    """
    for position, item in enumerate(X):
        if isinstance(item, Article):
            yield item.text
        elif isinstance(item, str):
            yield item
        else:
            raise FramingError(f"X[{position}] is {type(item).__name__}; each document must be a str or an Article")


def _lexicon_counts(lexicons: tuple, column_of_entry: np.ndarray, n_columns: int,
                    texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Counts per document and column, and token counts, of a chunk of texts (in a worker or in-process)."""
    matcher = matcher_for(lexicons)
    counts = np.zeros((len(texts), n_columns), dtype=np.float64)
    tokens = np.zeros(len(texts), dtype=np.int64)
    for row, text in enumerate(texts):
        normalized = normalize_text(text)
        classes = character_classes(normalized.text)
        for match in matcher.match(normalized, classes):
            counts[row, column_of_entry[match.entry]] += 1
        tokens[row] = count_tokens(normalized.text, classes)
    return counts, tokens


class LexiconVectorizer(TransformerMixin, BaseEstimator):
    """Lexicon features for each document, as a scikit-learn transformer.

    Parameters
    ----------
    lexicon : str, Lexicon, path or list of them, default="israel_gaza"
        Shipped lexicon names, YAML paths or :class:`~framing.lexicon.Lexicon`.
    level : {"pole", "term"}, default="pole"
        One column per pole and category, or one per term.
    scale : {"count", "rate", "share"}, default="count"
        ``"count"``: raw counts. ``"rate"``: counts per 1,000 word tokens of
        the document. ``"share"``: each pole's part of its axis total in the
        document (0 when the axis has no match; categories stay rates), only
        with ``level="pole"``.
    n_jobs : int, optional
        Worker processes; documents go to them in chunks as they are read
        (see :func:`framing.count_terms`), so a
        :class:`~framing.readers.CorpusStream` is never held whole. The output
        is identical whatever ``n_jobs`` is.

    Attributes
    ----------
    lexicons_ : tuple of Lexicon
        The resolved lexicons.
    feature_names_out_ : ndarray of str
        ``"axis:pole"`` (categories: ``"category"``), or
        ``"axis:pole:term"`` with ``level="term"``; prefixed by
        ``"lexicon:"`` when several lexicons are used.

    Examples
    --------
    >>> vectorizer = LexiconVectorizer(lexicon="israel_gaza").set_output(transform="pandas")
    >>> table = vectorizer.fit_transform(["Two hostages and one captive were freed."])
    >>> int(table.loc[0, "captivity:hostage"]), int(table.loc[0, "captivity:captive"])
    (1, 1)
    """

    def __init__(self, *, lexicon="israel_gaza", level: str = "pole", scale: str = "count", n_jobs=None):
        self.lexicon = lexicon
        self.level = level
        self.scale = scale
        self.n_jobs = n_jobs

    def fit(self, X=None, y=None):
        """Resolve the lexicons and the output columns; the data is not needed.

        Parameters
        ----------
        X : iterable of str or Article, optional
            Ignored apart from type checks.
        y : None
            Ignored.

        Returns
        -------
        self
        """
        if self.level not in _LEVELS:
            raise FramingError(f"level={self.level!r} is not valid; use one of {', '.join(_LEVELS)}")
        if self.scale not in _SCALES:
            raise FramingError(f"scale={self.scale!r} is not valid; use one of {', '.join(_SCALES)}")
        if self.scale == "share" and self.level != "pole":
            raise FramingError("scale='share' needs level='pole'; shares are computed within each axis")
        if X is not None:
            _check_documents(X)  # a stream is not read
        self.lexicons_ = tuple(load_lexicons(self.lexicon))
        prefix = len(self.lexicons_) > 1
        matcher = matcher_for(self.lexicons_)
        columns: dict[tuple, int] = {}
        self._column_of_entry = np.empty(len(matcher.entries), dtype=np.intp)
        for index, entry in enumerate(matcher.entries):
            key = (entry.lexicon, entry.kind, entry.axis, entry.pole) + (
                (entry.term.text,) if self.level == "term" else ())
            self._column_of_entry[index] = columns.setdefault(key, len(columns))
        names = []
        self._axis_of_column = []
        for lexicon_name, kind, axis, pole, *term in columns:
            is_category = kind == "category"
            parts = ([lexicon_name] if prefix else []) + ([axis] if is_category else [axis, pole]) + term
            names.append(":".join(parts))
            self._axis_of_column.append(None if is_category else (lexicon_name, axis))
        self.feature_names_out_ = np.asarray(names, dtype=object)
        return self

    def transform(self, X) -> np.ndarray:
        """Count the lexicon's terms in each document.

        Parameters
        ----------
        X : iterable of str or Article
            A list, a :class:`~framing.corpus.Corpus` or a
            :class:`~framing.readers.CorpusStream` (read one chunk at a time).

        Returns
        -------
        ndarray of shape (n_documents, n_features)
        """
        counts, tokens = self.counts_and_tokens(X)
        if self.scale == "count":
            return counts
        rates = 1000.0 * counts / np.where(tokens > 0, tokens, 1)[:, None]
        if self.scale == "rate":
            return rates
        return np.vstack([self._shares(row_counts, row_rates) for row_counts, row_rates in zip(counts, rates)]) \
            if len(counts) else rates

    def counts_and_tokens(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Term counts and word-token counts of each document, from one pass.

        Parameters
        ----------
        X : iterable of str or Article
            As for :meth:`transform`.

        Returns
        -------
        counts : ndarray of shape (n_documents, n_features)
            What :meth:`transform` gives with ``scale="count"``, whatever
            ``scale`` is.
        n_tokens : ndarray of int64, shape (n_documents,)
            Each document's word tokens, the denominator of its rates
            (:func:`framing.text.count_tokens` of the normalised text).
        """
        check_is_fitted(self, "feature_names_out_")
        _check_documents(X)
        work = functools.partial(_lexicon_counts, self.lexicons_, self._column_of_entry, len(self.feature_names_out_))
        chunks = [result for _, result in map_chunks(work, _texts(X), n_jobs=self.n_jobs, progress=False)]
        if not chunks:
            return np.zeros((0, len(self.feature_names_out_))), np.zeros(0, dtype=np.int64)
        return np.vstack([c for c, _ in chunks]), np.concatenate([t for _, t in chunks])

    def _shares(self, counts: np.ndarray, rates: np.ndarray) -> np.ndarray:
        shares = rates.copy()
        totals: dict[tuple, float] = {}
        for column, axis in enumerate(self._axis_of_column):
            if axis is not None:
                totals[axis] = totals.get(axis, 0.0) + counts[column]
        for column, axis in enumerate(self._axis_of_column):
            if axis is not None:
                shares[column] = counts[column] / totals[axis] if totals[axis] else 0.0
        return shares

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns (see :attr:`feature_names_out_`)."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags


def make_tfidf_vectorizer(*, ngram_range=(1, 2), min_df=1, max_df=1.0, max_features=None,
                          stop_words="english", sublinear_tf=True, vocabulary=None) -> TfidfVectorizer:
    """scikit-learn's TfidfVectorizer with the toolkit's offline tokenizer.

    Tokens come from :func:`framing.text.tokenize` (NLTK's data-free
    ``RegexpTokenizer`` over normalised, lower-cased text), so "Hamas-run" and
    "Israel’s" are single tokens and curly quotes never split a word.

    Parameters
    ----------
    ngram_range : (int, int), default=(1, 2)
        Unigrams and bigrams by default.
    min_df, max_df, max_features, sublinear_tf, vocabulary
        Passed to :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.
    stop_words : "english", list of str or None, default="english"
        ``"english"`` uses scikit-learn's ``ENGLISH_STOP_WORDS``.

    Returns
    -------
    sklearn.feature_extraction.text.TfidfVectorizer
        Unfitted; pass it texts (``[article.text for article in corpus]``).
    """
    if stop_words == "english":
        stop_words = sorted(ENGLISH_STOP_WORDS)
    elif stop_words is not None and (isinstance(stop_words, str) or not isinstance(stop_words, Iterable)):
        raise FramingError(f"stop_words={stop_words!r} is not valid; use 'english', a list of words or None")
    return TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, stop_words=stop_words,
                           ngram_range=ngram_range, min_df=min_df, max_df=max_df, max_features=max_features,
                           sublinear_tf=sublinear_tf, vocabulary=vocabulary)
