"""The corpus container: :class:`Article` and :class:`Corpus`.

Where an article goes after it is loaded: :mod:`framing.readers` reads files
into articles (:func:`~framing.readers.load_corpus` into a :class:`Corpus`,
:func:`~framing.readers.stream_corpus` one article at a time);
:mod:`framing.counting` matches lexicon terms in them, :mod:`framing.features`
turns them into feature matrices, :mod:`framing.report` runs every analysis and
the command line (:mod:`framing.cli`) writes the tables. Every input file or
record appears in :attr:`Corpus.load_report`, loaded or skipped with the
reason, so nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from framing.exceptions import CorpusError
from framing.text import count_tokens, normalize_text

__all__ = ["Article", "Corpus", "GROUP_FIELDS", "LOAD_REPORT_COLUMNS", "as_corpus", "check_group", "group_value"]

#: Columns of :attr:`Corpus.load_report`, one row per input file or record.
LOAD_REPORT_COLUMNS = ["source", "record", "article_id", "status", "reason", "encoding", "warnings"]

_NOT_GROUPS = ("id", "n_chars", "n_tokens")


@dataclass(frozen=True)
class Article:
    """One news article.

    Parameters
    ----------
    id : str
        Identifier, unique within a corpus (the file name without ``.txt`` for
        a folder of text files).
    text : str
        The displayed text. Every character offset reported by the toolkit
        points into this string.
    outlet : str, default="unknown"
        Publishing outlet.
    date : datetime.date or None, default=None
    title : str or None, default=None
    url : str or None, default=None
    event : str or None, default=None
        The story or event the article covers, when known (from a manifest).
    meta : mapping of str to str, default={}
        Any other columns from the manifest or the record.
    """

    id: str
    text: str
    outlet: str = "unknown"
    date: dt.date | None = None
    title: str | None = None
    url: str | None = None
    event: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        if not isinstance(self.id, str) or not self.id:
            raise CorpusError(f"Article id must be a non-empty string, got {self.id!r}")
        if not isinstance(self.text, str):
            raise CorpusError(f"article {self.id!r}: text must be a string, got {type(self.text).__name__}")
        if not isinstance(self.outlet, str) or not self.outlet.strip():
            raise CorpusError(f"article {self.id!r}: outlet must be a non-empty string, got {self.outlet!r}; use 'unknown'")
        if self.date is not None and not isinstance(self.date, dt.date):
            raise CorpusError(f"article {self.id!r}: date must be a datetime.date or None, got {self.date!r}; see parse_date")


class Corpus(Sequence):
    """An ordered collection of :class:`Article` with its load report.

    Parameters
    ----------
    articles : iterable of Article
        Ids must be unique.
    load_report : pandas.DataFrame, optional
        One row per input file or record (see :data:`LOAD_REPORT_COLUMNS`).
        Built from the articles when omitted.
    source : str, optional
        Where the corpus came from, for reports.

    Examples
    --------
    >>> corpus = Corpus([Article("a1", "Hostages were freed.", outlet="Wire")])
    >>> len(corpus), corpus["a1"].outlet
    (1, 'Wire')
    """

    def __init__(self, articles: Iterable[Article], *, load_report: pd.DataFrame | None = None,
                 source: str | None = None):
        self._articles = tuple(articles)
        self._index = {}
        for position, article in enumerate(self._articles):
            if not isinstance(article, Article):
                raise CorpusError(f"Corpus takes Article objects, got {type(article).__name__} at position {position}")
            if article.id in self._index:
                raise CorpusError(f"article id {article.id!r} appears twice; ids must be unique (load_corpus renames duplicates)")
            self._index[article.id] = position
        if load_report is None:
            load_report = pd.DataFrame(
                [{"source": source or "", "record": pd.NA, "article_id": a.id, "status": "loaded",
                  "reason": "", "encoding": "", "warnings": ""} for a in self._articles],
                columns=LOAD_REPORT_COLUMNS,
            )
        self.load_report = load_report
        self.source = source
        self._n_tokens: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._articles)

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                return self._articles[self._index[key]]
            except KeyError:
                raise KeyError(f"no article with id {key!r} in this corpus") from None
        if isinstance(key, slice):
            return Corpus(self._articles[key], source=self.source)
        return self._articles[key]

    def __iter__(self) -> Iterator[Article]:
        return iter(self._articles)

    def __repr__(self) -> str:
        return f"Corpus({len(self)} articles, {len(self.outlets)} outlets, source={self.source!r})"

    def _repr_html_(self, max_rows: int = 10) -> str:
        """Compact HTML view for Jupyter: size, outlets, load-report tally and the first articles."""
        outlet_sizes: dict[str, int] = {}
        for article in self._articles:
            outlet_sizes[article.outlet] = outlet_sizes.get(article.outlet, 0) + 1
        outlets = ", ".join(f"{html.escape(name)} ({outlet_sizes[name]})" for name in sorted(outlet_sizes)[:max_rows])
        if len(outlet_sizes) > max_rows:
            outlets += f", … {len(outlet_sizes) - max_rows} more"
        report = self.load_report
        skipped = int((report["status"] == "skipped").sum()) if "status" in report else 0
        warned = int((report["warnings"].fillna("") != "").sum()) if "warnings" in report else 0
        rows = "".join(
            f"<tr><td>{html.escape(a.id)}</td><td>{html.escape(a.outlet)}</td>"
            f"<td>{a.date.isoformat() if a.date else ''}</td>"
            f"<td>{html.escape((a.title or '')[:70] + ('…' if a.title and len(a.title) > 70 else ''))}</td>"
            f"<td>{self.n_tokens(a)}</td></tr>" for a in self._articles[:max_rows])
        more = f"<br><small>… and {len(self) - max_rows} more articles.</small>" if len(self) > max_rows else ""
        return (f"<div><strong>Corpus</strong>: {len(self)} articles, {len(outlet_sizes)} outlets"
                f"{', source ' + html.escape(str(self.source)) if self.source else ''}<br>"
                f"<small>Load report: {len(self)} loaded, {skipped} skipped, {warned} with warnings "
                f"(see <code>.load_report</code>). Outlets: {outlets}</small>"
                f"<table><tr><th>id</th><th>outlet</th><th>date</th><th>title</th><th>n_tokens</th></tr>"
                f"{rows}</table>{more}</div>")

    @property
    def ids(self) -> list[str]:
        """Article ids in corpus order."""
        return [article.id for article in self._articles]

    @property
    def outlets(self) -> list[str]:
        """Distinct outlets, sorted."""
        return sorted({article.outlet for article in self._articles})

    def n_tokens(self, article: Article | str, *, normalized=None, classes=None) -> int:
        """Number of word tokens in one article (cached), the rate denominator.

        Parameters
        ----------
        article : Article or str
            The article or its id.
        normalized, classes : optional
            ``normalize_text(article.text)`` and its ``character_classes``,
            when the caller has them already (the counting loop does).
        """
        article_id = article if isinstance(article, str) else article.id
        if article_id not in self._n_tokens:
            text = (normalized or normalize_text(self[article_id].text)).text
            self._n_tokens[article_id] = count_tokens(text, classes)
        return self._n_tokens[article_id]

    def remember_n_tokens(self, counts: Mapping[str, int]) -> None:
        """Cache token counts computed elsewhere (by a counting worker), so :meth:`n_tokens` need not redo them."""
        self._n_tokens.update(counts)

    def filter(self, predicate) -> Corpus:
        """Return a corpus of the articles for which ``predicate(article)`` is true."""
        return Corpus([a for a in self._articles if predicate(a)], source=self.source)

    def group_labels(self, by: str) -> pd.Series:
        """The group of each article for a grouping column, as strings.

        Parameters
        ----------
        by : str
            ``"article"`` (each article its own group), or a column of
            :meth:`to_frame` other than ``id``, ``n_chars`` and ``n_tokens``:
            ``outlet``, ``event``, ``date`` (as ``YYYY-MM-DD``) or a meta
            column. Missing values become ``"(none)"``.

        Returns
        -------
        pandas.Series
            Indexed by article id, in corpus order.

        Raises
        ------
        CorpusError
            If ``by`` is not such a column.
        """
        index = pd.Index(self.ids, name="id", dtype=object)
        check_group(by, {key for article in self._articles for key in article.meta})
        return pd.Series([group_value(article, by) for article in self._articles], index=index, name=by,
                         dtype=object)

    def to_frame(self) -> pd.DataFrame:
        """One row per article: metadata, sizes and meta columns.

        Returns
        -------
        pandas.DataFrame
            Columns ``id, outlet, date, title, url, event, n_chars, n_tokens``,
            then the meta keys in sorted order.
        """
        meta_keys = sorted({key for article in self._articles for key in article.meta})
        rows = []
        for article in self._articles:
            row = {
                "id": article.id, "outlet": article.outlet,
                "date": pd.Timestamp(article.date) if article.date else pd.NaT,
                "title": article.title, "url": article.url, "event": article.event,
                "n_chars": len(article.text), "n_tokens": self.n_tokens(article),
            }
            for key in meta_keys:
                row[key] = article.meta.get(key)
            rows.append(row)
        columns = ["id", "outlet", "date", "title", "url", "event", "n_chars", "n_tokens", *meta_keys]
        frame = pd.DataFrame(rows, columns=columns)
        frame["date"] = pd.to_datetime(frame["date"])
        return frame


#: Article fields that group articles (besides ``"article"`` and meta keys).
GROUP_FIELDS = ("outlet", "date", "title", "url", "event")


def check_group(by, meta_keys) -> None:
    """Raise CorpusError unless ``by`` is ``"article"``, an article field of :data:`GROUP_FIELDS` or a meta key."""
    if not isinstance(by, str) or by in _NOT_GROUPS or by not in ("article", *GROUP_FIELDS, *meta_keys):
        raise CorpusError(f"by={by!r} is not a column of the corpus; use one of: article, "
                          f"{', '.join([*GROUP_FIELDS, *sorted(set(meta_keys) - set(_NOT_GROUPS))])}")


def group_value(article: Article, by: str) -> str:
    """The group of one article for a grouping column: the field or meta value as a string, ``"(none)"`` if missing.

    Dates are written ``YYYY-MM-DD``; ``by="article"`` gives the id.
    """
    if by == "article":
        return article.id
    if by == "date":
        value = article.date.strftime("%Y-%m-%d") if article.date else None
    else:
        value = getattr(article, by) if by in GROUP_FIELDS else article.meta.get(by)
    return "(none)" if value is None else str(value)


def as_corpus(corpus) -> Corpus:
    """Accept a Corpus, an Article or an iterable of Articles; return a Corpus.

    A :class:`~framing.readers.CorpusStream` is read to the end and keeps
    its load report.

    Raises
    ------
    CorpusError
        For a string or anything else that is not articles.
    """
    if isinstance(corpus, Corpus):
        return corpus
    if isinstance(corpus, Article):
        return Corpus([corpus])
    if isinstance(corpus, str) or not isinstance(corpus, Iterable):
        raise CorpusError(f"corpus must be a Corpus (see load_corpus) or a list of Article, got "
                          f"{type(corpus).__name__}; wrap a text as Article('id', text)")
    articles = list(corpus)  # a CorpusStream fills its load_report and source on the way
    return Corpus(articles, load_report=getattr(corpus, "load_report", None), source=getattr(corpus, "source", None))


