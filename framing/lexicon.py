"""Lexicon stage: framing lexicons in YAML, their validation and the term syntax.

The format is documented in ``lexicons/README.md``. A :class:`Lexicon` holds
*axes* (alternative wordings for one thing, each a named :class:`Pole`) and
*categories* (plain term lists). Every validation problem is reported with its
file and line.
"""

from __future__ import annotations

import functools
import html
import importlib.resources
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from framing.exceptions import LexiconError
from framing.text import normalize_text

__all__ = [
    "Axis",
    "Category",
    "Lexicon",
    "LexiconEntry",
    "Pole",
    "ReferentGroup",
    "Referents",
    "Term",
    "available_lexicons",
    "load_lexicon",
    "load_lexicons",
    "validate_lexicon_file",
]

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
# A term: words of letters/digits/_, joined by spaces or hyphens, or by an
# apostrophe or period between two word characters; an optional final "*".
_TERM_SYNTAX = re.compile(r"\w+(?:(?:[\s-]+|['.&])\w+)*\*?\Z")
_WORD_OR_SEPARATOR = re.compile(r"(\w+)|([\s-]+)|(['.&])")
MAX_TERM_LENGTH = 100
MIN_WILDCARD_STEM = 2

_KEYS = {
    "lexicon": {"name", "title", "description", "language", "version", "sources", "axes", "categories",
                "referents"},
    "referents": {"description", "applies_to", "held", "people", "groups"},
    "referent_group": {"label", "modifiers", "phrases", "places", "held_in"},
    "axis": {"description", "poles"},
    "pole": {"description", "terms"},
    "category": {"description", "terms"},
    "term": {"term", "note", "case_sensitive", "exclude"},
}

#: Separator value meaning "one or more spaces or hyphens".
SPACE_OR_HYPHEN = " "


@dataclass(frozen=True)
class Term:
    """One lexicon term and its matching options.

    Parameters
    ----------
    text : str
        The term as written, e.g. ``"Hamas-run health ministry"`` or ``"terror*"``.
    note : str, default=""
        Why the term frames, and which coverage tends to use it.
    case_sensitive : bool, default=False
    exclude : tuple of str, default=()
        Phrases containing the term in which it must not count.
    line : int or None, default=None
        Line of the term in its YAML file, for error messages.
    """

    text: str
    note: str = ""
    case_sensitive: bool = False
    exclude: tuple[str, ...] = ()
    line: int | None = field(default=None, compare=False)

    def __post_init__(self):
        problem = term_syntax_problem(self.text)
        if problem:
            raise LexiconError(problem)
        for phrase in self.exclude:
            problem = term_syntax_problem(phrase)
            if problem:
                raise LexiconError(f"exclusion of term {self.text!r}: {problem}")

    @property
    def words(self) -> tuple[str, ...]:
        """Normalised words (lower case unless case-sensitive), wildcard removed."""
        return parse_term(self.text, self.case_sensitive)[0]

    @property
    def separators(self) -> tuple[str, ...]:
        """What joins each pair of words: :data:`SPACE_OR_HYPHEN` or a literal character."""
        return parse_term(self.text, self.case_sensitive)[1]

    @property
    def wildcard(self) -> bool:
        """True when the last word ends in ``*``."""
        return self.text.endswith("*")

    @property
    def key(self) -> tuple:
        """Identity used to find duplicates: words, separators, wildcard and case."""
        return (*parse_term(self.text, self.case_sensitive), self.wildcard, self.case_sensitive)


def term_syntax_problem(text) -> str | None:
    """Describe what is wrong with a term string, or return None if it is valid."""
    if not isinstance(text, str):
        return f"term must be a string, got {text!r}"
    stripped = text.strip()
    if not stripped:
        return "term is empty"
    if len(stripped) > MAX_TERM_LENGTH:
        return f"term {stripped[:30]!r}... is {len(stripped)} characters long; the limit is {MAX_TERM_LENGTH}"
    if stripped == "*":
        return "term '*' is a lone wildcard; a wildcard must end a word, as in 'terror*'"
    normalized = normalize_text(stripped).text
    if "*" in normalized[:-1]:
        return f"term {stripped!r} has a wildcard before its end; '*' may only end the last word, as in 'terror*'"
    if normalized.endswith("*"):
        stem = re.search(r"(\w*)\*\Z", normalized).group(1)
        if len(stem) < MIN_WILDCARD_STEM:
            return (f"term {stripped!r} has a wildcard stem shorter than {MIN_WILDCARD_STEM} characters; "
                    "it would match almost every word")
    if not _TERM_SYNTAX.match(normalized):
        return (f"term {stripped!r} has characters outside the term syntax; use words joined by spaces, "
                "hyphens, or an inner apostrophe or period, with an optional final '*'")
    return None


@functools.lru_cache(maxsize=65536)
def parse_term(text: str, case_sensitive: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a term into its words and the separators between them.

    Parameters
    ----------
    text : str
        A valid term.
    case_sensitive : bool, default=False
        Keep the capitals when True; otherwise words are lower case.

    Returns
    -------
    (words, separators)
        ``separators[i]`` joins ``words[i]`` and ``words[i + 1]``; it is
        :data:`SPACE_OR_HYPHEN` or a literal apostrophe, period or ampersand.

    Examples
    --------
    >>> parse_term("Hamas-run health ministry")
    (('hamas', 'run', 'health', 'ministry'), (' ', ' ', ' '))
    >>> parse_term("Israel\u2019s")
    (('israel', 's'), ("'",))
    """
    normalized = normalize_text(text.strip().rstrip("*")).text
    if not case_sensitive:
        normalized = normalize_text(normalized).lower
    words, separators = [], []
    for match in _WORD_OR_SEPARATOR.finditer(normalized):
        word, space, literal = match.groups()
        if word:
            words.append(word)
        else:
            separators.append(SPACE_OR_HYPHEN if space else literal)
    return tuple(words), tuple(separators)


@dataclass(frozen=True)
class Pole:
    """One of the alternative wordings on an axis.

    Parameters
    ----------
    name : str
    terms : tuple of Term
    description : str, default=""
    """

    name: str
    terms: tuple[Term, ...]
    description: str = ""


@dataclass(frozen=True)
class Axis:
    """A choice between alternative wordings (its poles) for the same thing."""

    name: str
    poles: tuple[Pole, ...]
    description: str = ""


@dataclass(frozen=True)
class Category:
    """A plain list of terms, reported as a rate."""

    name: str
    terms: tuple[Term, ...]
    description: str = ""


@dataclass(frozen=True)
class ReferentGroup:
    """A group a term can name (for example the Israeli or the Palestinian side), and the cues that say so.

    Parameters
    ----------
    name : str
        Identifier used in tables, e.g. ``"israeli"``.
    label : str
        Display name, e.g. ``"Israeli"``.
    modifiers : tuple of str
        Words that name the group when they stand just before a term
        ("Israeli captives", "Palestinian prisoners").
    phrases : tuple of str
        Phrases near a term, in its sentence, that tie it to the group
        ("held by Hamas", "in Israeli jails").
    places : tuple of str
        Places where the group's people live or were hit ("Gaza City",
        "southern Israel"): a term next to "in/at/near/across ... <place>"
        names this group, except on ``held`` axes, where only "from
        <place>" does (where someone comes from).
    held_in : tuple of str
        Places where the group's people are held captive ("Gaza" for the
        Israeli hostages): on ``held`` axes, "in/inside/under <place>" names
        this group.
    """

    name: str
    label: str
    modifiers: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    held_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Referents:
    """Which terms name people, and the groups they can name (the lexicon's ``referents`` section).

    Parameters
    ----------
    applies_to : tuple of str
        Axes or categories whose terms name people or groups.
    groups : tuple of ReferentGroup
    description : str, default=""
    held : tuple of str, default=()
        Those of ``applies_to`` whose terms name people held captive: a place
        says where they are held, not who they are.
    people : tuple of str, default=()
        More words that name people ("civilians", "soldiers", "Palestinians"),
        matched as a ``people`` category of the referent analysis only.
    """

    applies_to: tuple[str, ...]
    groups: tuple[ReferentGroup, ...]
    description: str = ""
    held: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class LexiconEntry:
    """One term in its place: lexicon, kind (axis or category), axis, pole."""

    lexicon: str
    kind: str
    axis: str
    pole: str
    term: Term


@dataclass(frozen=True)
class Lexicon:
    """A framing lexicon: axes of alternative wordings, and categories.

    Build one with :meth:`from_yaml` or :func:`load_lexicon`.

    Parameters
    ----------
    name : str
    axes : tuple of Axis, default=()
    categories : tuple of Category, default=()
    title, description, language, version : str
    sources : tuple of str
    path : str or None
        File it was read from.

    Examples
    --------
    >>> lexicon = Lexicon.from_dict({"name": "demo", "axes": {"captivity": {"poles": {
    ...     "hostage": {"terms": ["hostage*"]}, "captive": {"terms": ["captive*"]}}}}})
    >>> [entry.pole for entry in lexicon.entries()]
    ['hostage', 'captive']
    """

    name: str
    axes: tuple[Axis, ...] = ()
    categories: tuple[Category, ...] = ()
    title: str = ""
    description: str = ""
    language: str = "en"
    version: str = ""
    sources: tuple[str, ...] = ()
    referents: Referents | None = None
    path: str | None = field(default=None, compare=False)

    @classmethod
    def from_yaml(cls, path) -> Lexicon:
        """Read and validate a YAML lexicon; errors name the file and line."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise LexiconError(f"lexicon file {str(path)!r} does not exist") from None
        except OSError as error:
            raise LexiconError(f"lexicon file {str(path)!r} cannot be read ({error.strerror or error})") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            message = (f"{path}, line {line}: not UTF-8 text (byte {data[error.start]:#04x} at position "
                       f"{error.start}); save the file as UTF-8")
            raise LexiconError(message, problems=[message]) from None
        return _build_lexicon(text, str(path))

    @classmethod
    def from_dict(cls, data: dict, *, source: str = "<dict>") -> Lexicon:
        """Build a lexicon from the same structure as the YAML file."""
        return _build_lexicon(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), source)

    def entries(self) -> Iterator[LexiconEntry]:
        """Every term with its axis and pole (categories use their name as pole)."""
        for axis in self.axes:
            for pole in axis.poles:
                for term in pole.terms:
                    yield LexiconEntry(self.name, "axis", axis.name, pole.name, term)
        for category in self.categories:
            for term in category.terms:
                yield LexiconEntry(self.name, "category", category.name, category.name, term)

    def poles(self) -> list[tuple[str, str, str]]:
        """``(kind, axis, pole)`` for every pole and category, in file order."""
        result = [("axis", axis.name, pole.name) for axis in self.axes for pole in axis.poles]
        return result + [("category", category.name, category.name) for category in self.categories]

    def to_frame(self) -> pd.DataFrame:
        """One row per term: lexicon, kind, axis, pole, term, note, case_sensitive, exclude."""
        rows = [{"lexicon": e.lexicon, "kind": e.kind, "axis": e.axis, "pole": e.pole, "term": e.term.text,
                 "note": e.term.note, "case_sensitive": e.term.case_sensitive,
                 "exclude": "; ".join(e.term.exclude)} for e in self.entries()]
        return pd.DataFrame(rows, columns=["lexicon", "kind", "axis", "pole", "term", "note",
                                           "case_sensitive", "exclude"])

    def to_dict(self) -> dict:
        """The YAML structure of this lexicon (inverse of :meth:`from_dict`)."""
        def term_dict(term: Term):
            if not (term.note or term.case_sensitive or term.exclude):
                return term.text
            data = {"term": term.text}
            if term.note:
                data["note"] = term.note
            if term.case_sensitive:
                data["case_sensitive"] = True
            if term.exclude:
                data["exclude"] = list(term.exclude)
            return data

        def described(obj, body):
            return ({"description": obj.description} if obj.description else {}) | body

        data: dict = {"name": self.name}
        for key in ("title", "description", "language", "version"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.sources:
            data["sources"] = list(self.sources)
        if self.axes:
            data["axes"] = {a.name: described(a, {"poles": {p.name: described(p, {"terms": [term_dict(t) for t in p.terms]})
                                                            for p in a.poles}}) for a in self.axes}
        if self.categories:
            data["categories"] = {c.name: described(c, {"terms": [term_dict(t) for t in c.terms]})
                                  for c in self.categories}
        if self.referents is not None:
            referents = self.referents
            data["referents"] = described(referents, {
                "applies_to": list(referents.applies_to),
                **({"held": list(referents.held)} if referents.held else {}),
                **({"people": list(referents.people)} if referents.people else {}),
                "groups": {g.name: {"label": g.label, **{key: list(getattr(g, key)) for key in
                                                          ("modifiers", "phrases", "places", "held_in")
                                                          if getattr(g, key)}}
                           for g in referents.groups}})
        return data

    def to_yaml(self) -> str:
        """The lexicon as YAML text."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(kind)}</td><td>{html.escape(axis)}</td><td>{html.escape(pole)}</td>"
            f"<td>{sum(1 for e in self.entries() if e.axis == axis and e.pole == pole)}</td></tr>"
            for kind, axis, pole in self.poles())
        return (f"<div><strong>Lexicon {html.escape(self.name)}</strong> {html.escape(self.title)}"
                f"<table><tr><th>kind</th><th>axis</th><th>pole</th><th>terms</th></tr>{rows}</table></div>")


# ---------------------------------------------------------------------------
# YAML reading with line numbers

class _Problems:
    def __init__(self, source: str):
        self.source = source
        self.items: list[tuple[int, str]] = []

    def add(self, node_or_line, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) else node_or_line.start_mark.line + 1
        self.items.append((line, message))

    def raise_if_any(self) -> None:
        if self.items:
            self.items.sort()
            lines = [f"{self.source}, line {line}: {message}" for line, message in self.items]
            more = f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""
            raise LexiconError(lines[0] + more, problems=lines)


def _mapping(node, what: str, problems: _Problems, allowed: set[str]) -> dict[str, tuple]:
    """Return {key: (key_node, value_node)} for a YAML mapping node, checking keys."""
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, f"{what} must be a mapping of keys to values")
        return {}
    result = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.add(key_node, f"{what} has a key that is a list or mapping; keys are plain names, as in 'name:'")
            continue
        key = key_node.value
        if key in result:
            problems.add(key_node, f"{what} has the key {key!r} twice; keep one")
            continue
        if allowed and key not in allowed:
            problems.add(key_node, f"{what} has an unknown key {key!r}; allowed keys are "
                                   f"{', '.join(sorted(allowed))}")
            continue
        result[key] = (key_node, value_node)
    return result


def _scalar(node, what: str, problems: _Problems, kind=str):
    if not isinstance(node, yaml.ScalarNode):
        problems.add(node, f"{what} must be a single value")
        return None
    value = yaml.safe_load(yaml.serialize(node)) if kind is bool else node.value
    if kind is bool and not isinstance(value, bool):
        problems.add(node, f"{what} must be true or false, got {node.value!r}")
        return None
    return value


def _sequence(node, what: str, problems: _Problems) -> list:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null") and node.tag.endswith("null"):
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, f"{what} must be a list")
        return []
    return node.value


def _names(mapping: dict, what: str, problems: _Problems) -> None:
    for name, (key_node, _) in mapping.items():
        if not _IDENTIFIER.match(str(name)):
            problems.add(key_node, f"{what} name {name!r} is not an identifier; use lower-case letters, "
                                   "digits and _, starting with a letter")


def _terms(node, where: str, problems: _Problems) -> tuple[Term, ...]:
    terms = []
    seen: dict[tuple, int] = {}
    items = _sequence(node, f"{where} terms", problems)
    if not items:
        problems.add(node, f"{where} has no terms; add at least one term or remove it")
    for item in items:
        line = item.start_mark.line + 1
        options = {}
        if isinstance(item, yaml.MappingNode):
            fields = _mapping(item, f"term in {where}", problems, _KEYS["term"])
            if "term" not in fields:
                problems.add(item, f"term in {where} has no 'term' key")
                continue
            text = _scalar(fields["term"][1], "term", problems)
            if "note" in fields:
                options["note"] = _scalar(fields["note"][1], "note", problems) or ""
            if "case_sensitive" in fields:
                options["case_sensitive"] = bool(_scalar(fields["case_sensitive"][1], "case_sensitive", problems, bool))
            if "exclude" in fields:
                phrases = [_scalar(p, "exclusion", problems) for p in _sequence(fields["exclude"][1], "exclude", problems)]
                options["exclude"] = tuple(p for p in phrases if p)
        else:
            text = _scalar(item, f"term in {where}", problems)
        if text is None:
            continue
        problem = term_syntax_problem(text)
        if problem:
            problems.add(line, f"{where}: {problem}")
            continue
        bad_exclusion = False
        for phrase in options.get("exclude", ()):
            problem = term_syntax_problem(phrase)
            if problem:
                problems.add(line, f"{where}, exclusion of {text!r}: {problem}")
                bad_exclusion = True
            elif not _contains_term(phrase, text, options.get("case_sensitive", False)):
                problems.add(line, f"{where}: exclusion {phrase!r} does not contain the term {text!r}; "
                                   "an exclusion must be a longer phrase around the term")
                bad_exclusion = True
        if bad_exclusion:
            continue
        term = Term(text.strip(), line=line, **options)
        if term.key in seen:
            problems.add(line, f"{where}: term {term.text!r} is listed twice (first on line {seen[term.key]}); "
                               "remove one")
            continue
        seen[term.key] = line
        terms.append(term)
    return tuple(terms)


def _contains_term(phrase: str, term: str, case_sensitive: bool) -> bool:
    words, _ = parse_term(phrase, case_sensitive)
    term_words, _ = parse_term(term, case_sensitive)
    wildcard = term.strip().endswith("*")
    for start in range(len(words) - len(term_words) + 1):
        window = words[start:start + len(term_words)]
        if window[:-1] == term_words[:-1] and (
                window[-1].startswith(term_words[-1]) if wildcard else window[-1] == term_words[-1]):
            return True
    return False


def _build_lexicon(text: str, source: str) -> Lexicon:
    problems = _Problems(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        line = _deep_nesting_line(text)
        raise LexiconError(f"{source}, line {line}: not valid YAML (nested more than {_MAX_DEPTH} levels deep); "
                           "a lexicon needs about six",
                           problems=[f"{source}, line {line}: not valid YAML (nested too deeply)"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        if mark is None and isinstance(error, yaml.reader.ReaderError):  # a forbidden character
            line = text.count("\n", 0, error.position) + 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        context_mark = getattr(error, "context_mark", None)
        if mark is not None and context_mark is not None and mark.index >= len(text.rstrip()):
            # Found only at the end of the file: name the line of the bracket or quote left open.
            opened = re.sub(r"\Awhile (?:parsing|scanning) an? ", "", error.context)
            reason = f"{reason}; the {opened} started on line {context_mark.line + 1} is never closed"
        raise LexiconError(f"{source}, line {line}: not valid YAML ({reason}); check indentation and quoting",
                           problems=[f"{source}, line {line}: not valid YAML ({reason})"]) from None
    if root is None:
        raise LexiconError(f"{source}, line 1: the file is empty; a lexicon needs a name and axes or categories",
                           problems=[f"{source}, line 1: the file is empty"])
    top = _mapping(root, "lexicon", problems, _KEYS["lexicon"])
    info = {}
    for key in ("name", "title", "description", "language", "version"):
        if key in top:
            info[key] = str(_scalar(top[key][1], key, problems) or "").strip()
    name = info.get("name", "")
    if "name" not in top:
        problems.add(root, "lexicon has no 'name'; add e.g. 'name: my_topic'")
    elif not _IDENTIFIER.match(name):
        problems.add(top["name"][1], f"lexicon name {name!r} is not an identifier; use lower-case letters, "
                                     "digits and _, starting with a letter")
    sources = ()
    if "sources" in top:
        sources = tuple(str(_scalar(n, "source", problems) or "") for n in _sequence(top["sources"][1], "sources", problems))

    axes = []
    axis_nodes = _mapping(top["axes"][1], "axes", problems, set()) if "axes" in top else {}
    _names(axis_nodes, "axis", problems)
    for axis_name, (key_node, axis_node) in axis_nodes.items():
        axis_fields = _mapping(axis_node, f"axis {axis_name!r}", problems, _KEYS["axis"])
        pole_nodes = _mapping(axis_fields["poles"][1], f"axis {axis_name!r} poles", problems, set()) \
            if "poles" in axis_fields else {}
        _names(pole_nodes, f"axis {axis_name!r} pole", problems)
        if len(pole_nodes) < 2:
            problems.add(key_node, f"axis {axis_name!r} has {len(pole_nodes)} pole(s); an axis needs at least two "
                                   "(use a category for a single list of terms)")
        poles = []
        seen_terms: dict[tuple, tuple[str, int]] = {}
        for pole_name, (pole_key, pole_node) in pole_nodes.items():
            pole_fields = _mapping(pole_node, f"axis {axis_name!r} pole {pole_name!r}", problems, _KEYS["pole"])
            where = f"axis {axis_name!r} pole {pole_name!r}"
            terms = _terms(pole_fields["terms"][1], where, problems) if "terms" in pole_fields else ()
            if "terms" not in pole_fields:
                problems.add(pole_key, f"{where} has no terms; add at least one term or remove the pole")
            for term in terms:
                if term.key in seen_terms:
                    other_pole, other_line = seen_terms[term.key]
                    problems.add(term.line, f"{where}: term {term.text!r} is also in pole {other_pole!r} "
                                            f"(line {other_line}); a term belongs to one pole of an axis")
                seen_terms[term.key] = (pole_name, term.line)
            description = _description(pole_fields, problems)
            poles.append(Pole(pole_name, terms, description))
        axes.append(Axis(axis_name, tuple(poles), _description(axis_fields, problems)))

    categories = []
    category_nodes = _mapping(top["categories"][1], "categories", problems, set()) if "categories" in top else {}
    _names(category_nodes, "category", problems)
    for category_name, (key_node, category_node) in category_nodes.items():
        fields = _mapping(category_node, f"category {category_name!r}", problems, _KEYS["category"])
        where = f"category {category_name!r}"
        if "terms" not in fields:
            problems.add(key_node, f"{where} has no terms; add at least one term or remove it")
        terms = _terms(fields["terms"][1], where, problems) if "terms" in fields else ()
        categories.append(Category(category_name, terms, _description(fields, problems)))
    clash = set(axis_nodes) & set(category_nodes)
    for name_clash in sorted(clash):
        problems.add(category_nodes[name_clash][0], f"{name_clash!r} is both an axis and a category; rename one")
    if not axis_nodes and not category_nodes and "name" in top:
        problems.add(root, "lexicon has neither axes nor categories; add at least one")
    referents = _referents(top["referents"], set(axis_nodes) | set(category_nodes), problems) \
        if "referents" in top else None
    problems.raise_if_any()
    return Lexicon(name, tuple(axes), tuple(categories), info.get("title", ""), info.get("description", ""),
                   info.get("language", "") or "en", info.get("version", ""), sources, referents, path=source)


def _referents(key_and_node, names: set[str], problems: _Problems) -> Referents | None:
    """The ``referents`` section: ``applies_to`` (axis or category names) and ``groups`` with their cues."""
    key_node, node = key_and_node
    fields = _mapping(node, "referents", problems, _KEYS["referents"])
    applies_to = []
    if "applies_to" not in fields:
        problems.add(key_node, "referents has no 'applies_to'; list the axes whose terms name people, "
                               "e.g. 'applies_to: [captivity]'")
    else:
        applies_to = _name_list(fields["applies_to"][1], "applies_to", names, problems)
    held = _name_list(fields["held"][1], "held", set(applies_to), problems) if "held" in fields else []
    people = []
    if "people" in fields:
        for item in _sequence(fields["people"][1], "referents people", problems):
            word = str(_scalar(item, "people", problems) or "").strip()
            problem = term_syntax_problem(word)
            if problem:
                problems.add(item, f"referents people: {problem}")
            people.append(word)
    groups = []
    group_nodes = _mapping(fields["groups"][1], "referents groups", problems, set()) if "groups" in fields else {}
    _names(group_nodes, "referent group", problems)
    if len(group_nodes) < 2:
        problems.add(fields["groups"][0] if "groups" in fields else key_node,
                     f"referents has {len(group_nodes)} group(s); name at least two groups, each with "
                     "modifiers and/or phrases")
    for group_name, (group_key, group_node) in group_nodes.items():
        where = f"referent group {group_name!r}"
        group_fields = _mapping(group_node, where, problems, _KEYS["referent_group"])
        cues = {}
        for kind in ("modifiers", "phrases", "places", "held_in"):
            items = _sequence(group_fields[kind][1], f"{where} {kind}", problems) if kind in group_fields else []
            cues[kind] = tuple(str(_scalar(item, kind, problems) or "").strip() for item in items)
            for item, cue in zip(items, cues[kind]):
                if not cue:
                    problems.add(item, f"{where}: an empty {kind[:-1]}; remove it")
        if not any(cues.values()):
            problems.add(group_key, f"{where} has no modifiers or phrases; add words that name the group")
        label = str(_scalar(group_fields["label"][1], "label", problems) or "") if "label" in group_fields \
            else group_name.replace("_", " ").capitalize()
        groups.append(ReferentGroup(group_name, label.strip(), cues["modifiers"], cues["phrases"], cues["places"],
                                    cues["held_in"]))
    return Referents(tuple(applies_to), tuple(groups), _description(fields, problems), tuple(held), tuple(people))


def _name_list(node, key: str, names: set[str], problems: _Problems) -> list[str]:
    """A list of axis or category names under ``referents``, each checked against ``names``."""
    values = []
    for item in _sequence(node, f"referents {key}", problems):
        value = str(_scalar(item, key, problems) or "")
        if value not in names:
            problems.add(item, f"referents {key} names {value!r}, which is not an axis or category of "
                               f"this lexicon{' listed in applies_to' if key == 'held' else ''}; use one of: "
                               f"{', '.join(sorted(names))}")
        values.append(value)
    return values


_MAX_DEPTH = 100


def _deep_nesting_line(text: str) -> int:
    """Line where lists and mappings first nest more than ``_MAX_DEPTH`` levels deep (the parser is not recursive)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return 1


def _description(fields: dict, problems: _Problems) -> str:
    if "description" not in fields:
        return ""
    return " ".join(str(_scalar(fields["description"][1], "description", problems) or "").split())


# ---------------------------------------------------------------------------
# Finding lexicons

def _shipped_directory():
    """Shipped lexicons: package data in a wheel, ``lexicons/`` in a source checkout."""
    try:
        return importlib.resources.files("framing.lexicons")
    except ModuleNotFoundError:  # editable install: the folder is not mapped into the package
        return Path(__file__).resolve().parent.parent / "lexicons"


def available_lexicons() -> list[str]:
    """Names of the lexicons shipped with the package, sorted."""
    return sorted(Path(entry.name).stem for entry in _shipped_directory().iterdir()
                  if entry.name.endswith(".yaml"))


def load_lexicon(lexicon) -> Lexicon:
    """Return a :class:`Lexicon` from a Lexicon, a shipped name or a file path.

    Parameters
    ----------
    lexicon : Lexicon, str or pathlib.Path
        A shipped lexicon's name (see :func:`available_lexicons`), or the path
        of a ``.yaml`` file or of a LIWC ``.dic`` or ``.dicx`` file.

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        If the name is unknown or the file is invalid.

    Examples
    --------
    >>> load_lexicon("israel_gaza").name
    'israel_gaza'
    """
    if isinstance(lexicon, Lexicon):
        return lexicon
    if not isinstance(lexicon, (str, Path)):
        raise LexiconError(f"lexicon must be a Lexicon, a shipped name or a path, got {type(lexicon).__name__}")
    text = str(lexicon)
    path = Path(text)
    looks_like_file = path.suffix.lower() in (".yaml", ".yml", ".dic", ".dicx") or "/" in text
    if path.is_file():
        return _cached_file_lexicon(str(path), path.stat().st_mtime_ns)
    if looks_like_file:
        raise LexiconError(f"lexicon file {text!r} does not exist; check the path, or use a shipped name: "
                           f"{', '.join(available_lexicons())}")
    names = available_lexicons()
    if text in names:
        return _cached_shipped_lexicon(text)
    raise LexiconError(f"unknown lexicon {text!r}; available: {', '.join(names)}; or pass a path to a .yaml file")


@functools.lru_cache(maxsize=32)
def _cached_file_lexicon(path: str, mtime: int) -> Lexicon:
    if path.lower().endswith((".dic", ".dicx")):
        from framing.liwc import read_liwc  # the LIWC reader builds on this module

        return read_liwc(path)[0]
    return Lexicon.from_yaml(path)


@functools.lru_cache(maxsize=8)
def _cached_shipped_lexicon(name: str) -> Lexicon:
    resource = _shipped_directory() / f"{name}.yaml"
    return _build_lexicon(resource.read_text(encoding="utf-8"), f"lexicons/{name}.yaml")


def load_lexicons(lexicons) -> list[Lexicon]:
    """Resolve one or several lexicon specifications; names must be unique."""
    if isinstance(lexicons, (str, Path, Lexicon)):
        lexicons = [lexicons]
    resolved = [load_lexicon(item) for item in lexicons]
    if not resolved:
        raise LexiconError("no lexicon given; pass a shipped name such as 'israel_gaza' or a path")
    names = [lexicon.name for lexicon in resolved]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise LexiconError(f"lexicon name {duplicates[0]!r} is used twice; give each lexicon a distinct 'name'")
    return resolved


def validate_lexicon_file(path) -> list[str]:
    """Validate a lexicon file and return its problems, one line each (empty when valid)."""
    try:
        load_lexicon(Path(path))
    except LexiconError as error:
        return error.problems
    return []
