"""Compare stage: whom a term names — the referent of captivity and death words.

"Israeli hostages" beside "Palestinian prisoners" is the best-known asymmetry
in Gaza coverage, and a plain count of "prisoners" cannot see it. For every
match of a term in the axes or categories a lexicon's ``referents`` section
lists (``applies_to``), :func:`find_referents` finds the group it names:

1. a **modifier** just before the term (up to four words back, over numbers
   and words such as "living" or "remaining", not across punctuation or a
   conjunction): "10 living Israeli captives", "33 Israeli prisoners"; or
   just after it, over a number and its qualifiers: "killing over 58,000
   Palestinians";
2. else the nearest **phrase** of a group in the same sentence, after or
   before the term, with no other such term in between: "hostages still held
   in Gaza", "detainees, most of them held for months in Israeli jails";
3. else ``"unknown"``.

The groups and their cues are data, in the lexicon YAML (see
``lexicons/README.md``), so another conflict can define its own. An exclusion
of a term that contains a group's modifier ("Palestinian prisoner" in the
``israel_gaza`` captivity axis) is lifted here: it is exactly the use this
analysis separates.

What the rules cannot see: a referent named only in another sentence ("Israel
holds 9,000 Palestinians. The prisoners ..."), pronouns, and world knowledge
(the reader may know that "the captives" in a Hamas statement are Israelis;
the rules say "unknown"). The hand-labelled set in ``tests/data/voice/``
measures the accuracy; the README gives it.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from framing._stats import wilson_interval
from framing.corpus import as_corpus
from framing.counting import find_matches
from framing.exceptions import FramingError
from framing.lexicon import Category, Lexicon, Term, load_lexicons
from framing.voice import check_voice

__all__ = ["PEOPLE", "UNKNOWN_REFERENT", "find_referents", "referent_table"]

#: Name of the category made of the ``people`` words of a lexicon's referents section.
PEOPLE = "people"

#: Referent of a match that no cue ties to a group.
UNKNOWN_REFERENT = "unknown"
#: Words a modifier may stand behind: "10 living Israeli captives", "the remaining Israeli hostages".
_SKIPPABLE = frozenset(
    """
    the a an of those these some all other more most many several dozens hundreds thousands living remaining
    released freed female male young elderly civilian civilians sick wounded detained held abducted kidnapped
    two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand last
    remaining dual-national dual-citizen american-israeli police border security reserve army military aid health
    rescue medical hospital government
    """.split()
)
_MODIFIER_WINDOW = 4
#: Words a modifier after the term may stand behind: "killing at least 1,139 Israelis".
_QUANTIFIERS = frozenset("over at least more than nearly about around almost some up to an estimated the a".split())
_WORD_RE = re.compile(r"\d[\d,.]*\d|[^\W_]+(?:['\u2019-][^\W_]+)*|[,;:()\"\u201c\u201d\u2014\u2013]")


def _cue_regex(cue: str) -> re.Pattern:
    """A phrase as a case-insensitive regex that accepts curly apostrophes and any dash or space run."""
    parts = []
    for char in cue:
        if char in "'\u2019":
            parts.append("['\u2019]")
        elif char in "- ":
            parts.append("[\\s\u2010\u2011\u2013\u2014-]+")
        else:
            parts.append(re.escape(char))
    return re.compile(r"(?<![\w'\u2019-])" + "".join(parts) + r"(?![\w'\u2019-])", re.IGNORECASE)


def _referent_lexicon(lexicon: Lexicon) -> Lexicon:
    """The lexicon cut down to its ``applies_to`` axes and categories, without modifier exclusions."""
    referents = lexicon.referents
    modifiers = {modifier.lower() for group in referents.groups for modifier in group.modifiers}

    def keep(term):
        exclude = tuple(phrase for phrase in term.exclude
                        if not modifiers & {word.lower() for word in re.findall(r"[\w'-]+", phrase)})
        return replace(term, exclude=exclude)

    axes = tuple(replace(axis, poles=tuple(replace(pole, terms=tuple(keep(t) for t in pole.terms))
                                           for pole in axis.poles))
                 for axis in lexicon.axes if axis.name in referents.applies_to)
    categories = tuple(replace(category, terms=tuple(keep(t) for t in category.terms))
                       for category in lexicon.categories if category.name in referents.applies_to)
    if referents.people:
        categories += (Category(PEOPLE, tuple(Term(word) for word in referents.people),
                                "Words that name people, from the lexicon's referents section."),)
    return replace(lexicon, axes=axes, categories=categories)


#: Words before a place that tie free people to it: prepositions, and verbs of attack ("attacked southern Israel").
_PLACE_PREPOSITIONS = ("in|on|at|near|across|around|inside|outside|off|of|from|into|to|attacked|attack|attacking|"
                       "struck|hit|bombed|bombarded|shelled|raided|stormed|invaded")
_DIRECTIONS = r"(?:(?:the\s+)?(?:southern|northern|central|eastern|western|occupied|north|south|east|west)\s+)?"


#: Words that make a place name part of another name ("the Gaza conflict", "the Gaza health ministry").
_NOT_A_PLACE = "conflict|war|ceasefire|cease-fire|talks|truce|deal|negotiations|health|ministry|offensive|crisis|" \
    "front|border|envoy|file|policy"


def _place_regex(places, prepositions: str) -> re.Pattern:
    """ "<preposition> [the] [southern ...] <place>" for any of ``places``."""
    names = "|".join(_cue_regex(place.removeprefix("the ")).pattern.removeprefix("(?<![\\w'\u2019-])")
                     .removesuffix("(?![\\w'\u2019-])") for place in sorted(places, key=len, reverse=True))
    return re.compile(rf"(?<![\w'\u2019-])(?:{prepositions})\s+(?:the\s+)?{_DIRECTIONS}(?:{names})(?![\w'\u2019-])"
                      rf"(?!\s+(?:{_NOT_A_PLACE}))", re.IGNORECASE)


class _Cues:
    """The modifier words and the phrase and place regexes of a lexicon's referent groups."""

    def __init__(self, lexicon: Lexicon):
        referents = lexicon.referents
        self.held_axes = set(referents.held)
        self.modifier_group: dict[str, str] = {}
        self.phrases: list[tuple[re.Pattern, str]] = []  # every axis
        self.places: list[tuple[re.Pattern, str]] = []  # axes of free people: where they live or were hit
        self.held_places: list[tuple[re.Pattern, str]] = []  # held axes: where held, or "from" where they come
        for group in referents.groups:
            for modifier in group.modifiers:
                self.modifier_group.setdefault(modifier.lower().replace("\u2019", "'"), group.name)
            self.phrases += [(_cue_regex(phrase), group.name) for phrase in group.phrases]
            if group.places:
                self.places.append((_place_regex(group.places, _PLACE_PREPOSITIONS), group.name))
                self.held_places.append((_place_regex(group.places, "from"), group.name))
            if group.held_in:
                self.held_places.append((_place_regex(group.held_in, "in|inside|under|at"), group.name))

    def modifier(self, before: str) -> tuple[str, str] | None:
        """The group of a modifier among the last words of ``before``, nearest first."""
        tokens = _WORD_RE.findall(before)
        for token in reversed(tokens[-_MODIFIER_WINDOW:]):
            key = token.lower().replace("\u2019", "'")
            if key in self.modifier_group:
                return self.modifier_group[key], token
            if not token[0].isalnum() or key in ("and", "or", "for", "with", "than"):
                return None
            if not (key in _SKIPPABLE or key.replace(",", "").isdigit()):
                return None
        return None

    def modifier_after(self, after: str) -> tuple[str, str] | None:
        """The group of a modifier that follows the term over a number ("killing over 58,000 Palestinians")."""
        for token in _WORD_RE.findall(after)[:_MODIFIER_WINDOW + 2]:
            key = token.lower().replace("\u2019", "'")
            if key in self.modifier_group:
                return self.modifier_group[key], token
            if not (key in _QUANTIFIERS or key.replace(",", "").replace(".", "").isdigit()):
                return None
        return None

    def speaker_group(self, text: str, speaker: str) -> tuple[str, str] | None:
        """The group of a speaker, from a modifier in front of any mention of its last word in ``text``."""
        words = speaker.split()
        if not words or speaker == "unknown":
            return None
        for mention in re.finditer(rf"\b{re.escape(words[-1])}\b", text):
            found = self.modifier(text[max(0, mention.start() - 80):mention.start()] + " ") \
                or self._modifier_in(text[max(0, mention.start() - 60):mention.start()])
            if found:
                return found[0], f"our ({speaker}: {found[1]})"
        return None

    def _modifier_in(self, before: str) -> tuple[str, str] | None:
        """A modifier among the last few words before a name ("Israeli Prime Minister Benjamin Netanyahu")."""
        for token in reversed(_WORD_RE.findall(before)[-5:]):
            key = token.lower().replace("\u2019", "'")
            if key in self.modifier_group:
                return self.modifier_group[key], token
            if not token[:1].isupper():
                return None
        return None

    @staticmethod
    def phrases_in(sentence: str, patterns) -> list[tuple[int, int, str, str]]:
        """Every match of ``patterns`` (regex, group) in ``sentence``: (start, end, group, text)."""
        found = []
        for pattern, group in patterns:
            found.extend((m.start(), m.end(), group, m.group()) for m in pattern.finditer(sentence))
        return sorted(found)


def find_referents(corpus, lexicon="israel_gaza", *, voice="all") -> pd.DataFrame:
    """Every match of a term that names people, with the group it names.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
        Lexicons without a ``referents`` section are skipped; at least one
        must have one.
    voice : {"all", "narration", "quotation", "scare_quote"} or list of them, default="all"
        Keep only matches in these voices.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`framing.find_matches` plus ``referent`` (a
        group name or :data:`UNKNOWN_REFERENT`) and ``referent_cue`` (the
        modifier or phrase that decided it, ``""`` when unknown), one row per
        match, in article and text order.

    Raises
    ------
    FramingError
        If no lexicon has a ``referents`` section.

    Examples
    --------
    >>> from framing import Article
    >>> table = find_referents([Article("a", "Israel freed 30 Palestinian prisoners for 10 hostages held in Gaza.")])
    >>> table[["match", "referent", "referent_cue"]].values.tolist()
    [['prisoners', 'palestinian', 'Palestinian'], ['hostages', 'israeli', 'held in Gaza']]
    """
    corpus = as_corpus(corpus)
    selected = check_voice(voice)
    lexicons = [lex for lex in load_lexicons(lexicon) if lex.referents is not None]
    if not lexicons:
        names = ", ".join(lex.name for lex in load_lexicons(lexicon))
        raise FramingError(f"lexicon {names} has no 'referents' section, so no term can be tied to a group; "
                           "use israel_gaza or add a referents section (see lexicons/README.md)")
    frames = []
    for lex in lexicons:
        matches = find_matches(corpus, _referent_lexicon(lex))
        frames.append(_assign(matches, _Cues(lex), {article.id: article.text for article in corpus}))
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    table = table.sort_values(["article_id", "start", "lexicon"], kind="stable") if len(frames) > 1 else table
    order = {article_id: position for position, article_id in enumerate(corpus.ids)}
    table = table.iloc[np.argsort(table["article_id"].map(order).to_numpy(), kind="stable")]
    return table[table["voice"].isin(selected)].reset_index(drop=True)


def _assign(matches: pd.DataFrame, cues: _Cues, texts: dict[str, str]) -> pd.DataFrame:
    """Referent and cue of every match: modifier, then phrase, then an earlier mention, then a place."""
    strong, weak = [], []  # per match: (group, cue) from a modifier or phrase; from a place
    speaker_groups: dict[tuple[str, str], tuple[str, str] | None] = {}
    for _, sentence_matches in matches.groupby(["article_id", "sentence_start"], sort=False):
        sentence = sentence_matches["sentence"].iloc[0]
        offset = sentence_matches["sentence_start"].iloc[0]
        spans = list(zip(sentence_matches["start"] - offset, sentence_matches["end"] - offset))
        axes = sentence_matches["axis"].tolist()
        for index, ((start, end), axis) in enumerate(zip(spans, axes)):
            held = axis in cues.held_axes
            # On a held axis, another captivity word in between takes the cue ("30 prisoners for 10 hostages
            # held in Gaza"); people and death words are often listed together ("people, mostly women").
            same_axis = [span for span, other in zip(spans, axes) if other == axis] if held else [(start, end)]
            position = same_axis.index((start, end))
            word = sentence[start:end].lower().replace("\u2019", "'")
            found = (cues.modifier_group[word], sentence[start:end]) if word in cues.modifier_group else None
            found = found or cues.modifier(sentence[:start]) or cues.modifier_after(sentence[end:])
            row = sentence_matches.iloc[index]
            if found is None and row["voice"] == "quotation" and re.search(r"\bour\s+(?:\S+\s+)?$",
                                                                            sentence[:start], re.IGNORECASE):
                key = (row["article_id"], row["speaker"])  # "our kidnapped": the quoted speaker's own side
                if key not in speaker_groups:
                    speaker_groups[key] = cues.speaker_group(texts[row["article_id"]], row["speaker"])
                found = speaker_groups[key]
            strong.append(found or _nearest(cues.phrases_in(sentence, cues.phrases), same_axis, position))
            weak.append(_nearest(cues.phrases_in(sentence, cues.held_places if held else cues.places),
                                 same_axis, position))
    # groupby(sort=False) visits sentences in order of first appearance, which is text order here.
    referents, used = [], []
    last: dict[tuple, tuple[str, str]] = {}
    for row, key in enumerate(zip(matches["article_id"], matches["axis"], matches["pole"],
                                  matches["match"].str.lower().str.rstrip("s"))):
        # The same word earlier in the article outranks a place ("three soldiers in northern Gaza" after
        # "three Israeli soldiers").
        earlier = (last[key][0], f"earlier: {last[key][1]}") if key in last else None
        found = strong[row] or earlier or weak[row]
        if found:
            last[key] = (found[0], found[1].removeprefix("earlier: "))
        referents.append(found[0] if found else UNKNOWN_REFERENT)
        used.append(found[1] if found else "")
    return matches.assign(referent=referents, referent_cue=used)


def _nearest(phrases, spans, index) -> tuple[str, str] | None:
    """The nearest cue with no other term of the same axis between it and term ``index``."""
    start, end = spans[index]
    previous_end = spans[index - 1][1] if index > 0 else -1
    next_start = spans[index + 1][0] if index + 1 < len(spans) else float("inf")
    best = None
    for phrase_start, phrase_end, group, text in phrases:
        if phrase_start >= end and phrase_end <= next_start:
            distance = phrase_start - end
        elif phrase_end <= start and phrase_start >= previous_end:
            distance = start - phrase_end
        else:
            continue
        if best is None or distance < best[0]:
            best = (distance, group, text)
    return (best[1], best[2]) if best else None


def referent_table(corpus, lexicon="israel_gaza", *, by: str = "outlet", voice="narration",
                   confidence: float = 0.95, referents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which words each group of articles uses for each side: counts per outlet, referent and pole.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
    by : str, default="outlet"
        A column of :meth:`Corpus.to_frame`.
    voice : {"narration", "all", "quotation", "scare_quote"} or list of them, default="narration"
        Whose words count; by default the outlet's own.
    confidence : float, default=0.95
        Level of the Wilson interval of each share.
    referents : pandas.DataFrame, optional
        The output of ``find_referents(corpus, lexicon)``, to avoid matching again.

    Returns
    -------
    pandas.DataFrame
        One row per group, lexicon, axis, referent and pole, zeros included:
        ``<by>, lexicon, kind, axis, referent, pole, count, referent_total,
        share, ci_low, ci_high``. ``referent_total`` (the denominator) is the
        number of matches on that axis naming that referent in that group;
        ``share = count / referent_total``, empty when the total is 0.

    See Also
    --------
    find_referents : the matches behind each count, with the cue that decided.
    framing.plots.plot_referents : the figure.
    """
    corpus = as_corpus(corpus)
    selected = check_voice(voice)
    lexicons = [lex for lex in load_lexicons(lexicon) if lex.referents is not None]
    if referents is None:
        referents = find_referents(corpus, lexicons)
    referents = referents[referents["voice"].isin(selected)]
    labels = corpus.group_labels(by)
    groups = sorted(set(labels))
    group_of = dict(zip(corpus.ids, labels))
    grid = []
    for lex in lexicons:
        names = [group.name for group in lex.referents.groups] + [UNKNOWN_REFERENT]
        for kind, axis, pole in lex.poles():
            if axis in lex.referents.applies_to:
                grid.extend((lex.name, kind, axis, referent, pole) for referent in names)
    keys = ["lexicon", "kind", "axis", "referent", "pole"]
    grid = pd.DataFrame(grid, columns=keys)
    grid["_order"] = np.arange(len(grid))
    grid = pd.DataFrame({by: groups}).merge(grid, how="cross")
    counted = referents.assign(**{by: referents["article_id"].map(group_of)}).groupby(
        [by, *keys]).size().rename("count").reset_index()
    table = grid.merge(counted, on=[by, *keys], how="left")
    table["count"] = table["count"].fillna(0).astype("int64")
    table["referent_total"] = table.groupby([by, "lexicon", "axis", "referent"])["count"].transform("sum")
    total = table["referent_total"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = np.where(total > 0, table["count"] / total, np.nan)
    low, high = wilson_interval(table["count"].to_numpy(float), total, confidence)
    table["ci_low"], table["ci_high"] = np.where(total > 0, low, np.nan), np.where(total > 0, high, np.nan)
    table = table.sort_values([by, "_order"], kind="stable")
    return table[[by, *keys, "count", "referent_total", "share", "ci_low", "ci_high"]].reset_index(drop=True)
