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
    texts = [article.text for article in corpus]
    firsts, seconds, ids, lengths, known = [], [], [], [], []
    long_tokens: dict[str, int] = {}  # a token of over 16 bytes: its number in the corpus (see _key_of)
    n_keys = 0
    for _, ((first, second), chunk_long_tokens, chunk_ids, chunk_lengths, exact) in map_chunks(
            _chunk_tokens, texts, n_jobs=n_jobs, progress=False):
        if chunk_long_tokens:  # from the chunk's numbering of its long tokens to the corpus's
            numbers = np.array([0] + [long_tokens.setdefault(token, len(long_tokens) + 1)
                                      for token in chunk_long_tokens], dtype=np.uint64)
            is_long = first == 0
            second[is_long] = numbers[second[is_long].astype(np.int64)]
        firsts.append(first)
        seconds.append(second)
        ids.append(chunk_ids + n_keys)  # into the keys of all chunks
        n_keys += len(first)
        lengths.append(chunk_lengths)
        known.append(exact)
    # The chunks' vocabularies, each in order of first appearance, in corpus order: numbered by first
    # appearance, they give the corpus's ids.
    codes, distinct = _number_keys(*(np.concatenate(part) if part else np.zeros(0, dtype=np.uint64)
                                     for part in (firsts, seconds)))
    del firsts, seconds
    if texts:  # the rate denominators of the texts whose token count is the same
        known_lengths, is_known = np.concatenate(lengths), np.concatenate(known)
        corpus.remember_n_tokens({article.id: int(count) for article, count, same
                                  in zip(corpus, known_lengths.tolist(), is_known.tolist()) if same})
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    if texts:
        np.cumsum(np.concatenate(lengths), out=offsets[1:])
    tokens = CorpusTokens(_decode_keys(distinct, list(long_tokens)),
                          codes.astype(np.int32)[np.concatenate(ids)] if ids else np.zeros(0, dtype=np.int32),
                          offsets)
    # The chunks' results arrive as many small objects that are gone now: give their memory back before the
    # caller's next large arrays (on AllSides 60 to 170 MB, depending on how many chunks waited in this process).
    del ids
    release_memory(collect=False)
    if _shared is not None:
        _shared[corpus] = tokens
    return tokens


def _chunk_tokens(texts: list[str]) -> tuple[tuple[np.ndarray, np.ndarray], list[str], np.ndarray, np.ndarray,
                                             np.ndarray]:
    """The tokens of some texts as ids into their own vocabulary, in order of first appearance: the
    vocabulary's keys (see :func:`_token_keys`) and its tokens of over 16 bytes, the ids, each text's
    token count, and which of those counts are :func:`framing.text.count_tokens` too; runs in a worker or
    in-process.

    Python's ``re`` makes a string object per token, and a dict numbers them: two thirds of the time of a
    tokenisation. Here most texts are tokenised together in numpy instead (:func:`_byte_tokens`): those
    whose lower-case text has no non-ASCII character that could be part of a token. A token of at most 16
    bytes is keyed by its bytes, read as two integers, and numbered by pandas' hash tables; no string is
    made for it (:func:`_decode_keys` makes one per token of the corpus's vocabulary, at the end). The
    longer tokens and the tokens of the other texts (:func:`word_tokens`) are few.
    """
    fast, encoded, slow = [], [], {}
    exact = np.zeros(len(texts), dtype=bool)
    for position, text in enumerate(texts):
        normalized = normalize_text(text)
        plain, wide = normalized.text, set()
        if not plain.isascii():
            wide = _wide_characters(plain)
            if all(map(_outside_tokens, wide)):  # "©", "•": a space between tokens, in any case
                for char in wide:
                    plain = plain.replace(char, " ")
        if plain.isascii():  # the common case: lower-cased as bytes, twice as fast as a str
            exact[position] = True
            fast.append(position)
            encoded.append(plain.encode("ascii").lower())
            continue
        lower = normalized.lower
        if not lower.isascii():
            lower_wide = _wide_characters(lower)
            if not all(map(_tokenized_as_by_re, lower_wide)):
                slow[position] = word_tokens(text)
                continue
            for char in lower_wide:  # outside tokens: a space, or its bytes would be read as a letter's
                if not char.isalnum():
                    lower = lower.replace(char, " ")
        # count_tokens reads the normalised text, not the lower-case one: the same tokens if lower-casing
        # keeps each character one character of the same class.
        exact[position] = all(map(_lowers_alike, wide))
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
    first, second = _token_keys(buffer, starts, size)  # a token of over 16 bytes is keyed below
    if slow:  # the fast texts' tokens in their places among the chunk's tokens
        keys = first, second
        first, second = np.zeros((2, int(offsets[-1])), dtype=np.uint64)
        first[places], second[places] = keys
    long = np.flatnonzero(size > 2 * _WORD)
    long_tokens: dict[str, int] = {}
    others = [*zip(places[long].tolist(), (buffer[start:end].decode("utf-8") for start, end
                                           in zip(starts[long].tolist(), ends[long].tolist()))),
              *((place, token) for position, tokens in slow.items()
                for place, token in zip(range(offsets[position], offsets[position + 1]), tokens))]
    for place, token in others:
        first[place], second[place] = _key_of(token, long_tokens)
    codes, distinct = _number_keys(first, second)
    return distinct, list(long_tokens), codes.astype(np.int32), lengths, exact


#: Bytes in one integer key.
_WORD = 8


@functools.lru_cache(maxsize=65536)
def _outside_tokens(char: str) -> bool:
    """Whether ``char`` is no part of any token, as ``tokenize`` reads it and in either case: it is its own
    lower case, not a letter or digit, and ``re`` agrees with ``tokenize`` on it (see _tokenized_as_by_re)."""
    return char.lower() == char and not char.isalnum() and _tokenized_as_by_re(char)


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


def _token_keys(buffer: bytes, starts: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The key of each token of at most 16 bytes: its bytes read as two big-endian integers.

    The first holds bytes 1 to 8 and the second bytes 9 to 16 (0 for a
    shorter token), each without the padding of a shorter token. No token
    holds a zero byte, so no two tokens share a key, and a key's first
    integer is never 0 (that marks a longer token: see :func:`_key_of`).
    A longer token gets two integers of no use, for the caller to replace.
    """
    words = np.ndarray(shape=(len(buffer) - _WORD + 1,), dtype=">u8", buffer=buffer, strides=(1,))
    first = words[starts].astype(np.uint64)
    first >>= (8 * np.maximum(_WORD - size, 0)).astype(np.uint64)
    second = np.zeros(len(starts), dtype=np.uint64)
    longer = size > _WORD
    second[longer] = words[starts[longer] + _WORD].astype(np.uint64) >> (
        8 * np.maximum(2 * _WORD - size[longer], 0)).astype(np.uint64)
    return first, second


def _key_of(token: str, long_tokens: dict[str, int]) -> tuple[int, int]:
    """:func:`_token_keys` of one token; a token of over 16 bytes is ``(0, its number in long_tokens)``,
    numbered from 1 as they come."""
    data = token.encode("utf-8")
    if len(data) > 2 * _WORD:
        return 0, long_tokens.setdefault(token, len(long_tokens) + 1)
    return int.from_bytes(data[:_WORD], "big"), int.from_bytes(data[_WORD:], "big")


#: Odd multiplier that mixes a key's two integers into one (see :func:`_number_keys`).
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _number_keys(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Codes of keys (``first[i], second[i]``) in order of first appearance (0, 1, 2, ...), and the distinct
    keys in that order (their first and second integers).

    The two integers are mixed into one (``first + second * _MIX``, modulo 2**64) for a single hash-table
    pass; the codes are then checked against the keys, and should two keys ever mix to the same number,
    they are numbered as pairs instead.
    """
    codes, _ = pd.factorize(first + second * _MIX, sort=False)
    where = _first_appearances(codes)
    if not (np.array_equal(first[where][codes], first) and np.array_equal(second[where][codes], second)):
        first_codes, _ = pd.factorize(first, sort=False)
        second_codes, second_values = pd.factorize(second, sort=False)
        codes, _ = pd.factorize(first_codes.astype(np.int64) * len(second_values) + second_codes, sort=False)
        where = _first_appearances(codes)
    return codes, (first[where], second[where])


def _first_appearances(codes: np.ndarray) -> np.ndarray:
    """Where each code first appears, for codes numbered in order of first appearance (0, 1, 2, ...)."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    highest = np.maximum.accumulate(codes)
    return np.flatnonzero(np.concatenate(([True], highest[1:] > highest[:-1])))


def _decode_keys(keys: tuple[np.ndarray, np.ndarray], long_tokens: list[str]) -> list[str]:
    """The token of each key (see :func:`_key_of`); ``long_tokens[k - 1]`` is the token of ``(0, k)``."""
    return [long_tokens[second - 1] if not first else
            (first.to_bytes(_WORD, "big").lstrip(b"\0") + second.to_bytes(_WORD, "big").lstrip(b"\0")).decode("utf-8")
            for first, second in zip(keys[0].tolist(), keys[1].tolist())]
