"""Matching stage: find lexicon terms in normalised text, exactly and fast.

Matching works in two steps over lower-cased normalised text:

1. **Find where a term may start.** The default engine runs an Aho-Corasick
   automaton (the Rust ``aho-corasick`` crate, through ``ahocorasick_rs``) over
   the first word of every term, then keeps the hits that start a word (and,
   for a complete first word, end one), looked up in the text's character
   classes. The fallback engine, used when that package is missing or when
   asked for, is one trie-shaped regular expression (shared prefixes written
   once, no ``re.IGNORECASE``).
2. **Decide what matches there.** A walk over a word-level trie lists every
   term that matches at each start; the matching rules of
   ``lexicons/README.md`` then pick the winners separately for each axis:

1. the longest match wins; 2. matches never overlap within one axis or
category; 3. axes are independent.

:func:`reference_matches` implements the same rules the slow, obvious way
(tokenise, then compare every term at every token). The tests check the fast
engine against it on random text.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from framing.exceptions import FramingError
from framing.lexicon import MIN_WILDCARD_STEM, SPACE_OR_HYPHEN, Lexicon, LexiconEntry, Term, parse_term
from framing.text import WORD_CHARACTER, NormalizedText, character_classes

try:
    import ahocorasick_rs
except ImportError:  # pragma: no cover - platforms without the wheel use the regex engine
    ahocorasick_rs = None

__all__ = ["ENGINES", "Match", "TermMatcher", "reference_matches"]

#: Candidate-finding engines of :class:`TermMatcher`.
ENGINES = ("auto", "aho-corasick", "regex")

_SEPARATOR_PATTERN = r"[\s-]+"
_SEPARATOR_RE = re.compile(_SEPARATOR_PATTERN + r"\Z")
_WORD_RE = re.compile(r"\w+")
_GAP_RE = re.compile(r"\W+")
_END = "\x00end"
_WILD = "\x00wild"
_STEM_LENGTHS = "\x00stem lengths"
_SEP = "\x00sep"


@dataclass(frozen=True, order=True)
class Match:
    """One counted occurrence of a term.

    Attributes
    ----------
    start, end : int
        Half-open span in the *normalised* text (see
        :meth:`framing.text.NormalizedText.original_span` for the displayed text).
    entry : int
        Index of the term in :attr:`TermMatcher.entries`.
    """

    start: int
    end: int
    entry: int


class TermMatcher:
    """Compiled matcher for every term of one or more lexicons.

    Parameters
    ----------
    lexicons : sequence of Lexicon
        Lexicon names must be distinct.
    engine : {"auto", "aho-corasick", "regex"}, default="auto"
        How candidate starts are found; ``"auto"`` takes Aho-Corasick when
        ``ahocorasick_rs`` is installed. Both engines give identical matches.

    Attributes
    ----------
    entries : list of LexiconEntry
        Every term with its lexicon, axis and pole; :attr:`Match.entry` indexes it.
    dimensions : list of (str, str)
        ``(lexicon, axis)`` pairs: each is resolved independently.
    pattern : re.Pattern
        The trie-shaped candidate regex (the ``"regex"`` engine).
    engine : str
        The engine in use.

    Examples
    --------
    >>> from framing.lexicon import load_lexicon
    >>> from framing.text import normalize_text
    >>> matcher = TermMatcher([load_lexicon("israel_gaza")])
    >>> text = normalize_text("Hostages were freed.")
    >>> [matcher.entries[m.entry].pole for m in matcher.match(text)]
    ['hostage']
    """

    def __init__(self, lexicons: Sequence[Lexicon], *, engine: str = "auto"):
        if engine not in ENGINES:
            raise FramingError(f"engine={engine!r} is not valid; use one of {', '.join(ENGINES)}")
        if engine == "aho-corasick" and ahocorasick_rs is None:
            raise FramingError("engine='aho-corasick' needs the ahocorasick-rs package; install it or use "
                               "engine='regex'")
        self.engine = "regex" if engine == "regex" or ahocorasick_rs is None else "aho-corasick"
        self.entries: list[LexiconEntry] = [entry for lexicon in lexicons for entry in lexicon.entries()]
        self.dimensions = sorted({(e.lexicon, e.axis) for e in self.entries},
                                 key=[(e.lexicon, e.axis) for e in self.entries].index)
        dimension_index = {dimension: i for i, dimension in enumerate(self.dimensions)}
        self._dimension_of = [dimension_index[(e.lexicon, e.axis)] for e in self.entries]
        self._word_trie: dict = {}
        #: _step of the trie's root for each first word met so far (see _terms_at).
        self._first_steps: dict[str, tuple[list[int], dict | None]] = {}
        char_trie: dict = {}
        # Per entry, each exclusion's regex and its longest word (see _accept).
        self._exclusions: dict[int, list[tuple[re.Pattern, str]]] = {}
        self._case_checks: dict[int, re.Pattern] = {}
        for index, entry in enumerate(self.entries):
            term = entry.term
            words, separators = parse_term(term.text, False)
            self._add_to_word_trie(words, separators, term.wildcard, index)
            _add_to_char_trie(char_trie, words, separators, term.wildcard)
            if term.exclude:
                self._exclusions[index] = [(_term_regex(phrase, case_sensitive=term.case_sensitive),
                                            max(parse_term(phrase, term.case_sensitive)[0], key=len))
                                           for phrase in term.exclude]
            if term.case_sensitive:
                self._case_checks[index] = _term_regex(term.text, case_sensitive=True)
        self._checked = self._exclusions.keys() | self._case_checks.keys()  # the entries _accept must look at
        self._max_exclusion = max((len(p) for t in (e.term for e in self.entries) for p in t.exclude), default=0)
        body = _render_char_trie(char_trie) if char_trie else r"(?!x)x"
        self.pattern = re.compile(r"\b" + body if char_trie else body)
        # First words of all terms for Aho-Corasick; a stem (wildcard) needs no word end after it.
        first_words: dict[str, bool] = {}
        for entry in self.entries:
            words, _ = parse_term(entry.term.text, False)
            is_stem = entry.term.wildcard and len(words) == 1
            first_words[words[0]] = first_words.get(words[0], True) and not is_stem
        self._first_words = sorted(first_words)
        self._needs_word_end = [first_words[word] for word in self._first_words]
        self._continues = [self._continuation(word) for word in self._first_words]
        # Two automata: text is searched as bytes, one per character, which skips converting it to UTF-8
        # and every hit from byte to character offsets. When every first word is ASCII, a non-ASCII character
        # of the text becomes "?" (no first word holds one); otherwise only ASCII text can be searched so.
        # Both are DFAs: a quarter faster than the library's default (a contiguous NFA) on AllSides, for
        # about 1 MB per 1,000 words.
        use_automaton = self.engine == "aho-corasick" and self._first_words
        self._ascii_first_words = all(word.isascii() for word in self._first_words)
        self._automaton = ahocorasick_rs.AhoCorasick(
            self._first_words, implementation=ahocorasick_rs.Implementation.DFA) if use_automaton else None
        self._ascii_automaton = ahocorasick_rs.BytesAhoCorasick(
            [word.encode("utf-8") for word in self._first_words],
            implementation=ahocorasick_rs.Implementation.DFA) if use_automaton else None

    def _continuation(self, first_word: str):
        """``match`` of a regex that must match after ``first_word`` for any term to start with it, or None.

        Only for a first word that is no term (nor stem) by itself: "the" of
        "the left" starts tens of thousands of candidates in a large corpus,
        and this check, run in C, drops the ones not followed by a gap and a
        second word of one of its terms before the trie walk (a superset of
        what the walk accepts, so no match is lost).
        """
        node = self._word_trie.get(("", first_word))
        root_stems = self._word_trie.get(_WILD, {})
        if node is None or _END in node or ("", first_word) in root_stems:
            return None
        second = sorted({word for key in node if isinstance(key, tuple) for word in key[1:]}
                        | {stem for _, stem in node.get(_WILD, {})})
        return re.compile(r"\W+(?:" + "|".join(map(re.escape, second)) + ")").match

    def _add_to_word_trie(self, words, separators, wildcard, index) -> None:
        node = self._word_trie
        for position, word in enumerate(words):
            separator = separators[position - 1] if position else ""
            last = position == len(words) - 1
            if last and wildcard:
                stems = node.setdefault(_WILD, {})
                stems.setdefault((separator, word), []).append(index)
                node[_STEM_LENGTHS] = sorted({len(stem) for _, stem in stems if len(stem) >= MIN_WILDCARD_STEM})
                return
            node = node.setdefault((separator, word), {})
        node.setdefault(_END, []).append(index)

    def match(self, text: NormalizedText, classes: np.ndarray | None = None) -> list[Match]:
        """All counted matches in one text, ordered by start, then dimension.

        Parameters
        ----------
        text : NormalizedText
        classes : numpy.ndarray, optional
            ``character_classes(text.text)``, when the caller has it already.

        Returns
        -------
        list of Match
        """
        lower = text.lower
        starts = self._starts_by_automaton(lower, classes) if self._automaton is not None \
            else self._starts_by_regex(lower)
        candidates: list[tuple[int, int, int]] = []
        for start in starts:
            candidates.extend(self._terms_at(text, lower, start))
        return self._resolve(candidates)

    def _starts_by_regex(self, lower: str) -> list[int]:
        starts = []
        search = self.pattern.search
        position = 0
        while True:
            found = search(lower, position)
            if found is None:
                return starts
            starts.append(found.start())  # the pattern starts with \b: a word starts here
            position = found.start() + 1

    def _starts_by_automaton(self, lower: str, classes: np.ndarray | None) -> list[int]:
        # A plain loop over the hits, not numpy: an article has a few dozen hits, too few to repay
        # numpy's overhead per call (with israel_gaza, most are "aid" inside "said": no word start).
        if self._ascii_first_words or lower.isascii():
            hits = self._ascii_automaton.find_matches_as_indexes(lower.encode("ascii", "replace"), overlapping=True)
        else:
            hits = self._automaton.find_matches_as_indexes(lower, overlapping=True)
        if not hits:
            return []
        # One flag byte per character, and a non-word one past the end of the text.
        flags = (character_classes(lower) if classes is None else classes).tobytes() + b"\0"
        needs_word_end, continues = self._needs_word_end, self._continues
        return sorted({start for pattern, start, end in hits
                       if not (start and flags[start - 1] & WORD_CHARACTER)
                       and not (needs_word_end[pattern] and flags[end] & WORD_CHARACTER)
                       and (continues[pattern] is None or continues[pattern](lower, end) is not None)})

    def _terms_at(self, text: NormalizedText, lower: str, start: int):
        """Every (start, end, entry) whose term matches at ``start``."""
        word_match = _WORD_RE.match(lower, start)
        if word_match is None:
            return []
        word, end = word_match.group(), word_match.end()
        # The first step depends on the first word alone, and the same words start most terms: remember it.
        step = self._first_steps.get(word)
        if step is None:
            step = self._first_steps[word] = _step(self._word_trie, "", word)
        indexes, node = step
        found = [(start, end, index) for index in indexes]
        while node is not None:
            gap = _GAP_RE.match(lower, end)
            if gap is None:
                break
            gap_text = gap.group()
            separator = SPACE_OR_HYPHEN if _SEPARATOR_RE.match(gap_text) else gap_text
            word_match = _WORD_RE.match(lower, gap.end())
            if word_match is None:
                break
            word, end = word_match.group(), word_match.end()
            indexes, node = _step(node, separator, word)
            found.extend((start, end, index) for index in indexes)
        return [candidate for candidate in found
                if candidate[2] not in self._checked or self._accept(text, lower, *candidate)]

    def _accept(self, text: NormalizedText, lower: str, start: int, end: int, index: int) -> bool:
        check = self._case_checks.get(index)
        if check is not None and not check.fullmatch(text.text, start, end):
            return False
        exclusions = self._exclusions.get(index)
        if not exclusions:
            return True
        window_start = max(0, start - self._max_exclusion)
        window_end = min(len(lower), end + self._max_exclusion)
        # A term's exclusions share its case rule, and are read as its words are: letter for letter in
        # the lower-cased text (see _term_regex). So an exclusion can only occur where its longest word
        # does: a substring test spares most regex searches ("war" has seven exclusions).
        haystack = text.text if self.entries[index].term.case_sensitive else lower
        window = haystack[window_start:window_end]
        for exclusion, word in exclusions:
            if word not in window:
                continue
            # search from every position, not finditer: occurrences of an exclusion may overlap each other
            position = window_start
            while (occurrence := exclusion.search(haystack, position, window_end)) is not None:
                if occurrence.start() < end and start < occurrence.end():
                    return False
                if occurrence.start() >= end:
                    break
                position = occurrence.start() + 1
        return True

    def _resolve(self, candidates: list[tuple[int, int, int]]) -> list[Match]:
        # The candidates come in order of start. When no two overlap, as in most texts, every one is kept,
        # and their starts are distinct, so that order is the order of the result.
        if all(candidates[i][1] <= candidates[i + 1][0] for i in range(len(candidates) - 1)):
            return [Match(start, end, index) for start, end, index in candidates]
        by_dimension: dict[int, list] = {}
        for start, end, index in candidates:
            term = self.entries[index].term
            rank = (-(end - start), start, not term.case_sensitive, term.wildcard, index)
            by_dimension.setdefault(self._dimension_of[index], []).append((rank, start, end, index))
        chosen = []
        for dimension in sorted(by_dimension):
            starts: list[int] = []
            ends: list[int] = []
            for _, start, end, index in sorted(by_dimension[dimension]):
                slot = bisect.bisect_left(starts, start)
                if slot > 0 and ends[slot - 1] > start:
                    continue
                if slot < len(starts) and starts[slot] < end:
                    continue
                starts.insert(slot, start)
                ends.insert(slot, end)
                chosen.append((start, dimension, end, index))
        chosen.sort()
        return [Match(start, end, index) for start, _, end, index in chosen]


def _step(node: dict, separator: str, word: str) -> tuple[list[int], dict | None]:
    """One word of the trie walk: the entries that match with ``word`` (after ``separator``) as their last
    word, and the node to go on from (None when no longer term goes on)."""
    indexes = []
    stems = node.get(_WILD)
    if stems:  # wildcard terms whose stem begins this word; only the lengths of stems here can match
        for length in node[_STEM_LENGTHS]:
            if length > len(word):
                break
            indexes.extend(stems.get((separator, word[:length]), ()))
    node = node.get((separator, word))
    if node is None:
        return indexes, None
    indexes.extend(node.get(_END, ()))
    return indexes, None if len(node) == 1 and _END in node else node


def _add_to_char_trie(trie: dict, words, separators, wildcard) -> None:
    node = trie
    for position, word in enumerate(words):
        if position:
            symbol = _SEP if separators[position - 1] == SPACE_OR_HYPHEN else separators[position - 1]
            node = node.setdefault(symbol, {})
        for char in word:
            node = node.setdefault(char, {})
    node[_WILD if wildcard else _END] = True


def _render_char_trie(node: dict) -> str:
    """Render a character trie as a regex; longer alternatives come first."""
    alternatives = []
    single_chars = []
    for symbol in sorted(key for key in node if key not in (_END, _WILD)):
        child = node[symbol]
        if symbol == _SEP:
            alternatives.append(_SEPARATOR_PATTERN + _render_char_trie(child))
        elif set(child) == {_END}:
            single_chars.append(symbol)
        else:
            alternatives.append(re.escape(symbol) + _render_char_trie(child))
    if single_chars:
        chars = "".join(re.escape(c) for c in single_chars)
        alternatives.append((f"[{chars}]" if len(single_chars) > 1 else chars) + r"(?!\w)")
    if _WILD in node:
        alternatives.append(r"\w*")
    if _END in node:
        alternatives.append(r"(?!\w)")
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def _term_regex(term: str, *, case_sensitive: bool) -> re.Pattern:
    """A regex for one term, with word boundaries, on normalised text that is lower-cased unless the term
    is ``case_sensitive``. It reads words letter for letter, as the matcher does: no ``re.IGNORECASE``, whose
    rules differ from ``str.lower`` (they let "i" match the dotless "\u0131")."""
    words, separators = parse_term(term, case_sensitive)
    parts = []
    for position, word in enumerate(words):
        if position:
            separator = separators[position - 1]
            parts.append(_SEPARATOR_PATTERN if separator == SPACE_OR_HYPHEN else re.escape(separator))
        parts.append(re.escape(word))
    wildcard = term.strip().endswith("*")
    body = r"(?<!\w)" + "".join(parts) + (r"\w*" if wildcard else r"(?!\w)")
    return re.compile(body)


def _word_finder(words):
    """``find_matches_as_indexes`` of a leftmost-longest Aho-Corasick search for ``words`` (each hit
    ``(word number, start, end)``), or None without ``ahocorasick_rs``.

    For regexes that ``re`` must try at every character (a pattern that opens
    with a lookbehind or ``\\b``): the automaton finds the places where one of
    the words starts, and the regex checks only those.
    """
    if ahocorasick_rs is None:
        return None
    return ahocorasick_rs.AhoCorasick(sorted(words), matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST,
                                      implementation=ahocorasick_rs.Implementation.DFA).find_matches_as_indexes


@functools.lru_cache(maxsize=16)
def matcher_for(lexicons: tuple[Lexicon, ...], engine: str = "auto") -> TermMatcher:
    """A cached :class:`TermMatcher` for a tuple of lexicons."""
    return TermMatcher(lexicons, engine=engine)


def reference_matches(text: NormalizedText, lexicons: Sequence[Lexicon]) -> list[tuple[int, int, str, str, str, str]]:
    """The matching rules, implemented plainly: for testing the fast engine.

    Tokenise the text into words and the gaps between them; try every term at
    every word; keep, for each axis, the longest matches that do not overlap.

    Returns
    -------
    list of (start, end, lexicon, axis, pole, term)
        Sorted by start, then lexicon and axis.
    """
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text.text)]
    lower = text.lower
    found = []
    for lexicon in lexicons:
        for entry in lexicon.entries():
            term = entry.term
            term_words, separators = parse_term(term.text, term.case_sensitive)
            source = text.text if term.case_sensitive else lower
            for first in range(len(words) - len(term_words) + 1):
                if _reference_term_at(source, words, first, term_words, separators, term.wildcard) \
                        and not _reference_excluded(text, words, first, len(term_words), term):
                    start, end = words[first][0], words[first + len(term_words) - 1][1]
                    found.append((entry, start, end))
    result = []
    dimensions = {}
    for entry, start, end in found:
        dimensions.setdefault((entry.lexicon, entry.axis), []).append((entry, start, end))
    for (lexicon_name, axis), items in dimensions.items():
        items.sort(key=lambda item: (-(item[2] - item[1]), item[1], not item[0].term.case_sensitive,
                                     item[0].term.wildcard))
        taken: list[tuple[int, int]] = []
        for entry, start, end in items:
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
                result.append((start, end, lexicon_name, axis, entry.pole, entry.term.text))
    return sorted(result)


def _reference_term_at(source: str, words, first: int, term_words, separators, wildcard: bool) -> bool:
    for offset, term_word in enumerate(term_words):
        start, end = words[first + offset]
        word = source[start:end]
        is_last = offset == len(term_words) - 1
        if is_last and wildcard:
            if not word.startswith(term_word):
                return False
        elif word != term_word:
            return False
        if offset:
            gap = source[words[first + offset - 1][1]:start]
            wanted = separators[offset - 1]
            if wanted == SPACE_OR_HYPHEN:
                if not gap or any(not (c.isspace() or c == "-") for c in gap):
                    return False
            elif gap != wanted:
                return False
    return True


def _reference_excluded(text: NormalizedText, words, first: int, length: int, term: Term) -> bool:
    for phrase in term.exclude:
        phrase_words, separators = parse_term(phrase, term.case_sensitive)
        source = text.text if term.case_sensitive else text.lower
        wildcard = phrase.strip().endswith("*")
        for start in range(max(0, first - len(phrase_words) + 1), first + length):
            if start + len(phrase_words) <= len(words) and _reference_term_at(
                    source, words, start, phrase_words, separators, wildcard):
                return True
    return False
