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
``re`` module on the same pattern; and even ``re`` makes a string object for
every token, which a dict then numbers. :func:`corpus_tokens` finds the
tokens of most texts in numpy and numbers them by their bytes
(:func:`_chunk_tokens`): 2.7 times faster on 5,791 AllSides articles, with
the same ids. The other texts, and callers that want one text's tokens, use
:func:`word_tokens`: ``re`` whenever that is known to give the same tokens
(see there) and ``tokenize`` itself otherwise.
"""

from __future__ import annotations

import contextlib
import functools
import re
import weakref
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from framing._memory import release_memory
from framing._parallel import map_chunks
from framing.corpus import Corpus
from framing.text import LETTER_OR_DIGIT, TOKEN_JOINER, TOKEN_PATTERN, _wide_characters, character_classes, \
    normalize_text, tokenize

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
    ids, lengths, known = [], [], []
    texts = [article.text for article in corpus]
    for _, (vocabulary, chunk_ids, chunk_lengths, exact) in map_chunks(_chunk_tokens, texts, n_jobs=n_jobs,
                                                                        progress=False):
        # Chunk ids to corpus ids: a token first seen in this chunk is new to the corpus here too.
        ids.append(np.array([index[token] for token in vocabulary], dtype=np.int32)[chunk_ids])
        lengths.append(chunk_lengths)
        known.append(exact)
    if texts:  # the rate denominators of the texts whose token count is the same
        known_lengths, is_known = np.concatenate(lengths), np.concatenate(known)
        corpus.remember_n_tokens({article.id: int(count) for article, count, same
                                  in zip(corpus, known_lengths.tolist(), is_known.tolist()) if same})
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    if texts:
        np.cumsum(np.concatenate(lengths), out=offsets[1:])
    tokens = CorpusTokens(list(index), np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32), offsets)
    # The chunks' results arrive as many small objects that are gone now: give their memory back before the
    # caller's next large arrays (on AllSides 60 to 170 MB, depending on how many chunks waited in this process).
    del ids
    release_memory(collect=False)
    if _shared is not None:
        _shared[corpus] = tokens
    return tokens


def _chunk_tokens(texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The tokens of some texts as ids into their own vocabulary (in order of first appearance), each text's
    token count, and which of those counts are :func:`framing.text.count_tokens` too; runs in a worker or
    in-process.

    Python's ``re`` makes a string object per token, and a dict numbers them: two thirds of the time of a
    tokenisation. Here most texts are tokenised together in numpy instead (:func:`_byte_tokens`): those
    whose lower-case text has no non-ASCII character that could be part of a token. A token of at most 16
    bytes is then keyed by its bytes, read as integers, and numbered by pandas' hash tables
    (:func:`_integer_keys`). The longer ones and the tokens of the other texts (:func:`word_tokens`) are few.
    """
    fast, encoded, slow = [], [], {}
    exact = np.zeros(len(texts), dtype=bool)
    for position, text in enumerate(texts):
        normalized = normalize_text(text)
        lower = normalized.lower
        if not lower.isascii():
            wide = _wide_characters(lower.encode("utf-8", "surrogatepass"))
            if not all(map(_tokenized_as_by_re, wide)):
                slow[position] = word_tokens(text)
                continue
            for char in wide:  # a wide character outside tokens becomes a space: its bytes are read as in one
                if not char.isalnum():
                    lower = lower.replace(char, " ")
        # count_tokens reads the normalised text, not the lower-case one: the same tokens if lower-casing
        # keeps each character one character of the same class.
        exact[position] = normalized.text.isascii() or all(
            map(_lowers_alike, _wide_characters(normalized.text.encode("utf-8", "surrogatepass"))))
        fast.append(position)
        encoded.append(lower.encode("utf-8", "surrogatepass"))
    starts, ends, buffer, fast_counts = _byte_tokens(encoded)
    lengths = np.zeros(len(texts), dtype=np.int64)
    lengths[fast] = fast_counts
    lengths[list(slow)] = [len(tokens) for tokens in slow.values()]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    # The place of each token of the joined texts in the chunk's sequence of tokens.
    fast_offsets = np.zeros(len(fast) + 1, dtype=np.int64)
    np.cumsum(fast_counts, out=fast_offsets[1:])
    places = np.arange(len(starts), dtype=np.int64) + np.repeat(offsets[fast] - fast_offsets[:-1], fast_counts)

    size = ends - starts
    spaces = []
    for selected in (size <= _WORD, (size > _WORD) & (size <= 2 * _WORD)):
        codes, tokens = _integer_keys(buffer, starts[selected], size[selected])
        spaces.append((tokens, codes, places[selected]))
    rest = size > 2 * _WORD
    others = sorted([*zip(places[rest].tolist(), (buffer[start:end].decode("utf-8") for start, end
                                                   in zip(starts[rest].tolist(), ends[rest].tolist()))),
                     *((place, token) for position, tokens in slow.items()
                       for place, token in zip(range(offsets[position], offsets[position + 1]), tokens))])
    index: defaultdict[str, int] = defaultdict()
    index.default_factory = index.__len__  # a new token gets the next code
    codes = np.array([index[token] for _, token in others], dtype=np.int64)
    spaces.append((list(index), codes, np.array([place for place, _ in others], dtype=np.int64)))
    return (*_join_spaces(spaces, int(offsets[-1])), lengths, exact)


#: Bytes in one integer key.
_WORD = 8


@functools.lru_cache(maxsize=65536)
def _lowers_alike(char: str) -> bool:
    """Whether ``char.lower()`` is one character, a letter or digit exactly when ``char`` is one."""
    lower = char.lower()
    return len(lower) == 1 and lower.isalnum() == char.isalnum()


#: ``bytes.translate`` table of UTF-8 text whose non-ASCII characters are all letters or digits: 1 for a
#: letter or digit (and every byte of a non-ASCII character), 2 for a token joiner (``'`` or ``-``), 0 else.
_BYTE_CLASSES = bytes(1 if flags & LETTER_OR_DIGIT else 2 if flags & TOKEN_JOINER else 0
                      for flags in character_classes("".join(map(chr, range(128)))).tolist()) + bytes([1] * 128)


def _byte_tokens(encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray, bytes, np.ndarray]:
    """Token start and end offsets in ``encoded`` (UTF-8 texts) joined by spaces, those bytes, and the
    number of tokens of each text.

    Exactly :data:`_TOKEN_RE` on each text, for texts whose non-ASCII characters are all letters or
    digits: a token is a run of letters, digits and of the joiners that have a letter or digit on both
    sides.
    """
    buffer = b" ".join(encoded) + b" " * 2 * _WORD  # past the last token: room for its integer keys
    classes = np.frombuffer(buffer.translate(_BYTE_CLASSES), dtype=np.uint8)
    inside = classes == 1
    inside[1:-1] |= (classes[1:-1] == 2) & inside[:-2] & inside[2:]
    edges = np.diff(inside.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    bounds = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(text) + 1 for text in encoded], out=bounds[1:])
    return starts, ends, buffer, np.diff(np.searchsorted(starts, bounds))


def _integer_keys(buffer: bytes, starts: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Codes in order of first appearance, and the tokens they stand for, of tokens of at most 16 bytes.

    A token's bytes, read as one or two big-endian integers (the second for bytes 9 to 16), are its key:
    no token holds a zero byte, so no two tokens share one.
    """
    words = np.ndarray(shape=(len(buffer) - _WORD + 1,), dtype=">u8", buffer=buffer, strides=(1,))
    first = words[starts].astype(np.uint64)
    first >>= (8 * np.maximum(_WORD - size, 0)).astype(np.uint64)
    codes, keys = pd.factorize(first, sort=False)
    if not (size > _WORD).any():
        return codes, [key.to_bytes(_WORD, "big").lstrip(b"\0").decode("utf-8") for key in keys.tolist()]
    second = words[starts + _WORD].astype(np.uint64) >> (8 * (2 * _WORD - size)).astype(np.uint64)
    second_codes, second_keys = pd.factorize(second, sort=False)
    codes, pairs = pd.factorize(codes.astype(np.int64) * len(second_keys) + second_codes, sort=False)
    keys, second_keys = keys.tolist(), second_keys.tolist()
    return codes, [(keys[pair // len(second_keys)].to_bytes(_WORD, "big")
                    + second_keys[pair % len(second_keys)].to_bytes(_WORD, "big").lstrip(b"\0")).decode("utf-8")
                   for pair in pairs.tolist()]


def _join_spaces(spaces: list[tuple[list[str], np.ndarray, np.ndarray]], n_tokens: int) -> tuple[list[str],
                                                                                                 np.ndarray]:
    """One vocabulary in order of first appearance, and the id of every token, from sets of codes.

    Each of ``spaces`` is ``(tokens, codes, places)``: codes numbered in order of first appearance, the
    token each stands for, and the place of each coded token in the chunk. A token of a text read by
    :func:`word_tokens` may be in the other sets too: it first appears at the earliest of its places.
    """
    names = [token for tokens, _, _ in spaces for token in tokens]
    first = np.concatenate([places[_first_appearances(codes)] for _, codes, places in spaces])
    alias = np.arange(len(names))
    seen: dict[str, int] = {}
    for position, name in enumerate(names):
        other = seen.setdefault(name, position)
        if other != position:
            alias[position] = other
            first[other] = min(first[other], first[position])
    own = np.flatnonzero(alias == np.arange(len(names)))
    order = own[np.argsort(first[own], kind="stable")]
    rank = np.empty(len(names), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    rank = rank[alias]
    ids = np.empty(n_tokens, dtype=np.int32)
    base = 0
    for tokens, codes, places in spaces:
        ids[places] = rank[base + codes]
        base += len(tokens)
    return [names[position] for position in order], ids


def _first_appearances(codes: np.ndarray) -> np.ndarray:
    """Where each code first appears, for codes numbered in order of first appearance (0, 1, 2, ...)."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    highest = np.maximum.accumulate(codes)
    return np.flatnonzero(np.concatenate(([True], highest[1:] > highest[:-1])))
