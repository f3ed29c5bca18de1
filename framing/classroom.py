"""Classroom stage: hidden answers and blind passages for lessons run in Jupyter.

A lesson notebook is run by a teacher who does not write code. Three helpers
keep its answers honest and hidden until the class is ready:

- :func:`reveal` wraps an answer (text, a table, or both) in a collapsed
  ``<details>`` block: nothing shows until someone clicks it, with no
  JavaScript, so it works offline in JupyterLab and in exported HTML;
- :func:`blind_passages` cuts passages out of articles, checks they are really
  there, and hides the outlet's name; :func:`show_passages` displays them
  without their outlets;
- :func:`passage_terms` and :func:`passage_key` give the lexicon matches inside
  each passage (the same matches the corpus counts), to check the guesses.

Every piece of text is escaped before it becomes HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from framing.corpus import as_corpus
from framing.counting import find_matches
from framing.exceptions import FramingError

__all__ = ["PASSAGE_COLUMNS", "PassageCards", "Reveal", "blind_passages", "passage_key", "passage_terms",
           "reveal", "show_passages"]

#: Columns of :func:`blind_passages`.
PASSAGE_COLUMNS = ["label", "article_id", "outlet", "start", "end", "text", "shown_text"]
#: Columns of :func:`passage_terms`.
PASSAGE_TERM_COLUMNS = ["label", "article_id", "outlet", "kind", "axis", "pole", "term", "match", "start", "end"]
#: Columns of :func:`passage_key`.
PASSAGE_KEY_COLUMNS = ["label", "outlet", "article_id", "n_matches", "framing_words"]

_DETAILS_STYLE = "margin:0.4em 0;padding:0.3em 0.6em;border:1px solid #999;border-radius:4px"
_SUMMARY_STYLE = "cursor:pointer;font-weight:bold"


def _text_html(text: str) -> str:
    """Paragraphs (split on blank lines) with line breaks kept, every character escaped."""
    paragraphs = [part.strip("\n") for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)


def _part_html(part) -> str:
    if isinstance(part, str):
        return _text_html(part)
    if isinstance(part, pd.DataFrame):
        return pd.DataFrame(part).to_html(index=False, escape=True, border=0, na_rep="")
    return f"<pre>{html.escape(str(part))}</pre>"


def _part_text(part) -> str:
    if isinstance(part, pd.DataFrame):
        return pd.DataFrame(part).to_string(index=False)
    return str(part)


@dataclass(frozen=True, eq=False)
class Reveal:
    """An answer that stays hidden until it is clicked open.

    Build one with :func:`reveal`. In Jupyter it shows as a collapsed
    ``<details>`` block labelled :attr:`label`; its plain ``repr`` (what a
    terminal or a text-only export shows) says the answer is hidden.
    :attr:`text` gives the answer as plain text.

    Parameters
    ----------
    parts : tuple
        The answer: strings (paragraphs split on blank lines), pandas
        DataFrames (shown as tables), or other objects (shown as their
        ``str``). All of it is escaped.
    label : str
        The clickable summary line.
    """

    parts: tuple
    label: str

    def _repr_html_(self) -> str:
        body = "".join(_part_html(part) for part in self.parts)
        return (f'<details class="framing-reveal" style="{_DETAILS_STYLE}">'
                f'<summary style="{_SUMMARY_STYLE}">{html.escape(self.label)}</summary>'
                f"<div>{body}</div></details>")

    def __repr__(self) -> str:
        return f"(answer hidden — click {self.label!r} in Jupyter to open it, or read its .text)"

    @property
    def text(self) -> str:
        """The answer as plain text, tables included."""
        return "\n\n".join(_part_text(part) for part in self.parts)


def reveal(answer, label: str = "Reveal answer") -> Reveal:
    """Hide an answer in a collapsed block that opens on a click.

    Parameters
    ----------
    answer : str, pandas.DataFrame or a list or tuple of them
        The answer. Text is split into paragraphs on blank lines; a DataFrame
        is shown as a table; anything else as its ``str``. Every character is
        escaped, so an answer cannot inject HTML.
    label : str, default="Reveal answer"
        The line shown while the answer is hidden.

    Returns
    -------
    Reveal
        Shows as ``<details><summary>label</summary>…</details>`` in Jupyter
        (no JavaScript); its plain ``repr`` starts with ``(answer hidden``.

    Raises
    ------
    FramingError
        If ``label`` is not a non-empty string.

    Examples
    --------
    >>> hidden = reveal("Al Mayadeen English", label="Who wrote passage A?")
    >>> hidden
    (answer hidden — click 'Who wrote passage A?' in Jupyter to open it, or read its .text)
    >>> hidden.text
    'Al Mayadeen English'
    """
    if not isinstance(label, str) or not label.strip():
        raise FramingError(f"reveal label must be a non-empty string, got {label!r}; for example 'Reveal answer'")
    parts = tuple(answer) if isinstance(answer, (list, tuple)) else (answer,)
    return Reveal(parts, label.strip())


def _hide_names(text: str, names: Iterable[str], placeholder: str) -> str:
    for name in sorted({name.strip() for name in names if name and name.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", placeholder, text, flags=re.IGNORECASE)
    return text


def blind_passages(corpus, selections: Iterable[Sequence[str]], *, hide: Iterable[str] = (),
                   placeholder: str = "[outlet]") -> pd.DataFrame:
    """Cut passages out of articles and hide who published them.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    selections : iterable of (label, article_id, begins, ends)
        Each passage runs from the first occurrence of ``begins`` in the
        article's text to the end of the first occurrence of ``ends`` at or
        after it. Both are exact pieces of the text, so a lesson cannot quote
        words an article does not contain.
    hide : iterable of str, default=()
        Names to hide besides the article's own outlet (for example a wire
        agency or a reporter's employer), matched as whole words, ignoring case.
    placeholder : str, default="[outlet]"
        What hidden names become in ``shown_text``.

    Returns
    -------
    pandas.DataFrame
        One row per passage, in the order given: ``label, article_id, outlet,
        start, end, text, shown_text``; ``article.text[start:end]`` is
        ``text``, and ``shown_text`` is the same with the names hidden.

    Raises
    ------
    FramingError
        If a label is repeated, an article id is unknown, or ``begins`` or
        ``ends`` is not found.

    See Also
    --------
    show_passages : display the passages without their outlets.
    passage_key : the outlets and the framing words of each passage.
    """
    corpus = as_corpus(corpus)
    rows, labels = [], set()
    for selection in selections:
        if len(selection) != 4:
            raise FramingError(f"a passage selection is (label, article_id, begins, ends), got {selection!r}")
        label, article_id, begins, ends = (str(value) for value in selection)
        if label in labels:
            raise FramingError(f"passage label {label!r} is used twice; give each passage its own label")
        labels.add(label)
        if article_id not in corpus.ids:
            raise FramingError(f"passage {label!r}: no article {article_id!r} in the corpus; "
                               f"its articles are {', '.join(corpus.ids[:10])}")
        article = corpus[article_id]
        start = article.text.find(begins) if begins else -1
        if start < 0:
            raise FramingError(f"passage {label!r}: {begins!r} does not occur in article {article_id!r}; "
                               "copy the opening words exactly from the text")
        stop = article.text.find(ends, start) if ends else -1
        if stop < 0:
            raise FramingError(f"passage {label!r}: {ends!r} does not occur after {begins!r} in article "
                               f"{article_id!r}; copy the closing words exactly from the text")
        end = stop + len(ends)
        text = article.text[start:end]
        rows.append((label, article_id, article.outlet, start, end, text,
                     _hide_names(text, [article.outlet, *hide], placeholder)))
    return pd.DataFrame(rows, columns=PASSAGE_COLUMNS).astype({"start": "int64", "end": "int64"})


@dataclass(frozen=True, eq=False)
class PassageCards:
    """Passages shown by label only, their outlets left out; see :func:`show_passages`."""

    labels: tuple[str, ...]
    texts: tuple[str, ...]
    title: str

    def _repr_html_(self) -> str:
        cards = "".join(
            f'<div style="margin:0.5em 0;padding:0.4em 0.7em;border-left:4px solid #777">'
            f"<strong>Passage {html.escape(label)}</strong>"
            f"<p style=\"margin:0.3em 0;white-space:pre-wrap\">{html.escape(text)}</p></div>"
            for label, text in zip(self.labels, self.texts))
        return f"<div><strong>{html.escape(self.title)}</strong>{cards}</div>"

    def __repr__(self) -> str:
        lines = [self.title] + [f"Passage {label}: {text}" for label, text in zip(self.labels, self.texts)]
        return "\n\n".join(lines)


def show_passages(passages: pd.DataFrame, *, title: str = "Who wrote this?") -> PassageCards:
    """Display passages with their outlets hidden.

    Parameters
    ----------
    passages : pandas.DataFrame
        Output of :func:`blind_passages`.
    title : str, default="Who wrote this?"

    Returns
    -------
    PassageCards
        Shows each passage's label and ``shown_text``, nothing else.
    """
    missing = [column for column in ("label", "shown_text") if column not in getattr(passages, "columns", ())]
    if missing:
        raise FramingError(f"show_passages takes the table from blind_passages; it has no column {missing[0]!r}")
    return PassageCards(tuple(passages["label"].astype(str)), tuple(passages["shown_text"].astype(str)), title)


def passage_terms(passages: pd.DataFrame, corpus, lexicon="israel_gaza") -> pd.DataFrame:
    """The lexicon matches inside each passage, exactly as the whole articles count them.

    Parameters
    ----------
    passages : pandas.DataFrame
        Output of :func:`blind_passages` on the same corpus.
    corpus : Corpus or iterable of Article
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"

    Returns
    -------
    pandas.DataFrame
        One row per match that lies inside a passage: ``label, article_id,
        outlet, kind, axis, pole, term, match, start, end`` (``kind`` is
        ``"axis"`` or ``"category"``; ``start, end`` index the article's
        text), in passage order, then text order.
    """
    corpus = as_corpus(corpus)
    ids = set(passages["article_id"])
    matches = find_matches(corpus.filter(lambda article: article.id in ids), lexicon)
    rows = []
    for passage in passages.itertuples(index=False):
        inside = matches[(matches["article_id"] == passage.article_id) & (matches["start"] >= passage.start)
                         & (matches["end"] <= passage.end)]
        for match in inside.itertuples(index=False):
            rows.append((passage.label, passage.article_id, passage.outlet, match.kind, match.axis, match.pole,
                         match.term, match.match, match.start, match.end))
    return pd.DataFrame(rows, columns=PASSAGE_TERM_COLUMNS).astype({"start": "int64", "end": "int64"})


def passage_key(passages: pd.DataFrame, corpus, lexicon="israel_gaza") -> pd.DataFrame:
    """The answer key of a guess-the-outlet exercise: each passage's outlet and framing words.

    Parameters
    ----------
    passages : pandas.DataFrame
        Output of :func:`blind_passages`.
    corpus : Corpus or iterable of Article
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"

    Returns
    -------
    pandas.DataFrame
        One row per passage: ``label, outlet, article_id, n_matches,
        framing_words``, where ``framing_words`` lists each match on an axis
        (a choice between alternative wordings; category terms such as
        "ceasefire" are left out) as ``word (axis: pole)`` in text order,
        joined by ``"; "``, and ``n_matches`` counts them.
    """
    terms = passage_terms(passages, corpus, lexicon)
    terms = terms[terms["kind"] == "axis"]
    rows = []
    for passage in passages.itertuples(index=False):
        own = terms[terms["label"] == passage.label]
        words = "; ".join(f"{row.match} ({row.axis}: {row.pole})" for row in own.itertuples(index=False))
        rows.append((passage.label, passage.outlet, passage.article_id, len(own), words))
    return pd.DataFrame(rows, columns=PASSAGE_KEY_COLUMNS).astype({"n_matches": "int64"})
