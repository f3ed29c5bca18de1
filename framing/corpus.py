"""Load stage: read articles from folders, JSONL and CSV into one :class:`Corpus`.

Where an article goes after it is loaded: :func:`load_corpus` returns a
:class:`Corpus`; :mod:`framing.counting` matches lexicon terms in it,
:mod:`framing.features` turns it into feature matrices, and the command line
(:mod:`framing.cli`) writes the tables. Every input file or record appears in
:attr:`Corpus.load_report`, loaded or skipped with the reason, so nothing is
dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import gzip
import html
import io
import json
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from framing.exceptions import CorpusError
from framing.text import HTML_REMOVED, count_tokens, html_to_text, normalize_text

__all__ = ["Article", "Corpus", "LOAD_REPORT_COLUMNS", "as_corpus", "load_corpus", "parse_date"]

#: Columns of :attr:`Corpus.load_report`, one row per input file or record.
LOAD_REPORT_COLUMNS = ["source", "record", "article_id", "status", "reason", "encoding", "warnings"]

ARTICLE_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".csv")
MANIFEST_NAME = "manifest.csv"

# Field names recognised in JSONL and CSV records, first match wins. The second
# names are those of a Media Cloud story export.
FIELD_ALIASES = {
    "id": ("id", "stories_id", "story_id", "article_id", "guid"),
    "outlet": ("outlet", "media_name", "source", "publisher", "media"),
    "date": ("date", "publish_date", "published", "publication_date", "pub_date"),
    "title": ("title", "headline"),
    "text": ("text", "content", "body", "story_text", "article_text"),
    "url": ("url", "link"),
    "event": ("event", "event_id", "story"),
}
MANIFEST_FILE_COLUMNS = ("file", "filename", "path", "id")

_NOT_GROUPS = ("id", "n_chars", "n_tokens")
_DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*", re.IGNORECASE)
_TITLE_END = tuple(".!?;:,\"')]\u2019\u201d\u2026")
_MAX_TITLE_WORDS = 25
_MAX_TITLE_CHARS = 200
_DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y",
    "%d %B, %Y", "%A, %B %d, %Y", "%A %d %B %Y",
)


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
        frame = self.to_frame()
        if by == "article":
            return pd.Series(frame["id"].to_numpy(), index=frame["id"], name="article")
        allowed = [c for c in frame.columns if c not in _NOT_GROUPS]
        if not isinstance(by, str) or by not in allowed:
            raise CorpusError(f"by={by!r} is not a column of the corpus; use one of: article, {', '.join(allowed)}")
        column = frame[by]
        if by == "date":
            column = column.dt.strftime("%Y-%m-%d")
        labels = column.astype("object").where(column.notna(), "(none)").astype(str)
        return pd.Series(labels.to_numpy(), index=frame["id"], name=by)

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


def as_corpus(corpus) -> Corpus:
    """Accept a Corpus, an Article or an iterable of Articles; return a Corpus.

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
    return Corpus(list(corpus))


def parse_date(value) -> dt.date | None:
    """Parse a date in one of the common formats, or return None.

    Accepts ``datetime.date``, ISO dates and times (``2025-07-13``,
    ``2025-07-13T08:00:00Z``), ``2025/07/13``, ``13 July 2025``,
    ``July 13, 2025``, RFC 2822 (``Sun, 13 Jul 2025 08:00:00 GMT``) and a few
    more. Ambiguous numeric forms such as ``07/08/2025`` are refused.

    Parameters
    ----------
    value : str, datetime.date or None

    Returns
    -------
    datetime.date or None
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = " ".join(str(value).split())
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for date_format in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def decode_bytes(data: bytes) -> tuple[str | None, str, str]:
    """Decode file bytes, trying UTF-8, then cp1252, then latin-1.

    Returns
    -------
    (text, encoding, reason)
        ``text`` is None when the bytes cannot be text; ``reason`` says why.
    """
    if not data:
        return None, "", "empty file (0 bytes)"
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                          (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, ""
            except UnicodeDecodeError as error:
                return None, encoding, f"unreadable {encoding} text ({error.reason} at byte {error.start})"
    if b"\x00" in data:
        return None, "", "binary file (contains NUL bytes)"
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    controls = sum(1 for char in text[:20000] if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > 0.05 * min(len(text), 20000):
        return None, encoding, f"binary file ({controls} control characters in the first {min(len(text), 20000)})"
    return text, encoding, ""


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _allow_long_csv_fields() -> None:
    """Let one CSV field hold a whole article (the csv module stops at 128 KiB)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _lines(first: int, last: int) -> str:
    return f"line {first}" if last <= first else f"lines {first}-{last}"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_lone_surrogates(value):
    """Replace lone surrogates (JSON escapes such as ``"\\ud800"``) by U+FFFD, one for one."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_replace_lone_surrogates(key): _replace_lone_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_lone_surrogates(item) for item in value]
    return value


def _json_problem(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"invalid JSON ({error.msg.removesuffix(' at')} at column {error.colno})"
    if isinstance(error, RecursionError):
        return "invalid JSON (nested too deeply to read)"
    return f"invalid JSON ({str(error).split(';')[0]})"  # e.g. a number of more than 4300 digits


def split_text_file(text: str) -> tuple[str | None, dt.date | None, str]:
    """Split a text file into its title, its ``date`` header and its body.

    A leading `` date YYYY-MM-DD`` prefix gives the date; the rest of that line
    is text. Then a short first line (at most 25 words and 200 characters)
    without final punctuation, followed by more text, is the title.

    Returns
    -------
    (title, date, body)
    """
    text = _unify_newlines(text)
    date = None
    header = _DATE_HEADER.match(text)
    if header:
        date = parse_date(header.group(1))
        text = text[header.end():]
    text = text.strip()
    first, _, rest = text.partition("\n")
    first = first.strip()
    if (rest.strip() and first and len(first) <= _MAX_TITLE_CHARS and len(first.split()) <= _MAX_TITLE_WORDS
            and not first.endswith(_TITLE_END) and any(char.isalpha() for char in first)):
        return first, date, rest.strip()
    return None, date, text


def load_corpus(path, *, manifest: str | Path | None = None) -> Corpus:
    """Load a corpus from a folder, a ``.txt``, ``.jsonl``, ``.jsonl.gz`` or ``.csv`` file.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder is read recursively in sorted order: each ``.txt`` file is one
        article; ``.jsonl`` and ``.csv`` files hold one article per record;
        ``manifest.csv`` supplies metadata. Any other file is listed in the
        load report as skipped.
    manifest : str or pathlib.Path, optional
        A manifest to use instead of ``manifest.csv`` in the folder. Its
        ``file`` column names the text files; ``outlet``, ``date``, ``title``,
        ``url`` and ``event`` override what is parsed from the text, and every
        other column becomes ``meta``.

    Returns
    -------
    Corpus
        With :attr:`Corpus.load_report`, one row per file or record.

    Raises
    ------
    CorpusError
        If ``path`` does not exist or is not a supported file.

    Notes
    -----
    Article text that holds HTML tags is turned into plain text: tags removed,
    block tags made line breaks, script and style content dropped, entities
    decoded (see :func:`framing.text.html_to_text`); the load report warns
    ``HTML markup removed``. Text that merely mentions ``a < b`` is kept as it
    is. Empty, whitespace-only and binary files, JSONL lines that are not JSON
    objects and CSV rows with broken quoting are skipped, each with its reason.

    Examples
    --------
    >>> corpus = load_corpus("seeds")            # doctest: +SKIP
    >>> corpus.load_report[["source", "status"]]  # doctest: +SKIP
    """
    root = Path(path)
    if not root.exists():
        raise CorpusError(f"corpus path {str(path)!r} does not exist; pass a folder of .txt files "
                          "or a .jsonl, .jsonl.gz or .csv file")
    loader = _Loader(root)
    if root.is_dir():
        manifest_path = Path(manifest) if manifest else root / MANIFEST_NAME
        loader.read_manifest(manifest_path, required=manifest is not None)
        files = sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: p.relative_to(root).as_posix())
        for file in files:
            if file == manifest_path:
                continue
            loader.read_file(file)
        loader.report_missing_manifest_files()
    else:
        if not root.name.lower().endswith(ARTICLE_SUFFIXES):
            raise CorpusError(f"corpus file {str(path)!r} is not a supported type; use a folder of .txt files "
                              "or a .txt, .jsonl, .jsonl.gz or .csv file")
        if manifest:
            loader.read_manifest(Path(manifest), required=True)
        loader.read_file(root)
    return loader.corpus()


class _Loader:
    """Collect articles and load-report rows; one instance per load_corpus call."""

    def __init__(self, root: Path):
        self.root = root if root.is_dir() else root.parent
        self.articles: list[Article] = []
        self.rows: list[dict] = []
        self.manifest: dict[str, dict[str, str]] = {}
        self.manifest_used: set[str] = set()
        self.manifest_source = ""
        self.ids: set[str] = set()
        self.outlet_spellings: dict[str, str] = {}

    # -- report -------------------------------------------------------------
    def _relative(self, file: Path) -> str:
        try:
            return file.relative_to(self.root).as_posix()
        except ValueError:
            return file.as_posix()

    def skip(self, source: str, reason: str, *, record=pd.NA, encoding: str = "") -> None:
        self.rows.append({"source": source, "record": record, "article_id": "", "status": "skipped",
                          "reason": reason, "encoding": encoding, "warnings": ""})

    def add(self, article: Article, source: str, *, record=pd.NA, encoding: str = "",
            warnings: Sequence[str] = ()) -> None:
        warnings = list(warnings)
        article_id = article.id
        if article_id in self.ids:
            number = 2
            while f"{article_id}#{number}" in self.ids:
                number += 1
            warnings.append(f"duplicate id {article_id!r} renamed to {article_id}#{number}")
            article_id = f"{article_id}#{number}"
        outlet = " ".join(article.outlet.split()) or "unknown"
        canonical = self.outlet_spellings.setdefault(outlet.casefold(), outlet)
        if canonical != article.outlet.strip():
            warnings.append(f"outlet {article.outlet.strip()!r} merged with {canonical!r} (differs only in case or "
                            "spacing)")
        if article_id != article.id or canonical != article.outlet:
            article = Article(article_id, article.text, canonical, article.date, article.title,
                              article.url, article.event, article.meta)
        self.ids.add(article_id)
        self.articles.append(article)
        self.rows.append({"source": source, "record": record, "article_id": article_id, "status": "loaded",
                          "reason": "", "encoding": encoding, "warnings": "; ".join(warnings)})

    def corpus(self) -> Corpus:
        report = pd.DataFrame(self.rows, columns=LOAD_REPORT_COLUMNS)
        report["record"] = report["record"].astype("Int64")
        return Corpus(self.articles, load_report=report, source=str(self.root))

    # -- manifest -----------------------------------------------------------
    def read_manifest(self, path: Path, *, required: bool) -> None:
        if not path.exists():
            if required:
                raise CorpusError(f"manifest {str(path)!r} does not exist; pass an existing CSV file or omit manifest")
            return
        source = self._relative(path)
        self.manifest_source = source
        text, encoding, reason = decode_bytes(path.read_bytes())
        if text is None:
            self.skip(source, f"manifest unreadable: {reason}", encoding=encoding)
            return
        _allow_long_csv_fields()
        reader = csv.DictReader(io.StringIO(_unify_newlines(text)))
        try:
            columns = [c.strip().lower() for c in (reader.fieldnames or [])]
            key = next((c for c in MANIFEST_FILE_COLUMNS if c in columns), None)
            if key is None:
                self.skip(source, f"manifest has no file column (looked for {', '.join(MANIFEST_FILE_COLUMNS)}); "
                                  f"its columns are {', '.join(columns) or 'none'}", encoding=encoding)
                return
            for row in reader:
                clean = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
                name = clean.pop(key, "")
                if name:
                    self.manifest[Path(name).as_posix()] = clean
        except csv.Error as error:
            self.skip(source, f"manifest line {reader.line_num}: broken CSV ({error}); the rows after it were "
                              "not read", encoding=encoding)
            return
        self.rows.append({"source": source, "record": pd.NA, "article_id": "", "status": "loaded",
                          "reason": f"manifest with {len(self.manifest)} rows", "encoding": encoding,
                          "warnings": ""})

    def report_missing_manifest_files(self) -> None:
        for name in sorted(set(self.manifest) - self.manifest_used):
            self.skip(self.manifest_source, f"manifest names {name!r} but no such file was found")

    def _manifest_row(self, relative: str) -> dict[str, str] | None:
        for key in (relative, Path(relative).name, Path(relative).stem):
            if key in self.manifest:
                self.manifest_used.add(key)
                return self.manifest[key]
        return None

    # -- files --------------------------------------------------------------
    def read_file(self, file: Path) -> None:
        source = self._relative(file)
        name = file.name.lower()
        n_rows = len(self.rows)
        try:
            if name.endswith(".txt"):
                self._read_text_file(file, source)
            elif name.endswith((".jsonl", ".jsonl.gz")):
                self._read_jsonl(file, source)
            elif name.endswith(".csv"):
                self._read_csv(file, source)
            else:
                self.skip(source, "not an article file (expected .txt, .jsonl, .jsonl.gz or .csv)")
        except OSError as error:
            self.skip(source, f"cannot be read ({error.strerror or error})")
        except (EOFError, zlib.error) as error:
            self.skip(source, f"damaged compressed file ({error}); the records before the damage were loaded")
        if len(self.rows) == n_rows:  # a JSONL or CSV file without a single record still gets its row
            self.skip(source, "empty file (0 bytes)" if file.stat().st_size == 0 else
                      "no records (the file holds only blank lines or a header row)")

    def _read_text_file(self, file: Path, source: str) -> None:
        row = self._manifest_row(source)  # first, so a skipped file is not reported as missing
        text, encoding, reason = decode_bytes(file.read_bytes())
        if text is None:
            self.skip(source, reason, encoding=encoding)
            return
        text, html_warning = html_to_text(text)
        title, date, body = split_text_file(text)
        if not body.strip():
            self.skip(source, "no text once HTML markup was removed" if html_warning == HTML_REMOVED
                      else "no text (the file holds only whitespace)", encoding=encoding)
            return
        warnings = [html_warning] if html_warning else []
        if encoding not in ("utf-8", "utf-8-sig"):
            warnings.append(f"decoded as {encoding}")
        fields = {"outlet": "unknown", "date": date, "title": title, "url": None, "event": None}
        meta: dict[str, str] = {}
        if row is None:
            if self.manifest:
                warnings.append(f"not in {self.manifest_source}; outlet set to 'unknown'")
            else:
                warnings.append("no manifest.csv; outlet set to 'unknown'")
        else:
            fields, meta = _merge_fields(fields, row, warnings)
        article_id = Path(source).with_suffix("").as_posix()
        self.add(Article(article_id, body, fields["outlet"] or "unknown", fields["date"], fields["title"],
                         fields["url"], fields["event"], meta), source, encoding=encoding, warnings=warnings)

    def _read_jsonl(self, file: Path, source: str) -> None:
        opener = gzip.open if file.name.lower().endswith(".gz") else open
        with opener(file, "rb") as handle:
            lines, wide_encoding = handle, ""
            wide = handle.read(4).startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
            handle.seek(0)
            if wide:  # UTF-16 and UTF-32 cannot be cut into lines as bytes: decode the whole file first
                text, wide_encoding, reason = decode_bytes(handle.read())
                if text is None:
                    self.skip(source, reason, encoding=wide_encoding)
                    return
                lines = (line.encode("utf-8") for line in text.split("\n"))
            for number, raw in enumerate(lines, start=1):
                if not raw.strip():
                    continue
                text, encoding, reason = decode_bytes(raw)
                encoding = wide_encoding or encoding
                if text is None:
                    self.skip(source, f"line {number}: {reason}", record=number, encoding=encoding)
                    continue
                try:
                    record = json.loads(text)
                    cleaned = _replace_lone_surrogates(record) if "\\u" in text else record
                except (ValueError, RecursionError) as error:  # ValueError includes json.JSONDecodeError
                    self.skip(source, f"line {number}: {_json_problem(error)}", record=number, encoding=encoding)
                    continue
                if not isinstance(record, dict):
                    self.skip(source, f"line {number}: not a JSON object (got {type(record).__name__})",
                              record=number, encoding=encoding)
                    continue
                warnings = ["lone surrogate escapes replaced by U+FFFD"] if cleaned != record else []
                self._add_record(cleaned, source, number, encoding, f"{Path(source).name}:{number}", warnings)

    def _read_csv(self, file: Path, source: str) -> None:
        text, encoding, reason = decode_bytes(file.read_bytes())
        if text is None:
            self.skip(source, reason, encoding=encoding)
            return
        _allow_long_csv_fields()
        # strict: a quote in the wrong place is an error, not a field that swallows the next rows.
        reader = csv.reader(io.StringIO(_unify_newlines(text), newline=""), strict=True)
        try:
            header = [column.strip() for column in next(reader)]
        except StopIteration:
            self.skip(source, "empty CSV (no header row)", encoding=encoding)
            return
        except csv.Error as error:
            self.skip(source, f"broken CSV quoting in the header row ({error}); {_lines(1, reader.line_num)} "
                              "skipped", encoding=encoding)
            return
        lowered = [column.lower() for column in header]
        if not any(alias in lowered for alias in FIELD_ALIASES["text"]):
            self.skip(source, f"no text column (looked for {', '.join(FIELD_ALIASES['text'])}); "
                              f"its columns are {', '.join(header) or 'none'}", encoding=encoding)
            return
        record_number = 1
        while True:
            first_line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                record_number += 1
                self.skip(source, f"row {record_number}: broken CSV quoting ({error}); "
                                  f"{_lines(first_line, reader.line_num)} skipped",
                          record=record_number, encoding=encoding)
                continue
            record_number += 1
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                self.skip(source, f"row {record_number}: {len(values)} fields where the header has {len(header)} "
                                  "(broken quoting?)", record=record_number, encoding=encoding)
                continue
            self._add_record(dict(zip(lowered, values)), source, record_number, encoding,
                             f"{Path(source).name}:{record_number}")

    def _add_record(self, record: dict, source: str, number: int, encoding: str, default_id: str,
                    warnings: Sequence[str] = ()) -> None:
        record = {str(key).strip().lower(): value for key, value in record.items()}
        found = {name: _first_field(record, aliases) for name, aliases in FIELD_ALIASES.items()}
        values = {name: value for name, (_, value) in found.items()}
        text = values["text"]
        html_warning = ""
        if isinstance(text, str):
            text, html_warning = html_to_text(text)
        if not isinstance(text, str) or not text.strip():
            looked = ", ".join(FIELD_ALIASES["text"])
            problem = "empty text" if isinstance(text, str) else (
                f"no text field (looked for {looked})" if text is None else f"text is {type(text).__name__}, not a string")
            if html_warning == HTML_REMOVED:
                problem = "no text once HTML markup was removed"
            self.skip(source, f"record {number}: {problem}", record=number, encoding=encoding)
            return
        warnings = [*warnings, html_warning] if html_warning else list(warnings)
        used = {alias for alias, _ in found.values()}
        meta = {key: _as_text(value) for key, value in sorted(record.items()) if key not in used and value not in (None, "")}
        date = parse_date(values["date"]) if values["date"] not in (None, "") else None
        if values["date"] not in (None, "") and date is None:
            warnings.append(f"date {str(values['date'])[:40]!r} not understood; kept as meta date_raw")
            meta["date_raw"] = _as_text(values["date"])
        article_id = _as_text(values["id"]).strip() or default_id
        self.add(Article(article_id, _unify_newlines(text).strip(), _as_text(values["outlet"]).strip() or "unknown",
                         date, _optional_text(values["title"]), _optional_text(values["url"]),
                         _optional_text(values["event"]), meta),
                 source, record=number, encoding=encoding, warnings=warnings)


def _first_field(record: dict, aliases: Sequence[str]) -> tuple[str | None, object]:
    """The first alias present with a value, and that value."""
    for alias in aliases:
        if alias in record and record[alias] not in (None, ""):
            return alias, record[alias]
    return None, None


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _optional_text(value) -> str | None:
    text = " ".join(_as_text(value).split())
    plain, warning = html_to_text(text)
    text = " ".join(plain.split()) if warning == HTML_REMOVED else html.unescape(text)
    return text or None


def _merge_fields(fields: dict, row: Mapping[str, str], warnings: list[str]) -> tuple[dict, dict[str, str]]:
    """Manifest values win over values parsed from the text."""
    merged = dict(fields)
    meta = {}
    for key, value in sorted(row.items()):
        if key in ("outlet", "title", "url", "event"):
            if value:
                merged[key] = value
        elif key == "date":
            if value:
                parsed = parse_date(value)
                if parsed is None:
                    warnings.append(f"manifest date {value!r} not understood; kept as meta date_raw")
                    meta["date_raw"] = value
                else:
                    merged["date"] = parsed
        elif value:
            meta[key] = value
    return merged, meta
