"""Text stage: who is speaking — narration, direct quotation and scare quotes, with speakers.

:func:`segment_voice` splits an article's displayed text into spans that tile
it, each labelled with a voice:

- ``narration``: the outlet's own voice. Reported speech ("Hamas said the
  talks resumed", "according to the ministry") stays narration — the outlet
  chose those words — but carries the speaker it attributes them to;
- ``quotation``: words inside quotation marks that quote someone, with the
  marks themselves;
- ``scare_quote``: a short quoted word or phrase (1 to 4 words, no sentence
  punctuation inside) that is not introduced as speech and not followed by an
  attribution: "flexibility", "Israel's". Short embedded fragments such as
  he was 'ready' fall here too: the text gives no way to tell a distancing
  quote from a fragment, and in both cases the words are not the outlet's own.

How quotation marks are read: curly marks give their direction; a straight
``"`` or ``'`` opens after a space or an opening bracket and closes before a
space or punctuation, otherwise it toggles. An apostrophe inside a word
(Israel's, don't) is never a mark. Single quotes nest inside double quotes.
A paragraph that ends inside a quotation continues it when the next paragraph
opens with a quotation mark (the newspaper convention for long quotations);
otherwise the quotation ends with its paragraph.

Speakers come from the words around a quotation: ``"...," X said``, ``said
X``, ``X said: "..."``, ``X told Reuters``, ``according to X``, or the last
speech verb earlier in the same sentence (for partial quotes). A pronoun
(he, she, it, they) is resolved to the last named speaker in the article.
When nothing names one, the speaker is ``"unknown"`` for a quotation and
empty for narration.

What the rules cannot see: quotations without any marks, attributions more
than one sentence away, speakers named only by a description several
sentences back, and irony without quotation marks. The hand-labelled set in
``tests/data/voice/`` measures how often the rules are right; the README
gives the figures.
"""

from __future__ import annotations

import array
import bisect
import contextlib
import dataclasses
import itertools
import re
import sys
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from framing._parallel import map_chunks
from framing.corpus import Corpus, as_corpus
from framing.exceptions import FramingError
from framing.matching import _word_finder
from framing.text import ABBREVIATIONS

__all__ = ["VOICES", "VoiceSpan", "check_voice", "keep_voices", "quoted_voices", "segment_shared", "segment_voice",
           "shared_voices", "voice_at", "voice_spans"]

#: The voice labels, in the order tables and figures show them.
VOICES = ("narration", "quotation", "scare_quote")

_VOICE_CODES = {voice: code for code, voice in enumerate(VOICES)}

#: Verbs that introduce speech or writing. Words that are more often nouns in news text
#: ("demands", "calls", "claims", "notes") and naming verbs ("called", "described") are left out:
#: they attribute nothing.
SPEECH_VERBS = frozenset(
    """
    said says say told tells tell stated states affirmed affirms added adds stressed stresses noted
    warned warns insisted insists argued argues claimed declared declares announced announces explained
    explains wrote writes tweeted posted reiterated reiterates concluded asked asks replied replies responded
    commented emphasized emphasised emphasizes emphasises urged urges acknowledged acknowledges admitted admits
    confirmed confirms denied denies alleged alleges remarked recalled pledged vowed vows cautioned charged
    contended maintained maintains observed suggested suggests reported reports revealed reveals accused
    """.split()
)
#: -ing forms: their speaker is the subject of the sentence ("Haniyeh criticized ..., saying that").
SPEECH_PARTICIPLES = frozenset(
    """
    saying stating adding stressing noting warning insisting arguing claiming declaring announcing explaining
    affirming telling accusing emphasizing emphasising urging confirming denying alleging reiterating
    """.split()
)


def _trie_pattern(words) -> str:
    """A regex matching any of ``words``, a prefix tree: "said" and "says" share one "sa".

    Followed by ``\\b``, it finds the same words as a plain alternation, at a
    fraction of the cost: the regex engine follows one branch per character
    instead of trying every word at every word start.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word ends here and longer ones go on: try the longer first, as \\b decides
            return f"(?:{body})?"
        return body

    return render(trie)


_SPEECH_ALTERNATION = _trie_pattern(SPEECH_VERBS | SPEECH_PARTICIPLES)
_SPEECH_RE = re.compile(rf"\b{_SPEECH_ALTERNATION}\b(?!\s+with\b)")  # "responded with an assault" is not speech
_ACCORDING_PHRASES = ("according to", "in the words of", "as quoted by", "quoting")
_ACCORDING_RE = re.compile(r"\b(?=[aiq])(?:" + "|".join(_ACCORDING_PHRASES) + r")\s+", re.IGNORECASE)
#: The characters other than ASCII letters that re.IGNORECASE takes for ASCII letters (see :func:`_according_to`).
_FOLDED_TO_ASCII = "\u0130\u0131\u017f\u212a"
_SPEECH_WORDS = _word_finder(SPEECH_VERBS | SPEECH_PARTICIPLES)
_PRONOUNS = frozenset("he she it they we i his her its their".split())

_OPEN_DOUBLE = "\u201c\u201e\u00ab"
_CLOSE_DOUBLE = "\u201d\u00bb"
_OPEN_SINGLE = "\u2018\u201a\u2039"
_CLOSE_SINGLE = "\u2019\u203a"
#: Characters after which a mark opens, and before which one closes, besides spaces (see _direction).
_BEFORE_OPENING = "([{\u2014\u2013-/" + _OPEN_DOUBLE + '"'
_AFTER_CLOSING = ".,;:!?)]}\u2014\u2013-" + _CLOSE_DOUBLE + _CLOSE_SINGLE + "\"'"
#: Double marks that, opening a paragraph, continue a quotation left open at the end of the one before.
_CONTINUING_MARKS = "\"\u201c\u201e\u00ab"
_MARK_CLASS = "[\"'\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u201a\u2039\u203a]"
#: A mark that may open, close or continue a quotation: any but an apostrophe between two letters or digits
#: ("Israel's"; [^\W_] is str.isalnum, as _is_apostrophe tests it). Most paragraphs with a match have none;
#: _quotes_in reads only these.
_QUOTING_MARK_RE = re.compile(_MARK_CLASS + "(?!(?<=[^\\W_]['\u2019])[^\\W_])")
_PARAGRAPH_RE = re.compile(r"[^\n]+")
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
#: The characters that end a sentence, and the closing marks a sentence break may hold between one and its spaces.
_STOPS = ".!?"
_BREAK_CLOSERS = "\"'\u201d\u2019)]"
_SENTENCE_END_RE = re.compile(f"[{_STOPS}]")
#: The last stop before the end of the search (a greedy run backs off to it, one character at a time).
_LAST_STOP_RE = re.compile(f"(?s:.*)[{_STOPS}]")
_SENTENCE_BREAK_RE = re.compile(f"[{_STOPS}][{re.escape(_BREAK_CLOSERS)}]*\\s+(?=[\"'\u201c\u2018(\\[]?[A-Z0-9])")
#: Words skipped between a speaker and its verb ("Netanyahu on Sunday reiterated", "Israel has not commented").
_BETWEEN_SUBJECT_AND_VERB = frozenset(
    """
    also further later earlier then previously again repeatedly had has have was were is are not never would
    will did does do on late this last
    """.split()
)
#: Words that end a speaker phrase when reading leftwards from the verb; the phrase starts after them.
_PHRASE_STOPS = frozenset(
    """
    that as and but or which who whom when while after before because if since to in at for with from by into
    than so what whether where although though despite during until it he she they we i you there here
    """.split()
)
_DETERMINERS = frozenset("the a an its his her their our this these those".split())
#: Words skipped at the start of a sentence when looking for its subject.
_LEADING_FILLERS = frozenset(
    """
    earlier later meanwhile however also and but then now today yesterday tonight separately previously finally
    moreover furthermore still so thus additionally elsewhere instead on in at this last week month year
    """.split()
)
_PHRASE_TOKEN_RE = re.compile("[^\\W_]+(?:['\u2019.-][^\\W_]+)*['\u2019]?|[.!?,;:()\"\u201c\u201d\u2018\u2014\u2013\\[\\]]")
#: Small words that may sit inside a name ("Office for the Coordination of Humanitarian Affairs").
_NAME_JOINERS = frozenset("of for and the de al bin el".split())
_PARTICIPLE_TAIL_RE = re.compile(r"\s+(?:speaking|talking|writing|quoted)\s+(?:to|with|by|on)\s+.*$")
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_MAX_SCARE_WORDS = 4
_MAX_SPEAKER_WORDS = 10
# Compiled once: built per call, the speech-verb alternation (about 1 KB) was hashed again for re's cache
# at every quotation and attribution.
_ATTRIBUTION_RE = re.compile(rf"\s*[,:]?\s*(?P<words>(?:[\w'\u2019.-]+,?\s+){{0,{3 * _MAX_SPEAKER_WORDS}}}?)"
                             rf"(?:(?:also|further|later|then)\s+)?(?P<verb>{_SPEECH_ALTERNATION})\b")
_INTRODUCTION_RE = re.compile(rf"\b(?P<verb>{_SPEECH_ALTERNATION})\b(?:\s+(?:that|on\s+\w+|\w+day|[A-Z][\w.]*))?"
                              r"\s*[:,]?$")
_OPENING_QUOTE_RE = re.compile("\\s*[\"\u201c]")
_CLOSING_QUOTE_RE = re.compile("[\"\u201d]")
_NEW_SENTENCE_RE = re.compile(r"[.!?]\s+[A-Z][^.!?]*[.!?]")


@dataclass(frozen=True, slots=True)
class VoiceSpan:
    """A stretch of an article's text in one voice.

    Attributes
    ----------
    start, end : int
        Half-open character span in the article's displayed text.
    voice : str
        One of :data:`VOICES`.
    speaker : str
        Who the words are attributed to: the quoted person for a quotation
        (``"unknown"`` if the text does not say), the source of reported
        speech for narration (``""`` for the outlet's unattributed voice),
        ``""`` for a scare quote.
    quote : int
        Number of the quotation or scare quote in the article, from 1; 0 for
        narration.
    """

    start: int
    end: int
    voice: str
    speaker: str = ""
    quote: int = 0


@dataclass(slots=True)
class _Quote:
    start: int  # the opening mark
    end: int  # just after the closing mark (or the end of the paragraph for an unclosed one)
    inner_start: int
    inner_end: int
    paragraph_start: int
    voice: str = "quotation"
    speaker: str = ""


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _PARAGRAPH_RE.finditer(text)]


def _is_apostrophe(text: str, position: int) -> bool:
    """A ' or ’ between two word characters (Israel's), or before a two-digit year ('90s)."""
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return True
    return not before.isalnum() and text[position + 1:position + 3].isdigit() and \
        (position + 3 >= len(text) or not text[position + 3].isdigit())


def _direction(text: str, position: int, paragraph: tuple[int, int]) -> str:
    """'open', 'close' or 'either' for the mark at ``position``, from its shape and its neighbours."""
    mark = text[position]
    before = text[position - 1] if position > paragraph[0] else " "
    after = text[position + 1] if position + 1 < paragraph[1] else " "
    opens_by_context = (before.isspace() or before in _BEFORE_OPENING) and not after.isspace()
    closes_by_context = not before.isspace() and (after.isspace() or after in _AFTER_CLOSING)
    if mark in _OPEN_DOUBLE or mark in _OPEN_SINGLE:
        return "close" if closes_by_context and not opens_by_context else "open"
    if mark in _CLOSE_DOUBLE or mark in _CLOSE_SINGLE:
        return "open" if opens_by_context and not closes_by_context else "close"
    if opens_by_context and not closes_by_context:
        return "open"
    if closes_by_context and not opens_by_context:
        return "close"
    return "either"


def _find_quotes(text: str) -> list[_Quote]:
    """Top-level quoted regions (nested single quotes are part of their double quote)."""
    return _quotes_in(text, _paragraphs(text))


def _quotes_in(text: str, paragraphs: list[tuple[int, int]]) -> list[_Quote]:
    """The quoted regions of some consecutive paragraphs of ``text``, read as :func:`_find_quotes` reads them.

    A quotation crosses into the next paragraph only when that paragraph
    opens with one of :data:`_CONTINUING_MARKS`, so paragraphs that start and
    end a :func:`_quotation_block` give the same quotes alone as in the whole text.
    """
    quotes: list[_Quote] = []
    open_double: tuple[int, int] | None = None  # (position of the opening mark, paragraph start)
    for index, paragraph in enumerate(paragraphs):
        start, end = paragraph
        open_single: int | None = None
        for match in _QUOTING_MARK_RE.finditer(text, start, end):
            position = match.start()
            mark = text[position]
            if mark in "'\u2019" and _is_apostrophe(text, position):
                continue
            direction = _direction(text, position, paragraph)
            if mark in "\"\u201c\u201d\u201e\u00ab\u00bb":
                if open_double is None:
                    if direction != "close":
                        open_double = (position, start)
                    open_single = None
                elif direction == "open" and position == start and open_double[1] < start:
                    continue  # a continued quotation re-opens at the start of its next paragraph
                else:
                    quotes.append(_Quote(open_double[0], position + 1, open_double[0] + 1, position,
                                         open_double[1]))
                    open_double = None
                    open_single = None  # a single quote nested in the double one cannot outlive it
            elif open_single is None:
                if direction == "open":
                    open_single = position
            elif direction != "open":
                if open_double is None:
                    quotes.append(_Quote(open_single, position + 1, open_single + 1, position, start))
                open_single = None
        if open_double is not None:
            following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            continues = following is not None and text[following[0]] in _CONTINUING_MARKS
            if not continues:
                quote_start = open_double[0]
                quotes.append(_Quote(quote_start, end, quote_start + 1, end, open_double[1]))
                open_double = None
    return quotes


def _at_most_words(text: str, limit: int) -> bool:
    """Whether ``text`` has ``limit`` words or fewer: reading stops at the word after the limit."""
    return next(itertools.islice(_WORD_RE.finditer(text), limit, None), None) is None


def _sentence_start(text: str, position: int, floor: int) -> int:
    """Start of the sentence that ``position`` is in, not before ``floor`` (a paragraph start).

    That is the end of the last sentence break (:data:`_SENTENCE_BREAK_RE`)
    that ends after ``floor`` and at or before ``position``, at no
    abbreviation's period. The stops are read backwards from ``position``.
    """
    at = position
    while (last := _LAST_STOP_RE.match(text, floor, at)) is not None:
        at = last.end() - 1
        found = _SENTENCE_BREAK_RE.match(text, at)
        if found is not None and found.end() <= position and not _ends_with_abbreviation(text, at):
            return found.end()
    # Below floor, only a stop just before the closing marks and spaces that lead up to it can end past it.
    low = floor
    while low > 0 and (text[low - 1].isspace() or text[low - 1] in _BREAK_CLOSERS):
        low -= 1
    found = _SENTENCE_BREAK_RE.match(text, low - 1) if low > 0 else None
    if found is not None and floor < found.end() <= position and not _ends_with_abbreviation(text, low - 1):
        return found.end()
    return floor


def _sentence_end(text: str, position: int, ceiling: int) -> int:
    """End of the sentence that goes on at ``position``, not after ``ceiling`` (a paragraph end): just after
    the first stop at or after ``position`` that begins a sentence break, at no abbreviation's period."""
    for stop in _SENTENCE_END_RE.finditer(text, position, ceiling):
        if _SENTENCE_BREAK_RE.match(text, stop.start()) is not None \
                and not _ends_with_abbreviation(text, stop.start()):
            return stop.start() + 1
    return ceiling


def _ends_with_abbreviation(text: str, period: int) -> bool:
    if text[period] != ".":
        return False
    word_start = period
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:period].lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _is_name(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def _speaker_before(text: str, verb_start: int, floor: int) -> str:
    """The subject phrase that ends just before the speech verb at ``verb_start`` (read leftwards).

    Words between subject and verb ("also", "on Sunday", "has not") are
    skipped; the phrase stops at punctuation, a conjunction or preposition
    (kept: "of"), a pronoun (returned alone, to be resolved), or after a
    determiner; at most seven words.
    """
    before = _PARTICIPLE_TAIL_RE.sub("", text[floor:verb_start])
    tokens = _PHRASE_TOKEN_RE.findall(before)
    while tokens and (tokens[-1].lower() in _BETWEEN_SUBJECT_AND_VERB or tokens[-1].lower() in _WEEKDAYS
                      or tokens[-1].lower().endswith("ly")):
        tokens.pop()
    if tokens and tokens[-1] == ",":  # an appositive: "the head of the bureau, Ismail Haniyeh, stated"
        tokens.pop()
    phrase: list[str] = []
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        lower = token.lower()
        if not token[0].isalnum() or len(phrase) == _MAX_SPEAKER_WORDS:
            break
        if lower in _PRONOUNS and lower not in ("his", "her", "its", "their"):
            return token if not phrase else " ".join(reversed(phrase))
        left = tokens[index - 1] if index > 0 else ""
        if lower in _NAME_JOINERS and phrase and _is_name(phrase[-1]) and left[:1].isalnum() \
                and (_is_name(left) or left.lower() in _NAME_JOINERS):
            phrase.append(token)  # inside a name: "Hamas and Islamic Jihad", "Office for the Coordination"
            continue
        if lower in _PHRASE_STOPS:
            break
        phrase.append(token)
        if lower in _DETERMINERS:
            break
    words = list(reversed(phrase))
    while words and words[0].lower() in _LEADING_FILLERS | _WEEKDAYS:
        words = words[1:]
    if not any(_is_name(word) or word.lower() not in _DETERMINERS for word in words):
        return ""
    return " ".join(words).strip(" .,'\u2019")


def _speaker_after(text: str, position: int, ceiling: int) -> str:
    """The phrase after an inverted speech verb or ``according to`` ("said Netanyahu", "according to the UN")."""
    tokens = _PHRASE_TOKEN_RE.findall(text[position:ceiling])
    phrase: list[str] = []
    for token in tokens:
        lower = token.lower()
        if not token[0].isalnum() or len(phrase) == _MAX_SPEAKER_WORDS:
            break
        if not phrase and lower in _PRONOUNS:
            return token
        if lower in _PHRASE_STOPS - {"by", "to"} or lower in SPEECH_VERBS or lower in _WEEKDAYS \
                or (phrase and lower == "on"):
            break
        phrase.append(token)
    while phrase and phrase[0].lower() in _DETERMINERS:
        phrase = phrase[1:]
    while phrase and (phrase[-1].lower() in _NAME_JOINERS or phrase[-1].lower().endswith("ed")):
        phrase.pop()  # "an NDMT tally based on ..." -> "NDMT tally"
    if not phrase or not any(_is_name(word) or len(word) > 2 for word in phrase):
        return ""
    return " ".join(phrase).strip(" .,'\u2019")


def _sentence_subject(text: str, floor: int, position: int) -> str:
    """The subject at the start of a sentence, for a speech participle ("Katz issued a warning stating")."""
    tokens = _PHRASE_TOKEN_RE.findall(text[floor:position])
    while tokens and (tokens[0].lower() in _LEADING_FILLERS or tokens[0].lower() in _WEEKDAYS
                      or not tokens[0][0].isalnum()):
        tokens = tokens[1:]
    phrase: list[str] = []
    for token in tokens:
        lower = token.lower()
        if not token[0].isalnum() or len(phrase) == _MAX_SPEAKER_WORDS:
            break
        if not phrase and lower in _PRONOUNS:
            return token
        if lower in _DETERMINERS and not phrase:
            phrase.append(token)
            continue
        if _is_name(token) or lower in ("of", "al") or (phrase and phrase[-1].lower() in _DETERMINERS) \
                or (phrase and not _is_name(token) and lower not in _PHRASE_STOPS
                    and lower not in SPEECH_VERBS and not lower.endswith("ed") and len(phrase) < 4
                    and phrase[0].lower() in _DETERMINERS):
            phrase.append(token)
            continue
        break
    while phrase and phrase[-1].lower() in ("of", "al"):
        phrase.pop()
    return " ".join(phrase) if any(_is_name(word) or word.lower() not in _DETERMINERS for word in phrase) else ""


def _speech_speaker(text: str, match: re.Match, floor: int, ceiling: int) -> str:
    """The speaker of the speech verb ``match``: its subject, an inverted subject, or the sentence subject."""
    verb = match.group().lower()
    if verb in SPEECH_PARTICIPLES:
        # "the statement noted, adding that": the speaker of the finite verb before it, else the subject.
        for finite in reversed(list(_SPEECH_RE.finditer(text, floor, match.start()))):
            if finite.group().lower() in SPEECH_VERBS:
                named = _speech_speaker(text, finite, floor, ceiling)
                if named:
                    return named
        opening = _OPENING_QUOTE_RE.match(text[floor:match.start()])
        if opening:  # a sentence that opens with a quotation: its subject comes after it
            closing = _CLOSING_QUOTE_RE.search(text, floor + opening.end(), match.start())
            floor = closing.end() if closing else floor
        return _sentence_subject(text, floor, match.start())
    speaker = _speaker_before(text, match.start(), floor)
    if speaker:
        return speaker
    previous = text[floor:match.start()].rstrip()
    if not previous or previous[-1] in ",\"\u201d\u2019'":
        return _speaker_after(text, match.end(), ceiling)
    return ""


def _attribution_after(text: str, position: int, ceiling: int, speakers: bool = True) -> tuple[bool, str]:
    """Whether an attribution follows a closing mark (``," he said``), and the speaker it names.

    The words between the mark and the speech verb are the speaker; split at
    commas ("Petro Hnatiuk, who heads the centre, said"; "his brother, Ahmad
    Saleh, told Reuters"), the first part that holds a name is taken, else
    the first part.
    """
    window = text[position:min(ceiling, position + 240)]
    match = _ATTRIBUTION_RE.match(window)
    if not match or not speakers:
        return match is not None, ""
    words = match.group("words").strip()
    if not words:  # inverted: ," said Netanyahu
        return True, _speaker_after(text, position + match.end(), ceiling)
    parts = [part.strip() for part in words.split(",") if part.strip()]
    if len(parts) == 1:
        phrase = parts[0].split()
        if phrase[0].lower() in _PRONOUNS:
            return True, phrase[0]
        return True, " ".join(phrase[:_MAX_SPEAKER_WORDS]).strip(" .'\u2019")
    named = [part for part in parts if any(_is_name(word) for word in part.split())]
    return True, " ".join((named or parts)[0].split()[:_MAX_SPEAKER_WORDS]).strip(" .'\u2019")


def _introduced_as_speech(text: str, quote: _Quote, speakers: bool = True) -> tuple[bool, str]:
    """Whether the words before the opening mark introduce speech (``X said:``), and the speaker."""
    floor = _sentence_start(text, quote.start, quote.paragraph_start)
    before = text[floor:quote.start].rstrip()
    if not before:
        return False, ""
    match = _INTRODUCTION_RE.search(before)
    if match:
        if not speakers:
            return True, ""
        verb = _SPEECH_RE.search(text, floor + match.start("verb"))
        return True, _speech_speaker(text, verb, floor, quote.start)
    if before.endswith(":"):
        return True, _speaker_before(text, floor + len(before) - 1, floor) if speakers else ""
    return False, ""


def _last_speech_verb_speaker(text: str, floor: int, position: int, inside) -> str:
    """The speaker of the last speech verb (or ``according to``) outside quotes between ``floor`` and ``position``."""
    speaker, last = "", -1
    for match in _SPEECH_RE.finditer(text, floor, position):
        if not inside(match.start()):
            named = _speech_speaker(text, match, floor, position)
            if named:
                speaker, last = named, match.start()
    for match in _ACCORDING_RE.finditer(text, floor, position):
        named = _speaker_after(text, match.end(), position)
        if named and match.start() > last:
            speaker, last = named, match.start()
    return speaker


_NAME_RE = re.compile(r"\b(?:[A-Z][\w'\u2019-]+\s+){1,4}[A-Z][\w'\u2019-]+")


def _last_name_before(text: str, position: int) -> str:
    """The last run of two or more capitalised words before ``position`` (a pronoun's likely antecedent)."""
    names = [match.group() for match in _NAME_RE.finditer(text, max(0, position - 400), position)]
    names = [" ".join(word for word in name.split() if word.lower() not in _LEADING_FILLERS | _DETERMINERS)
             for name in names]
    return next((name for name in reversed(names) if " " in name), "")


def _follows(text: str, previous: _Quote, quote: _Quote) -> bool:
    """Whether ``quote`` continues the speech of ``previous``: only narration-free space or an attribution
    between them, in the same or the next paragraph ('"We pulled them out," said Basal. "Many are trapped."')."""
    if previous.voice != "quotation" or previous.speaker in ("", "unknown"):
        return False
    between = text[previous.end:quote.start]
    return between.count("\n") <= 2 and _at_most_words(between, 3 * _MAX_SPEAKER_WORDS) \
        and not _NEW_SENTENCE_RE.search(between.split("\n")[-1] if "\n" in between else between)


def _is_trailing(text: str, match: re.Match, ceiling: int) -> bool:
    """Whether a speech verb closes its sentence (", Palestinian officials said." or "said on Sunday.")."""
    return _at_most_words(text[match.end():ceiling], 4)


def _is_pronoun(speaker: str) -> bool:
    return speaker.lower() in _PRONOUNS


def _classify(text: str, quote: _Quote, paragraph_end: int,
              speakers: bool = True) -> tuple[str, bool, str, bool, str]:
    """Voice of a quote plus what the surrounding words say about its speaker.

    ``paragraph_end`` is the end of the paragraph the quote closes in. With
    ``speakers=False`` only the voice is wanted: a quote too long to be a
    scare quote is a quotation without looking at its surroundings.
    """
    whole_paragraph = quote.start == quote.paragraph_start
    if not speakers and whole_paragraph:
        return "quotation", False, "", False, ""
    inner = text[quote.inner_start:quote.inner_end].strip()
    # A period or comma just inside the closing mark is the sentence's own punctuation ("release of hostages
    # 'soon.'"); a quoted sentence of its own (capital, two words or more, final stop) is speech.
    body = inner[:-1] if inner[-1:] in ".," else inner
    full_sentence = inner[-1:] in ".!?" and inner[:1].isupper() and not _at_most_words(inner, 1)
    short = not full_sentence and _at_most_words(inner, _MAX_SCARE_WORDS) and not _SENTENCE_END_RE.search(body)
    if not speakers and not short:
        return "quotation", False, "", False, ""
    ceiling = _sentence_end(text, quote.end, max(paragraph_end, quote.end))
    introduced, introduced_by = _introduced_as_speech(text, quote, speakers)
    attributed, attributed_to = _attribution_after(text, quote.end, ceiling, speakers)
    # An attribution after the quote makes it speech when the quote opens its sentence ('"Never," he said'),
    # not when a fragment sits inside a sentence that ends with one.
    opens_sentence = _sentence_start(text, quote.start, quote.paragraph_start) == quote.start \
        or text[max(0, quote.start - 200):quote.start].rstrip().endswith(":")
    is_scare = short and not introduced and not (attributed and opens_sentence) and not whole_paragraph
    return ("scare_quote" if is_scare else "quotation"), introduced, introduced_by, attributed, attributed_to


#: Spans kept by the innermost :func:`shared_voices` block, by text (see :func:`_compact`); None outside any block.
_shared: dict[str, tuple] | None = None
#: Corpora with voices blanked out (:func:`keep_voices`) within the same block: corpus -> {voices: weak
#: reference}. Weak, so that a stage that lets go of its blanked corpus frees it.
_kept: weakref.WeakKeyDictionary | None = None


@contextlib.contextmanager
def shared_voices() -> Iterator[None]:
    """Within this block each text is segmented once, however many stages ask; the spans go at its end.

    :func:`framing.write_report` opens one: counting, distinctive terms,
    clustering and the referent analysis all need the same voices, and
    :func:`keep_voices` returns the same blanked corpus to each stage that
    asks for the same voices of the same corpus while one of them holds it.
    """
    global _shared, _kept
    outer, _shared = _shared, {}
    outer_kept, _kept = _kept, weakref.WeakKeyDictionary()
    try:
        yield
    finally:
        _shared, _kept = outer, outer_kept


def segment_voice(text: str) -> list[VoiceSpan]:
    """Split a text into narration, quotation and scare-quote spans, with speakers.

    Parameters
    ----------
    text : str
        An article's displayed text (``Article.text``); curly quotation marks
        are read with their direction.

    Returns
    -------
    list of VoiceSpan
        In text order; the spans tile ``text`` with no gaps or overlaps (an
        empty text gives an empty list).

    Examples
    --------
    >>> spans = segment_voice('He called it a "victory". "We will not stop," she said.')
    >>> [(text[s.start:s.end], s.voice) for text in ['He called it a "victory". "We will not stop," she said.']
    ...  for s in spans][:3]
    [('He called it a ', 'narration'), ('"victory"', 'scare_quote'), ('. ', 'narration')]
    """
    if not text:
        return []
    if _shared is not None:
        kept = _shared.get(text)
        if kept is not None:
            return _expand(kept)
        spans = _segment(text)
        _shared[text] = _compact(spans)
        return spans
    return _segment(text)


def _compact(spans: list[VoiceSpan]) -> tuple[array.array, tuple[str, ...]]:
    """Spans as kept by :func:`shared_voices`: ``start, end, voice, quote`` of each in one array of ints, and
    the speakers. A corpus has some 40 spans an article: as objects they took 225 MB for AllSides."""
    numbers = array.array("i")
    for span in spans:
        numbers.extend((span.start, span.end, _VOICE_CODES[span.voice], span.quote))
    return numbers, tuple(sys.intern(span.speaker) for span in spans)


def _expand(kept: tuple[array.array, tuple[str, ...]]) -> list[VoiceSpan]:
    """The spans of :func:`_compact`, as :class:`VoiceSpan` again."""
    numbers, speakers = kept
    fields = iter(numbers)
    return [VoiceSpan(start, end, VOICES[voice], speaker, quote)
            for (start, end, voice, quote), speaker in zip(zip(fields, fields, fields, fields), speakers)]


def quoted_voices(text: str, positions) -> list[str]:
    """The voice at each position of a text, as :func:`segment_voice` gives it, without looking for speakers.

    Counting needs the voice of a few matches, not of every quote: only the
    paragraphs around the positions are read for quotation marks (see
    :func:`_quotation_block`), and only the quotes that hold a position are
    classified.

    Parameters
    ----------
    text : str
        An article's displayed text.
    positions : sequence of int
        Character positions in ``text``.

    Returns
    -------
    list of str
        One of :data:`VOICES` per position.
    """
    if not positions:
        return []
    blocks: dict[int, tuple[list[tuple[int, int]], list[int], list[_Quote]]] = {}  # by the block's first start
    voices: dict[int, str] = {}  # by quote start
    labels = []
    paragraph, first_mark, first = None, 0, -1  # the last position's paragraph, its first quoting mark, its block
    for position in positions:
        if paragraph is None or not paragraph[0] <= position < paragraph[1]:
            paragraph = _paragraph_from(text, position)
            mark = _QUOTING_MARK_RE.search(text, *paragraph) if paragraph is not None else None
            first_mark, first = (mark.start() if mark is not None else len(text)), -1
        # No quotation holds a position before the first quoting mark of its paragraph: one coming from the
        # paragraph before would need a continuing mark at this one's start. Nor one in a paragraph without a mark.
        quote = None
        if paragraph is not None and position >= first_mark:
            if first < 0:
                block = _quotation_block(text, paragraph)
                first = block[0][0]
                if first not in blocks:
                    quotes = _quotes_in(text, block)
                    blocks[first] = block, [item.start for item in quotes], quotes
            block, starts, quotes = blocks[first]
            index = bisect.bisect_right(starts, position) - 1
            quote = quotes[index] if index >= 0 and position < quotes[index].end else None
        if quote is None:
            labels.append("narration")
            continue
        if quote.start not in voices:
            voices[quote.start] = _quote_voice(text, quote, [end for _, end in block])
        labels.append(voices[quote.start])
    return labels


def _paragraph_from(text: str, position: int) -> tuple[int, int] | None:
    """The last paragraph (a run of characters other than newlines) that starts at or before ``position``.

    Found from the newlines around ``position``, so that a text is never
    split into all its paragraphs for the few that hold matches; None when
    no paragraph starts at or before ``position``.
    """
    position = min(position, len(text) - 1)
    while position >= 0 and text[position] == "\n":
        position -= 1
    if position < 0:
        return None
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, len(text) if end < 0 else end


def _paragraph_before(text: str, paragraph: tuple[int, int]) -> tuple[int, int] | None:
    return _paragraph_from(text, paragraph[0] - 1) if paragraph[0] else None


def _paragraph_after(text: str, paragraph: tuple[int, int]) -> tuple[int, int] | None:
    start = paragraph[1]
    while start < len(text) and text[start] == "\n":
        start += 1
    if start == len(text):
        return None
    end = text.find("\n", start)
    return start, len(text) if end < 0 else end


def _quotation_block(text: str, paragraph: tuple[int, int]) -> list[tuple[int, int]]:
    """The paragraphs that a quotation may run through to reach ``paragraph``, in order.

    A quotation left open continues only into a paragraph that opens with one
    of :data:`_CONTINUING_MARKS`, so no quotation crosses into the block's
    first paragraph or out of its last.
    """
    block = [paragraph]
    while text[block[0][0]] in _CONTINUING_MARKS and (before := _paragraph_before(text, block[0])) is not None:
        block.insert(0, before)
    while (after := _paragraph_after(text, block[-1])) is not None and text[after[0]] in _CONTINUING_MARKS:
        block.append(after)
    return block


def _quote_voice(text: str, quote: _Quote, paragraph_ends: list[int]) -> str:
    """The voice of one quote, without its speaker; ``paragraph_ends`` are those of its quotation block."""
    slot = min(bisect.bisect_left(paragraph_ends, quote.end), len(paragraph_ends) - 1)
    return _classify(text, quote, paragraph_ends[slot], speakers=False)[0]


def _segment(text: str) -> list[VoiceSpan]:
    quotes = _find_quotes(text)
    starts = [quote.start for quote in quotes]

    def inside(position: int) -> bool:
        slot = bisect.bisect_right(starts, position) - 1
        return slot >= 0 and quotes[slot].start <= position < quotes[slot].end

    return _label(text, quotes, inside)


def _label(text: str, quotes: list[_Quote], inside) -> list[VoiceSpan]:
    paragraphs = _paragraphs(text)
    paragraph_starts = [start for start, _ in paragraphs]

    def paragraph_of(position: int) -> tuple[int, int]:
        slot = max(bisect.bisect_right(paragraph_starts, position) - 1, 0)
        return paragraphs[slot]

    # Reported speech: sentences of narration with a speech verb or "according to".
    events: list[tuple[int, str, object]] = []
    for match in _speech_verbs(text):
        if not inside(match.start()):
            events.append((match.start(), "verb", match))
    for match in _according_to(text):
        if not inside(match.start()):
            events.append((match.start(), "according", match))
    for quote in quotes:
        events.append((quote.start, "quote", quote))
    events.sort(key=lambda event: (event[0], event[1] != "quote"))

    last_named = ""
    last_quote: _Quote | None = None
    attributed_sentences: list[tuple[int, int, str]] = []
    for position, kind, item in events:
        paragraph = paragraph_of(position)
        if kind == "quote":
            quote = item
            quote_paragraph_end = paragraph_of(quote.end - 1)[1] if quote.end > quote.start else paragraph[1]
            voice, introduced, introduced_by, attributed, attributed_to = _classify(text, quote, quote_paragraph_end)
            quote.voice = voice
            if voice == "quotation":
                speaker = attributed_to or introduced_by
                if not speaker:
                    floor = _sentence_start(text, quote.start, quote.paragraph_start)
                    speaker = _last_speech_verb_speaker(text, floor, quote.start, inside)
                if not speaker and last_quote is not None and _follows(text, last_quote, quote):
                    speaker = last_quote.speaker  # a quotation that goes on after its attribution
                if speaker and _is_pronoun(speaker):
                    speaker = last_named or _last_name_before(text, quote.start) or "unknown"
                quote.speaker = speaker or "unknown"
                if speaker and speaker != "unknown":
                    last_named = speaker
                last_quote = quote
            continue
        match = item
        floor = _sentence_start(text, position, paragraph[0])
        ceiling = _sentence_end(text, match.end(), paragraph[1])
        if kind == "according":
            speaker = _speaker_after(text, match.end(), ceiling)
        else:
            speaker = _speech_speaker(text, match, floor, ceiling)
        if not speaker:
            continue
        if _is_pronoun(speaker):
            if not last_named:
                continue
            speaker = last_named
        if attributed_sentences and attributed_sentences[-1][0] == floor:
            # A second attribution in one sentence is usually embedded ("X reports that Israel insists");
            # only a closing ", Y said." names the source instead.
            before = text[floor:match.start()].rstrip()
            if "," not in before or not _is_trailing(text, match, ceiling):
                continue
            attributed_sentences.pop()
        last_named = speaker
        attributed_sentences.append((floor, ceiling, speaker))

    return _tile(text, quotes, attributed_sentences)


def _speech_verbs(text: str) -> list[re.Match]:
    """``_SPEECH_RE.finditer(text)``, found faster in a long text.

    A speech verb is a whole word, so its match starts where an
    Aho-Corasick search for the verbs (leftmost-longest, which no whole word
    can hide) finds a verb that starts and ends a word; the regex then checks
    each such place.
    """
    if _SPEECH_WORDS is None:
        return list(_SPEECH_RE.finditer(text))
    matches, length = [], len(text)
    for _, start, stop in _SPEECH_WORDS(text):
        if (start and _is_word_character(text[start - 1])) or (stop < length and _is_word_character(text[stop])):
            continue
        match = _SPEECH_RE.match(text, start)  # the verb alone: no later verb starts inside it
        if match is not None:
            matches.append(match)
    return matches


def _is_word_character(char: str) -> bool:
    """What ``\\w`` matches."""
    return char.isalnum() or char == "_"


def _according_to(text: str) -> list[re.Match]:
    """``_ACCORDING_RE.finditer(text)``, found faster in a long text.

    Every match starts with one of :data:`_ACCORDING_PHRASES` in any case. In a
    text without the four characters that ``re.IGNORECASE`` also takes for
    ASCII letters, those places are where the lower-case text (the same
    length: no U+0130) holds the phrase, and the regex checks each of them.
    """
    if any(char in text for char in _FOLDED_TO_ASCII):
        return list(_ACCORDING_RE.finditer(text))
    lower = text.lower()
    starts = []
    for phrase in _ACCORDING_PHRASES:
        start = lower.find(phrase)
        while start >= 0:
            starts.append(start)
            start = lower.find(phrase, start + 1)
    # No phrase starts inside a match of another (a match ends at the spaces after its phrase).
    return [match for match in (_ACCORDING_RE.match(text, start) for start in sorted(starts)) if match is not None]


def _tile(text: str, quotes: list[_Quote], attributed: list[tuple[int, int, str]]) -> list[VoiceSpan]:
    """Narration between the quotes, cut where attributed sentences begin and end.

    Gaps and attributed sentences are both walked left to right, so a long
    article costs linear time, not gaps × sentences.
    """
    spans: list[VoiceSpan] = []
    attributed = sorted(attributed, key=lambda item: (item[0], item[1]))
    first = 0  # attributed sentences before this one end before the current gap

    def narration(start: int, end: int) -> None:
        nonlocal first
        while first < len(attributed) and attributed[first][1] <= start:
            first += 1
        nearby = []
        for index in range(first, len(attributed)):  # an index walk: a slice would copy the rest each time
            item = attributed[index]
            if item[0] >= end:
                break
            if item[1] > start:
                nearby.append(item)
        cuts = {start, end}
        for floor, ceiling, _ in nearby:
            cuts.update(value for value in (floor, ceiling) if start < value < end)
        points = sorted(cuts)
        for left, right in zip(points, points[1:]):
            speaker = ""
            for floor, ceiling, name in nearby:
                if floor <= left and right <= ceiling:
                    speaker = name
            if spans and spans[-1].voice == "narration" and spans[-1].speaker == speaker:
                previous = spans.pop()
                left = previous.start
            spans.append(VoiceSpan(left, right, "narration", speaker))

    position = 0
    for number, quote in enumerate(quotes, start=1):
        if quote.start > position:
            narration(position, quote.start)
        spans.append(VoiceSpan(quote.start, quote.end, quote.voice,
                               quote.speaker if quote.voice == "quotation" else "", number))
        position = quote.end
    if position < len(text):
        narration(position, len(text))
    return spans


def voice_at(spans: list[VoiceSpan], positions) -> list[VoiceSpan]:
    """The span each character position falls in.

    Parameters
    ----------
    spans : list of VoiceSpan
        The output of :func:`segment_voice` for the text the positions index.
    positions : iterable of int

    Returns
    -------
    list of VoiceSpan
    """
    starts = [span.start for span in spans]
    return [spans[max(bisect.bisect_right(starts, position) - 1, 0)] for position in positions]


def voice_spans(corpus) -> pd.DataFrame:
    """Voice spans of every article, as a table.

    Parameters
    ----------
    corpus : Corpus or iterable of Article

    Returns
    -------
    pandas.DataFrame
        One row per span: ``article_id, outlet, start, end, voice, speaker,
        quote, text``, in article and text order.

    See Also
    --------
    segment_voice : the spans of one text.
    """
    corpus = as_corpus(corpus)
    rows = [(article.id, article.outlet, span.start, span.end, span.voice, span.speaker, span.quote,
             article.text[span.start:span.end])
            for article in corpus for span in segment_voice(article.text)]
    frame = pd.DataFrame(rows, columns=["article_id", "outlet", "start", "end", "voice", "speaker", "quote", "text"])
    return frame.astype({"start": "int64", "end": "int64", "quote": "int64"})


def check_voice(voice) -> tuple[str, ...]:
    """The voices a ``voice`` option selects: ``"all"``, one of :data:`VOICES`, or a list of them.

    Raises
    ------
    FramingError
        Naming the bad value and the allowed ones.
    """
    if isinstance(voice, str):
        if voice == "all":
            return VOICES
        selected = (voice,)
    else:
        try:
            selected = tuple(voice)
        except TypeError:
            selected = (voice,)
    unknown = [value for value in selected if value not in VOICES]
    if unknown or not selected:
        raise FramingError(f"voice must be 'all', one of {', '.join(VOICES)} or a list of them, got {voice!r}; "
                           "use voice='narration' for the outlet's own words")
    return tuple(value for value in VOICES if value in selected)


def _segment_texts(texts: list[str]) -> list[tuple[array.array, tuple[str, ...]]]:
    """Voice spans of some texts, as :func:`_compact` keeps them; runs in a worker or in-process.

    Compact, they also travel back from a worker as two objects per text, not one per span (on AllSides,
    1.6 million spans).
    """
    return [_compact(_segment(text) if text else []) for text in texts]


class _Blanks(dict):
    """``str.translate`` table: whitespace stays, any other character becomes a space (filled in as met)."""

    def __missing__(self, code: int) -> int:
        value = self[code] = code if chr(code).isspace() else 32
        return value


_BLANKS = _Blanks()


def _blank(text: str) -> str:
    """``text`` with every character but whitespace made a space, as ``re.sub(r"\\S", " ", text)``."""
    if text.isprintable():  # the plain space is the one printable whitespace character: no other to keep
        return " " * len(text)
    return text.translate(_BLANKS)


def _segment_missing(corpus: Corpus, segmented: dict, n_jobs=None) -> None:
    """Add the spans of every text of ``corpus`` that ``segmented`` lacks, segmented in worker processes."""
    missing = list(dict.fromkeys(article.text for article in corpus if article.text not in segmented))
    for chunk, spans in map_chunks(_segment_texts, missing, n_jobs=n_jobs, progress=False):
        segmented.update(zip(chunk, spans))


def segment_shared(corpus, *, n_jobs=None) -> None:
    """Segment every text of a corpus into the spans that :func:`shared_voices` keeps, ahead of the stages
    that read them (:func:`framing.write_report` starts it while it finds duplicates).

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    n_jobs : int, optional
        Worker processes (see :func:`framing.count_terms`).

    Raises
    ------
    FramingError
        Outside a :func:`shared_voices` block, where there is nowhere to keep the spans.
    """
    if _shared is None:
        raise FramingError("segment_shared keeps spans for later stages: call it within a shared_voices() block")
    _segment_missing(as_corpus(corpus), _shared, n_jobs)


def keep_voices(corpus, voice="narration", *, n_jobs=None) -> Corpus:
    """The corpus with every span outside the selected voices blanked out.

    Characters of the other voices become spaces, so the text keeps its
    length and every offset still points at the same place in
    ``Article.text``. Word n-grams can then be counted on the outlet's own
    words only (:func:`framing.distinctive_terms` does this).

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    voice : {"narration", "all", "quotation", "scare_quote"} or list of them, default="narration"
    n_jobs : int, optional
        Worker processes for the segmentation (see :func:`framing.count_terms`).

    Returns
    -------
    Corpus
        The same articles (ids, outlets, metadata, load report); the corpus
        itself when ``voice`` selects every voice.
    """
    corpus = as_corpus(corpus)
    selected = check_voice(voice)
    if selected == VOICES:
        return corpus
    reference = _kept.get(corpus, {}).get(selected) if _kept is not None else None
    kept = reference() if reference is not None else None
    if kept is not None:
        return kept
    segmented = {} if _shared is None else _shared  # text -> spans as _compact keeps them
    _segment_missing(corpus, segmented, n_jobs)
    blanked = {_VOICE_CODES[value] for value in VOICES if value not in selected}
    articles = []
    for article in corpus:
        text, pieces, position = article.text, [], 0
        fields = iter(segmented[text][0])
        for start, end, code, _ in zip(fields, fields, fields, fields):
            if code in blanked:
                pieces.append(text[position:start])
                pieces.append(_blank(text[start:end]))
                position = end
        pieces.append(text[position:])
        articles.append(dataclasses.replace(article, text="".join(pieces)))
    kept = Corpus(articles, load_report=corpus.load_report, source=corpus.source)
    if _kept is not None:
        _kept.setdefault(corpus, {})[selected] = weakref.ref(kept)
    return kept
