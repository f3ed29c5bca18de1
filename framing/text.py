"""Text stage: normalisation with exact offset maps, word tokens and sentences.

Every later stage matches on *normalised* text (straight quotes, ASCII dashes and
spaces, Unicode NFKC) but reports character offsets into the *displayed* text,
the article text as loaded. :class:`NormalizedText` carries the map between the
two, so a keyword-in-context line always points at the right characters.

Only data-free NLTK tools are used: :class:`nltk.tokenize.RegexpTokenizer` for
words and :class:`nltk.tokenize.punkt.PunktSentenceTokenizer` with our own
abbreviation list for sentences. Nothing is downloaded.

Before any of that, the loader passes every article through
:func:`html_to_text`, so markup scraped with a story never reaches the counts.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from html.entities import html5 as _NAMED_REFERENCES
from html.parser import HTMLParser

import numpy as np
from nltk.tokenize import RegexpTokenizer
from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer

__all__ = [
    "ABBREVIATIONS",
    "HTML_ENTITIES_DECODED",
    "HTML_REMOVED",
    "NormalizedText",
    "LETTER_OR_DIGIT",
    "TOKEN_JOINER",
    "TOKEN_PATTERN",
    "WORD_CHARACTER",
    "character_classes",
    "count_tokens",
    "html_to_text",
    "normalize_text",
    "split_sentences",
    "tokenize",
]

# Characters replaced one-for-one, so offsets do not move.
_ONE_TO_ONE = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    **dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                    "\u200a\u202f\u205f\u3000\t\x0b\x0c", " "),
    "\r": "\n",
}
#: The replaced characters looked for one by one: the ASCII ones (tab, carriage return, backtick, ...), and
#: the curly quotes and dashes that most news texts hold.
_USUAL_REPLACED = "".join(char for char in _ONE_TO_ONE if char.isascii()) + "\u2019\u201c\u201d\u2014\u2013\u2018"
# Characters dropped: zero-width marks, the byte-order mark and the soft hyphen.
_DROPPED = dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", "")
# Characters of combining class 0 that NFKC turns into combining marks (Tibetan vowel signs).
_EXPANDS_TO_MARKS = "\u0f73\u0f75\u0f81"

#: Regular expression of one word token: letters or digits, with inner hyphens
#: and apostrophes kept ("Hamas-run", "Israel's" are one token each).
TOKEN_PATTERN = r"[^\W_]+(?:['-][^\W_]+)*"
_WORD_TOKENIZER = RegexpTokenizer(TOKEN_PATTERN)

#: Abbreviations after which a period does not end a sentence (lower case,
#: without the final period, inner periods kept), as Punkt expects them.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof rev fr sr jr st mt ft gen lt col maj capt cpt sgt cpl pvt adm
    cmdr gov pres sen rep reps amb sec supt insp det hon messrs mme mlle
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    inc ltd co corp bros dept univ assn est approx vs no nos vol fig op cf ca
    u.s u.k u.n e.u u.a.e u.s.a d.c a.m p.m i.e e.g al etc
    """.split()
)


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus the map back to the displayed text.

    Parameters
    ----------
    text : str
        The normalised text, used for matching and tokens.
    original : str
        The displayed text it came from.
    segments : tuple of (int, int, int, int), default=()
        ``(normalised_start, original_start, normalised_length,
        original_length)`` for every stretch whose length changed (or whose
        combining marks were reordered). Empty when normalisation kept every
        character in place, the common case.
    """

    text: str
    original: str
    segments: tuple = ()

    @functools.cached_property
    def lower(self) -> str:
        """The normalised text in lower case, character for character."""
        # U+0130 is the only character whose lower case is two characters long.
        return self.text.lower() if self.text.isascii() else self.text.replace("\u0130", "I").lower()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the displayed text.

        Parameters
        ----------
        start, end : int
            Half-open span in :attr:`text`.

        Returns
        -------
        (int, int)
            Half-open span in :attr:`original` that covers the same characters.
        """
        if not self.segments:
            return start, end
        return self._to_original(start, is_end=False), self._to_original(end, is_end=True)

    def original_spans(self, spans) -> np.ndarray:
        """:meth:`original_span` of many spans at once.

        Parameters
        ----------
        spans : array-like of shape (n_spans, 2)
            Half-open spans in :attr:`text`.

        Returns
        -------
        numpy.ndarray of shape (n_spans, 2), int64
        """
        spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        if not self.segments:
            return spans.copy()
        segments = np.array(self.segments, dtype=np.int64)
        mapped = np.empty_like(spans)
        for column, is_end in ((0, False), (1, True)):
            position = spans[:, column]
            index = np.searchsorted(segments[:, 0], position, side="left" if is_end else "right") - 1
            norm_start, orig_start, norm_length, orig_length = segments[np.maximum(index, 0)].T
            norm_end = norm_start + norm_length
            # (An end finds only stretches that start before it: bisect_left; so an end at norm_end is inside.)
            inside = position <= norm_end if is_end else position < norm_end
            covered = orig_start + orig_length if is_end else orig_start
            mapped[:, column] = np.where(index < 0, position,
                                         np.where(inside, covered, orig_start + orig_length + position - norm_end))
        return mapped

    @functools.cached_property
    def _segment_starts(self) -> list[int]:
        return [segment[0] for segment in self.segments]

    def _to_original(self, position: int, *, is_end: bool) -> int:
        # A start belongs to the character at ``position``; an end to the one
        # before it. Find the last changed stretch at or before that character.
        if is_end:
            index = bisect.bisect_left(self._segment_starts, position) - 1
        else:
            index = bisect.bisect_right(self._segment_starts, position) - 1
        if index < 0:
            return position
        norm_start, orig_start, norm_length, orig_length = self.segments[index]
        norm_end = norm_start + norm_length
        if position < norm_end or (is_end and position == norm_end and norm_length):
            # Inside a stretch that changed length: cover all of it.
            return orig_start + orig_length if is_end else orig_start
        return orig_start + orig_length + (position - norm_end)


def _mark_run(chars) -> str:
    """Regex of a run of the combining marks among ``chars`` (``""`` when there is none).

    A mark is any character of nonzero canonical combining class. NFKC reorders
    and composes across a whole run, so a run is normalised as one stretch;
    characters that normalisation drops may sit among the marks. Only the
    marks of one text go in the class: scanning for every mark in Unicode
    costs close to a microsecond per character, and most texts that reach
    the slow path (an ellipsis, a soft hyphen) hold no mark at all.
    """
    marks = "".join(sorted(char for char in chars if unicodedata.combining(char) or char in _EXPANDS_TO_MARKS))
    if not marks:
        return ""
    return f"(?:[{re.escape(''.join(sorted(_DROPPED)))}]*[{re.escape(marks)}])+"


@functools.lru_cache(maxsize=4096)
def _normalize_char(char: str) -> str:
    if char in _DROPPED:
        return ""
    if char in _ONE_TO_ONE:
        return _ONE_TO_ONE[char]
    composed = unicodedata.normalize("NFKC", char)
    # NFKC may itself produce characters we map (e.g. a fullwidth dash).
    return "".join(_ONE_TO_ONE.get(c, c) for c in composed)


def normalize_text(text: str) -> NormalizedText:
    """Normalise typography and Unicode while keeping an exact offset map.

    Curly quotes become straight quotes, every dash becomes ``-``, unusual
    spaces and tabs become a plain space, ``\\r`` becomes ``\\n``, zero-width
    characters and soft hyphens are dropped, and the text is put in Unicode
    NFKC form (so "ﬁ" becomes "fi" and "…" becomes "...").

    Parameters
    ----------
    text : str
        Displayed text.

    Returns
    -------
    NormalizedText
        The normalised text and the map back to ``text``.

    Examples
    --------
    >>> normalized = normalize_text("Israel\u2019s \u201cflexibility\u201d\u2026 ok")
    >>> normalized.text
    'Israel\\'s "flexibility"... ok'
    >>> normalized.original_span(26, 28)  # "ok", after the one-character ellipsis
    (24, 26)
    """
    # One-for-one replacements never move an offset, so make them first: the usual ones, each looked up in
    # place (a fast scan), which is all most texts need; then those of the other characters present (found in
    # one pass, faster than a scan of the text for each of the 44 characters replaced).
    replaced = text
    for char in _USUAL_REPLACED:
        if char in replaced:
            replaced = replaced.replace(char, _ONE_TO_ONE[char])
    if replaced.isascii():  # the common case, curly quotes and dashes at most: nothing to drop or compose
        return NormalizedText(replaced, text)
    wide = _wide_characters(replaced)
    for char in wide:
        if char in _ONE_TO_ONE:
            replaced = replaced.replace(char, _ONE_TO_ONE[char])
    if replaced.isascii():
        return NormalizedText(replaced, text)
    # Text already in NFKC has no run of combining marks left to compose. The replacements bring in no
    # character to drop, so the text's own characters tell whether there is one.
    if wide.isdisjoint(_DROPPED) and unicodedata.is_normalized("NFKC", replaced):
        return NormalizedText(replaced, text)
    return _normalize_with_segments(replaced, text, {char for char in wide if char not in _ONE_TO_ONE})


def _wide_characters(text: str) -> set[str]:
    """The distinct non-ASCII characters of ``text``: its UTF-8 bytes once the ASCII ones are deleted, decoded
    (faster than a scan of the text for each character sought)."""
    return set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII).decode("utf-8", "surrogatepass"))


_ASCII = bytes(range(128))


def _normalize_with_segments(replaced: str, original: str, present: set[str]) -> NormalizedText:
    """Slow path: some characters change length, so record each such stretch.

    ``replaced`` is ``original`` after the one-for-one replacements (same
    length, same offsets), and ``present`` its non-ASCII characters: after
    those replacements, only they can still change.
    """
    changed = {char: _normalize_char(char) for char in present}
    changed = {char: value for char, value in changed.items() if value != char}
    resizing = {char for char, value in changed.items() if len(value) != 1}
    for char, value in changed.items():
        if char not in resizing:
            replaced = replaced.replace(char, value)
    # A base (a letter, or a character that NFKC expands) and the combining marks after it are
    # normalised together: NFKC composes and reorders across them. The replacements just made may
    # have brought in marks of their own.
    marks = _mark_run(present.union(*changed.values()))
    expanding = f"[{re.escape(''.join(sorted(resizing)))}]" if resizing else ""
    base = rf"(?:{expanding}|[^\W\d_])?" if resizing else r"[^\W\d_]?"
    alternatives = ([base + marks] if marks else []) + ([expanding] if resizing else [])
    if not alternatives:  # only same-length replacements, all made above
        return NormalizedText(replaced, original)
    special = re.compile("|".join(alternatives))
    pieces: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    norm_position = cursor = 0
    for match in special.finditer(replaced):
        pieces.append(replaced[cursor:match.start()])
        norm_position += match.start() - cursor
        chunk = match.group()
        if len(chunk) == 1 and chunk in resizing:
            replacement = changed[chunk]
        else:  # a base and its marks: drop, replace and expand each character, then compose
            composed = unicodedata.normalize("NFKC", "".join(map(_normalize_char, chunk)))
            replacement = "".join(_ONE_TO_ONE.get(char, char) for char in composed)
        pieces.append(replacement)
        # A run whose marks NFKC reorders keeps its length but not its order: map it as a whole.
        if len(replacement) != len(chunk) or (len(chunk) > 1 and replacement != chunk):
            segments.append((norm_position, match.start(), len(replacement), len(chunk)))
        norm_position += len(replacement)
        cursor = match.end()
    pieces.append(replaced[cursor:])
    return NormalizedText("".join(pieces), original, tuple(segments))


def tokenize(text: str) -> list[str]:
    """Split text into lower-case word tokens (data-free NLTK tokenizer).

    Parameters
    ----------
    text : str
        Any text; it is normalised first.

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("Hamas-run ministry: 1,200 killed")
    ['hamas-run', 'ministry', '1', '200', 'killed']
    """
    return _WORD_TOKENIZER.tokenize(normalize_text(text).lower)


#: Bit flags of :func:`character_classes`.
LETTER_OR_DIGIT = 1
WORD_CHARACTER = 2  # letters, digits and "_": what ``\\w`` matches
TOKEN_JOINER = 4  # "-" and "'", which join two runs into one token


#: A character :func:`_class_table` has not classified yet.
_UNCLASSIFIED = 255


def _class_of(code: int) -> int:
    char = chr(code)
    if char in "-'":
        return TOKEN_JOINER
    if char.isalnum():
        return LETTER_OR_DIGIT | WORD_CHARACTER
    return WORD_CHARACTER if char == "_" else 0


@functools.lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """The flags of every code point, filled in as texts bring new characters (see :func:`character_classes`):
    classifying all 1.1 million up front took 0.3 s in every process, workers included."""
    table = np.full(0x110000, _UNCLASSIFIED, dtype=np.uint8)
    table[:128] = [_class_of(code) for code in range(128)]
    return table


def character_classes(text: str) -> np.ndarray:
    """Bit flags for every character: :data:`LETTER_OR_DIGIT`, :data:`WORD_CHARACTER`, :data:`TOKEN_JOINER`.

    One vectorised lookup per text, shared by :func:`count_tokens` and the
    matcher's word-boundary checks.
    """
    if text.isascii():  # most normalised texts: one byte per character, classified by bytes.translate
        return np.frombuffer(text.encode("ascii").translate(_ascii_classes()), dtype=np.uint8)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _class_table()
    classes = table[codes]
    new = classes == _UNCLASSIFIED
    if new.any():
        for code in np.unique(codes[new]).tolist():
            table[code] = _class_of(code)
        classes = table[codes]
    return classes


@functools.lru_cache(maxsize=1)
def _ascii_classes() -> bytes:
    """:func:`_class_table` of the 128 ASCII characters, as a ``bytes.translate`` table (256 bytes)."""
    return bytes(_class_table()[:128].tolist()) + bytes(128)


def count_tokens(text: str, classes: np.ndarray | None = None) -> int:
    """Count word tokens, the denominator of every rate per 1,000 tokens.

    Exactly the number of :data:`TOKEN_PATTERN` matches, counted without
    building them: runs of letters and digits, minus the inner hyphens and
    apostrophes that join two runs into one token.

    Parameters
    ----------
    text : str
        Normalised or displayed text.
    classes : numpy.ndarray, optional
        ``character_classes(text)``, when the caller has it already.

    Returns
    -------
    int

    Examples
    --------
    >>> count_tokens("Hamas-run ministry, Israel's army -- 1,200.")
    6
    """
    if not text:
        return 0
    classes = character_classes(text) if classes is None else classes
    alnum = (classes & LETTER_OR_DIGIT).view(bool)  # 0 or 1: a bool already, no copy
    starts = int(alnum[0]) + int(np.count_nonzero(alnum[1:] > alnum[:-1]))
    joined = classes[1:-1] == TOKEN_JOINER  # "-" and "'" have that flag alone (see _class_of)
    joined &= alnum[:-2]
    joined &= alnum[2:]
    return starts - int(np.count_nonzero(joined))


# The start of a candidate break's context (see _Punkt) after a plain word: two or more ASCII letters, the
# break character, then punctuation or spaces and a printable ASCII character other than "." (". . ." would be
# an ellipsis). Spaces are " " and tab only: Punkt's regex module and re disagree on some others (U+001C).
_PLAIN_BREAK_RE = re.compile(r"([A-Za-z]{2,})([.?!])(?:[ \t]+[!-\-/-~]|%s)"
                             % PunktLanguageVars()._re_non_word_chars)


#: What Punkt's patterns read as whitespace: nltk compiles them with the ``regex`` engine, whose ``\s`` is Unicode's
#: White_Space; that of ``re`` also takes U+001C to U+001F.
_PUNKT_SPACE = "\t-\r\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


class _LanguageVars(PunktLanguageVars):
    """Punkt's two patterns that run on every line and every sentence, compiled with ``re``.

    nltk routes every pattern through ``nltk.redos``: the ``regex`` engine,
    with a time limit armed on each call. For the million short lines of a
    large corpus that doubles the cost of splitting. These are nltk's
    patterns (the end of a sentence with what follows it; the closing
    punctuation that stays with a sentence), with whitespace spelled out as
    ``regex`` reads it. Neither can backtrack badly: each end-of-sentence
    character reads at most the token after it. A test compares the spans
    with nltk's own; they split all 922,058 lines of the AllSides corpus
    alike.
    """

    re_boundary_realignment = re.compile(r"[\"')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:[%s]+|(?=--)|$)" % _PUNKT_SPACE,
                                         re.MULTILINE)

    @functools.cached_property
    def _period_context(self) -> re.Pattern:
        return re.compile(r"%s(?=(?P<after_tok>%s|[%s]+(?P<next_tok>[^%s]+)))"
                          % (self._re_sent_end_chars, self._re_non_word_chars, _PUNKT_SPACE, _PUNKT_SPACE))

    def period_context_re(self) -> re.Pattern:
        return self._period_context


class _Punkt(PunktSentenceTokenizer):
    """Punkt with :data:`ABBREVIATIONS`, whose test of each candidate break skips the common case.

    Punkt tests each candidate break by tokenising its context (the word
    before, the break character and what follows) and running both of its
    annotation passes over those tokens, about 27 microseconds a context. The
    result depends on the context alone. When the word before is two or more
    ASCII letters and a token follows (``_PLAIN_BREAK_RE``), the passes always
    find a break: such a word is no initial (one letter), number or ellipsis,
    so only an abbreviation's period is not a break, and these parameters have
    no collocations, sentence starters or orthographic context to overrule the
    first pass. Those contexts, three in four in news text, are answered at
    once; Punkt tests the others, and its answers are remembered ("Mr. Trump",
    "U.S. officials" recur). The sentences are Punkt's own: a test compares
    the two on generated text, and they split all 959,989 lines of the
    AllSides corpus alike.
    """

    def __init__(self):
        parameters = PunktParameters()
        parameters.abbrev_types = set(ABBREVIATIONS)
        super().__init__(parameters, lang_vars=_LanguageVars())
        self._punkt_test = functools.lru_cache(maxsize=1 << 16)(super().text_contains_sentbreak)

    def text_contains_sentbreak(self, text: str) -> bool:
        plain = _PLAIN_BREAK_RE.match(text)
        if plain is not None and (plain[2] != "." or plain[1].lower() not in ABBREVIATIONS):
            return True
        return self._punkt_test(text)


@functools.lru_cache(maxsize=1)
def _sentence_tokenizer() -> _Punkt:
    return _Punkt()


_LINE_RE = re.compile(r"[^\n]+")


def split_sentences(text: str, near=None) -> list[tuple[int, int]]:
    """Split normalised text into sentence spans.

    Lines are split first (a headline or a paragraph never runs into the next),
    then Punkt splits each line, with :data:`ABBREVIATIONS` so that "Mr.",
    "U.S." and "Jan." do not end a sentence. A closing quote after the final
    period stays with its sentence.

    Parameters
    ----------
    text : str
        Normalised text (straight quotes), for example ``NormalizedText.text``.
    near : iterable of int, optional
        Split only the lines that hold one of these positions, and the lines
        before each back to the sentence before the one the position finds
        (the last sentence that starts at or before it). Punkt is the costliest
        step of every stage that needs sentences, and most of them need only
        the sentence around a few matches (and the one before it): every
        position then finds the same sentence, and the same sentence before
        that, as in the whole list.

    Returns
    -------
    list of (int, int)
        Half-open character spans, in order, without surrounding spaces.

    Examples
    --------
    >>> text = "Talks resumed.\\nMr. Smith said 40 were killed. Aid waits.\\nMore later."
    >>> split_sentences(text)
    [(0, 14), (15, 45), (46, 56), (57, 68)]
    >>> split_sentences(text, near=[60])  # the last line, and the line before it
    [(15, 45), (46, 56), (57, 68)]
    """
    tokenizer = _sentence_tokenizer()
    lines = [line.span() for line in _LINE_RE.finditer(text)]
    split: dict[int, list[tuple[int, int]]] = {}

    def split_line(index: int) -> list[tuple[int, int]]:
        if index not in split:
            start, end = lines[index]
            split[index] = [(start + left, start + right) for left, right in tokenizer.span_tokenize(text[start:end])]
        return split[index]

    if near is None:
        for index in range(len(lines)):
            split_line(index)
        return [span for index in sorted(split) for span in split[index]]
    line_starts = [start for start, _ in lines]
    first_position: dict[int, int] = {}  # line -> the first position in it
    for position in near:
        index = bisect.bisect_right(line_starts, position) - 1
        if index >= 0:
            first_position[index] = min(position, first_position.get(index, position))
    for index, position in first_position.items():
        own = split_line(index)
        # A position finds a sentence of its own line unless it comes before the first one (or the line has
        # none): then that sentence, and the one before it, are in earlier lines.
        needed = 1 if own and own[0][0] <= position else 2
        before = index - 1
        while before >= 0 and needed > 0:
            needed -= len(split_line(before))
            before -= 1
    return [span for index in sorted(split) for span in split[index]]


# A tag, comment or doctype that makes a text HTML. A "<" that opens none of
# them, as in "a < b" or "x<y", leaves the text alone.
_HTML_TAG = re.compile(
    r"<(?:!--|!doctype\s|/?(?:a|abbr|address|article|aside|b|blockquote|body|br|caption|cite|code|dd|div|dl|dt|em|"
    r"figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|iframe|img|li|link|main|meta|nav|noscript|ol|p|"
    r"pre|q|s|script|section|small|span|strong|style|sub|sup|table|tbody|td|template|tfoot|th|thead|time|title|"
    r"tr|u|ul)(?:\s[^<>]*)?/?>)", re.IGNORECASE)
# A complete character reference: &amp; &#8220; &#x201C;
_CHARACTER_REFERENCE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_HTML_HIDDEN = frozenset({"script", "style", "noscript", "template"})
# Tags that start and end a paragraph (a blank line) or a line.
_HTML_PARAGRAPHS = frozenset("""
    address article aside blockquote body dl figure footer h1 h2 h3 h4 h5 h6 header hr html main nav ol p pre
    section table title ul
    """.split())
_HTML_LINES = frozenset("caption dd div dt figcaption li tbody td tfoot th thead tr".split())
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# A "<" that never closes (no ">" before the next "<", as in "if a<b"), and a "<![" section that
# is not CDATA or a conditional: html.parser takes quadratic time over many of the first, and
# before Python 3.13 raises AssertionError on the second. Both are text, written as "&lt;".
_NOT_MARKUP = re.compile(r"<(?!!--)(?![^<>]*>)|<(?=!\[(?!(?:cdata|if|else|endif)(?![-_.a-z0-9])))", re.IGNORECASE)
#: Warnings of :func:`html_to_text`, as the load report shows them.
HTML_REMOVED = "HTML markup removed"
HTML_ENTITIES_DECODED = "HTML entities decoded"


class _HTMLText(HTMLParser):
    """Collect the text of an HTML document, for :func:`html_to_text`."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.preformatted = 0
        self.newlines = 0  # line breaks owed before the next text

    def _block(self, tag: str) -> None:
        if tag in _HTML_PARAGRAPHS:
            self.newlines = 2
        elif tag in _HTML_LINES:
            self.newlines = max(self.newlines, 1)

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in _HTML_HIDDEN
        self.preformatted += tag == "pre"
        if tag == "br":
            self.newlines = min(self.newlines + 1, 2)
        self._block(tag)

    def handle_endtag(self, tag):
        if tag in _HTML_HIDDEN and self.hidden:
            self.hidden -= 1
        if tag == "pre" and self.preformatted:
            self.preformatted -= 1
        self._block(tag)

    def handle_data(self, data):
        if self.hidden:
            return
        if not self.preformatted:
            data = _HTML_SPACE.sub(" ", data)
        if self.newlines and data.strip(" "):
            self.parts.append("\n" * self.newlines)
            self.newlines = 0
        if not self.preformatted and data.startswith(" ") and (not self.parts or self.parts[-1].endswith((" ", "\n"))):
            data = data[1:]  # one space between two pieces of text, as a browser shows it
        self.parts.append(data)


def _decode_reference(reference: re.Match) -> str:
    """A numeric reference, or a named one spelled exactly as in HTML5 (``&ampx;`` stays as it is)."""
    name = reference.group()[1:]
    if name.startswith("#"):
        return html.unescape(reference.group())
    return _NAMED_REFERENCES.get(name, reference.group())


def html_to_text(text: str) -> tuple[str, str]:
    """Turn HTML in an article into plain text; leave plain text alone.

    A text is HTML when it holds a known tag (``<p>``, ``<br>``, ``<div>``,
    ``<a href=...>``, ``<script>``...), a comment or a doctype. Then tags are
    removed, paragraphs and headings are separated by a blank line, list
    items, ``<div>`` and ``<br>`` end a line, runs of spaces collapse as a
    browser would (inside ``<pre>``, line breaks are kept), the content of
    ``<script>``, ``<style>``, ``<noscript>`` and ``<template>`` is dropped,
    and character references (``&amp;``, ``&#8220;``, ``&nbsp;``) are decoded.
    A ``<`` that never closes (``if a<b then``) and a comment that never ends
    stay as text. A text without tags but with complete character references
    has only those decoded. Any other text, including one that mentions
    ``a < b``, comes back unchanged. Only the standard library's
    :mod:`html.parser` is used.

    Parameters
    ----------
    text : str

    Returns
    -------
    (text, warning)
        ``warning`` is ``"HTML markup removed"``, ``"HTML entities decoded"``,
        or ``""`` when the text is returned unchanged.

    Examples
    --------
    >>> html_to_text("<p>Two &ldquo;hostages&rdquo;<br>freed</p><script>x()</script>")
    ('Two \u201chostages\u201d\\nfreed', 'HTML markup removed')
    >>> html_to_text("if a < b then")
    ('if a < b then', '')
    """
    if _HTML_TAG.search(text):
        text = _NOT_MARKUP.sub("&lt;", text)
        closed = text.rfind("-->")  # a comment opened after the last "-->" never closes
        text = text[:closed + 1] + text[closed + 1:].replace("<!--", "&lt;!--")
        parser = _HTMLText()
        parser.feed(text)
        parser.close()
        lines = [line.strip(" ") for line in "".join(parser.parts).split("\n")]
        return "\n".join(lines).strip("\n"), HTML_REMOVED
    decoded = _CHARACTER_REFERENCE.sub(_decode_reference, text)
    return (decoded, HTML_ENTITIES_DECODED) if decoded != text else (text, "")
