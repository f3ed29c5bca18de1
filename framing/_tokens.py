"""Text stage (private): every article's word tokens as integer ids, tokenised once per corpus.

:func:`corpus_tokens` gives, for each article, exactly the tokens of
:func:`framing.text.tokenize`, as ids into one vocabulary. Both
:func:`framing.distinctive.distinctive_terms` (n-grams) and
:func:`framing.duplicates.find_duplicates` (shingles) need them. Inside a
``with shared_tokens():`` block (the report opens one around both) a corpus is
tokenised once and its tokens are kept until the block ends; outside one,
nothing is kept.

Why not call ``tokenize`` on every text: it goes through NLTK's
``RegexpTokenizer``, which runs each match under a timeout (a guard against
caller-supplied patterns) and is about three times slower than the standard
``re`` module on the same pattern. :func:`word_tokens` uses ``re`` whenever
that is known to give the same tokens (see there) and ``tokenize`` itself
otherwise.
"""

from __future__ import annotations

import array
import contextlib
import functools
import re
import weakref
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from framing._parallel import map_chunks
from framing.corpus import Corpus
from framing.text import TOKEN_PATTERN, normalize_text, tokenize

__all__ = ["CorpusTokens", "corpus_tokens", "shared_tokens", "word_tokens"]

#: :data:`TOKEN_PATTERN` on lower-case ASCII text, where ``[^\W_]`` is ``[a-z0-9]`` in every regex engine.
_ASCII_TOKEN_RE = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_TOKEN_RE = re.compile(TOKEN_PATTERN)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=65536)
def _tokenized_as_by_re(char: str) -> bool:
    """Whether ``tokenize`` and the ``re`` module agree on whether ``char`` is a word character.

    ``re`` takes a character as ``[^\\W_]`` exactly when ``str.isalnum()`` is
    true. Recent NLTK matches with the third-party ``regex`` engine, whose
    ``\\w`` also covers marks, so a variation selector (U+FE0F) or a lone
    combining accent is a word character to ``tokenize`` but not to ``re``.
    A character that normalisation would change cannot be tested alone and
    counts as a disagreement.
    """
    if normalize_text(char).lower != char:
        return False
    return (tokenize(char) == [char]) == char.isalnum()


def word_tokens(text: str) -> list[str]:
    """Exactly ``tokenize(text)``, faster.

    The pattern's only engine-dependent part is which characters are word
    characters, and that is the same in every engine for ASCII, so ASCII text
    (after normalisation, the common case) uses ``re``. Other text uses
    ``re`` too when each of its non-ASCII characters is treated alike by both
    (:func:`_tokenized_as_by_re`), and ``tokenize`` when one is not.
    """
    lower = normalize_text(text).lower
    if lower.isascii():
        return _ASCII_TOKEN_RE.findall(lower)
    if all(_tokenized_as_by_re(char) for char in set(_NON_ASCII_RE.findall(lower))):
        return _TOKEN_RE.findall(lower)
    return tokenize(text)


@dataclass(frozen=True)
class CorpusTokens:
    """The word tokens of every article of a corpus, as ids into one vocabulary.

    Attributes
    ----------
    vocabulary : list of str
        The token of each id, in order of first appearance.
    ids : numpy.ndarray of int32
        Token ids of every article, concatenated in corpus order.
    offsets : numpy.ndarray of int64
        Article ``i``'s tokens are ``ids[offsets[i]:offsets[i + 1]]``.
    """

    vocabulary: list[str]
    ids: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def article(self, position: int) -> np.ndarray:
        """Token ids of the article at ``position``."""
        return self.ids[self.offsets[position]:self.offsets[position + 1]]


#: Tokens kept by the innermost :func:`shared_tokens` block, by corpus; None outside any block.
_shared: weakref.WeakKeyDictionary[Corpus, CorpusTokens] | None = None


@contextlib.contextmanager
def shared_tokens() -> Iterator[None]:
    """Within this block, each corpus is tokenised once, by the first stage that asks; the tokens go at its end."""
    global _shared
    outer, _shared = _shared, weakref.WeakKeyDictionary()
    try:
        yield
    finally:
        _shared = outer


def corpus_tokens(corpus: Corpus, *, n_jobs=None) -> CorpusTokens:
    """Token ids of every article, as :func:`framing.text.tokenize` splits them.

    Parameters
    ----------
    corpus : Corpus
    n_jobs : int, optional
        Worker processes (see :func:`framing.count_terms`): each tokenises a
        chunk of articles into ids of its own vocabulary, and the chunks'
        vocabularies are joined in corpus order, so the ids are the same
        whatever ``n_jobs`` is.

    Returns
    -------
    CorpusTokens
        Computed once per corpus inside a :func:`shared_tokens` block.
    """
    if _shared is not None and corpus in _shared:
        return _shared[corpus]
    index: defaultdict[str, int] = defaultdict()
    index.default_factory = index.__len__  # a new token gets the next id
    ids, lengths = [], []
    texts = [article.text for article in corpus]
    for _, (vocabulary, chunk_ids, chunk_lengths) in map_chunks(_chunk_tokens, texts, n_jobs=n_jobs,
                                                                 progress=False):
        # Chunk ids to corpus ids: a token first seen in this chunk is new to the corpus here too.
        ids.append(np.array([index[token] for token in vocabulary], dtype=np.int32)[chunk_ids])
        lengths.append(chunk_lengths)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    if texts:
        np.cumsum(np.concatenate(lengths), out=offsets[1:])
    tokens = CorpusTokens(list(index), np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32), offsets)
    if _shared is not None:
        _shared[corpus] = tokens
    return tokens


def _chunk_tokens(texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The tokens of some texts as ids into their own vocabulary (in order of first appearance), and each
    text's token count; runs in a worker or in-process."""
    index: defaultdict[str, int] = defaultdict()
    index.default_factory = index.__len__
    ids = array.array("i")  # one growing buffer, not one small array per text
    lengths = np.zeros(len(texts), dtype=np.int64)
    for position, text in enumerate(texts):
        before = len(ids)
        ids.extend(map(index.__getitem__, word_tokens(text)))
        lengths[position] = len(ids) - before
    return list(index), np.frombuffer(ids, dtype=np.int32), lengths
