"""Load stage: read articles from folders, text, JSONL, CSV and Parquet files, one at a time.

Every reader is an iterator: a text file, a JSONL line, a CSV row or a row
of a Parquet batch becomes one :class:`~framing.corpus.Article` and is handed
on before the next is read, so a stream of articles never holds more than one
record (and one Parquet batch) in memory. :func:`stream_corpus` gives that
stream; :func:`load_corpus` keeps every article in a
:class:`~framing.corpus.Corpus`. Both report every input file or record, as
loaded or skipped with the reason, in the same load report.
"""

from __future__ import annotations

import array
import codecs
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
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from framing.corpus import LOAD_REPORT_COLUMNS, Article, Corpus
from framing.exceptions import CorpusError
from framing.text import HTML_REMOVED, html_to_text

__all__ = ["CorpusStream", "decode_bytes", "load_corpus", "parse_date", "split_text_file", "stream_corpus"]

ARTICLE_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".csv", ".parquet")
MANIFEST_NAME = "manifest.csv"

# Field names recognised in JSONL, CSV and Parquet records, first match wins. The second
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
# Byte-order marks of the encodings whose lines cannot be split as bytes, longest first.
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
              (b"\xfe\xff", "utf-16"))

_DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*", re.IGNORECASE)
_TITLE_END = tuple(".!?;:,\"')]\u2019\u201d\u2026")
_MAX_TITLE_WORDS = 25
_MAX_TITLE_CHARS = 200
_DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y",
    "%d %B, %Y", "%A, %B %d, %Y", "%A %d %B %Y",
)


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
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), *_WIDE_BOMS):
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
    # In these three encodings a control character comes from a control byte, the same: most files have none.
    reason = _binary_reason(text) if data.translate(None, _NOT_CONTROL_BYTES) else ""
    return (None if reason else text), encoding, reason


#: Control characters other than tab, newline, carriage return and form feed.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
#: Every byte but those of :data:`_CONTROL_RE` (a ``bytes.translate`` deletion table).
_NOT_CONTROL_BYTES = bytes(byte for byte in range(256) if not _CONTROL_RE.match(chr(byte)))


def _binary_reason(text: str) -> str:
    """Why text decoded from a file is binary data after all (many control characters), or ``""``."""
    sample = text[:20000]
    controls = len(_CONTROL_RE.findall(sample))  # a regex scan: a loop in Python took 1 ms per JSONL record
    if controls > 0.05 * len(sample):
        return f"binary file ({controls} control characters in the first {len(sample)})"
    return ""


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


#: Rows per batch read from a Parquet file.
PARQUET_BATCH_ROWS = 1000
#: Bytes per block when a CSV file's encoding is checked before it is read.
_SNIFF_BLOCK = 1 << 20


def _check_path(path, manifest) -> Path:
    root = Path(path)
    if not root.exists():
        raise CorpusError(f"corpus path {str(path)!r} does not exist; pass a folder of .txt files "
                          "or a .jsonl, .jsonl.gz, .csv or .parquet file")
    if root.is_file() and not root.name.lower().endswith(ARTICLE_SUFFIXES):
        raise CorpusError(f"corpus file {str(path)!r} is not a supported type; use a folder of .txt files "
                          "or a .txt, .jsonl, .jsonl.gz, .csv or .parquet file")
    if manifest is not None and not Path(manifest).exists():
        raise CorpusError(f"manifest {str(manifest)!r} does not exist; pass an existing CSV file or omit manifest")
    return root


class CorpusStream:
    """The articles of a folder or file, read one at a time.

    Iterating reads the input again from the start, in the order of
    :func:`load_corpus`, and holds one record (and at most one Parquet batch
    of :data:`PARQUET_BATCH_ROWS` rows) at a time: memory does not grow with
    the corpus. Pass it wherever a corpus is expected;
    :func:`framing.count_terms` counts it without keeping the articles, and
    every other function reads it into a :class:`~framing.corpus.Corpus`
    first.

    Parameters
    ----------
    path : str or pathlib.Path
        As for :func:`load_corpus`.
    manifest : str or pathlib.Path, optional
        As for :func:`load_corpus`.

    Attributes
    ----------
    load_report : pandas.DataFrame or None
        One row per file or record, as :attr:`Corpus.load_report`; set at the
        end of each complete pass (None before the first).
    source : str
        The folder the articles come from.

    Raises
    ------
    CorpusError
        If ``path`` or ``manifest`` does not exist, or ``path`` is not a
        supported file.

    Examples
    --------
    >>> stream = stream_corpus("seeds")                  # doctest: +SKIP
    >>> sum(len(article.text) for article in stream)     # doctest: +SKIP
    >>> stream.load_report["status"].value_counts()      # doctest: +SKIP
    """

    def __init__(self, path, *, manifest: str | Path | None = None):
        self.path = _check_path(path, manifest)
        self.manifest = Path(manifest) if manifest is not None else None
        self.source = str(self.path if self.path.is_dir() else self.path.parent)
        self.load_report: pd.DataFrame | None = None

    def __iter__(self) -> Iterator[Article]:
        reader = _Reader(self.path)
        yield from reader.articles(self.manifest)
        self.load_report = reader.report()

    def __repr__(self) -> str:
        return f"CorpusStream({str(self.path)!r})"


def stream_corpus(path, *, manifest: str | Path | None = None) -> CorpusStream:
    """Read a corpus one article at a time (see :class:`CorpusStream`).

    Parameters
    ----------
    path : str or pathlib.Path
        A folder, or a ``.txt``, ``.jsonl``, ``.jsonl.gz``, ``.csv`` or
        ``.parquet`` file, as for :func:`load_corpus`.
    manifest : str or pathlib.Path, optional

    Returns
    -------
    CorpusStream
    """
    return CorpusStream(path, manifest=manifest)


def load_corpus(path, *, manifest: str | Path | None = None) -> Corpus:
    """Load a corpus from a folder, a ``.txt``, ``.jsonl``, ``.jsonl.gz``, ``.csv`` or ``.parquet`` file.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder is read recursively in sorted order: each ``.txt`` file is one
        article; ``.jsonl``, ``.csv`` and ``.parquet`` files hold one article
        per record; ``manifest.csv`` supplies metadata. Any other file is
        listed in the load report as skipped.
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

    See Also
    --------
    stream_corpus : the same articles, one at a time, for corpora larger than memory.

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
    stream = CorpusStream(path, manifest=manifest)
    articles = list(stream)
    return Corpus(articles, load_report=stream.load_report, source=stream.source)


class _LoadRows:
    """Load-report rows, kept by column: the one thing that grows with a streamed corpus.

    A row costs its record number, two small codes and its article id (the
    string the reader's id set holds anyway): about 100 bytes, against some
    260 as a tuple of seven values. Sources, and the status, reason,
    encoding and warnings of a row, repeat from row to row: each distinct
    value is kept once.
    """

    def __init__(self):
        self._codes: dict[object, int] = {}  # distinct source or (status, reason, encoding, warnings) -> code
        self._values: list = []
        self._source = array.array("i")
        self._record = array.array("q")  # -1: no record number
        self._kind = array.array("i")
        self._article_id: list[str] = []

    def _code(self, value) -> int:
        code = self._codes.setdefault(value, len(self._values))
        if code == len(self._values):
            self._values.append(value)
        return code

    def append(self, source: str, record, article_id: str, status: str, reason: str, encoding: str,
               warnings: str) -> None:
        self._source.append(self._code(source))
        self._record.append(-1 if record is pd.NA else record)
        self._kind.append(self._code((status, reason, encoding, warnings)))
        self._article_id.append(article_id)

    def __len__(self) -> int:
        return len(self._article_id)

    def frame(self) -> pd.DataFrame:
        """The rows as a table with :data:`~framing.corpus.LOAD_REPORT_COLUMNS`."""
        values = self._values
        kinds = [values[code] for code in self._kind]
        columns = {"source": [values[code] for code in self._source],
                   "record": [pd.NA if record < 0 else record for record in self._record],
                   "article_id": self._article_id,
                   **{name: [kind[place] for kind in kinds]
                      for place, name in enumerate(("status", "reason", "encoding", "warnings"))}}
        report = pd.DataFrame(columns, columns=LOAD_REPORT_COLUMNS)
        report["record"] = report["record"].astype("Int64")
        return report


class _Reader:
    """Read articles and keep load-report rows; one instance per pass over a corpus."""

    def __init__(self, root: Path):
        self.path = root
        self.root = root if root.is_dir() else root.parent
        self.rows = _LoadRows()
        self.manifest: dict[str, dict[str, str]] = {}
        self.manifest_used: set[str] = set()
        self.manifest_source = ""
        self.ids: set[str] = set()
        self.outlet_spellings: dict[str, str] = {}

    def articles(self, manifest: Path | None) -> Iterator[Article]:
        """Every article of the folder or file, in sorted file order, then record order."""
        if not self.path.is_dir():
            if manifest is not None:
                self.read_manifest(manifest)
            yield from self.read_file(self.path)
            return
        manifest_path = manifest or self.path / MANIFEST_NAME
        if manifest_path.exists():
            self.read_manifest(manifest_path)
        files = sorted((p for p in self.path.rglob("*") if p.is_file()),
                       key=lambda p: p.relative_to(self.path).as_posix())
        for file in files:
            if file != manifest_path:
                yield from self.read_file(file)
        for name in sorted(set(self.manifest) - self.manifest_used):
            self.skip(self.manifest_source, f"manifest names {name!r} but no such file was found")

    # -- report -------------------------------------------------------------
    def report(self) -> pd.DataFrame:
        return self.rows.frame()

    def _relative(self, file: Path) -> str:
        try:
            return file.relative_to(self.root).as_posix()
        except ValueError:
            return file.as_posix()

    def skip(self, source: str, reason: str, *, record=pd.NA, encoding: str = "") -> None:
        self.rows.append(source, record, "", "skipped", reason, encoding, "")

    def add(self, article: Article, source: str, *, record=pd.NA, encoding: str = "",
            warnings: Sequence[str] = ()) -> Article:
        """Record the article as loaded, with a unique id and one spelling per outlet; return it."""
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
        self.rows.append(source, record, article_id, "loaded", "", encoding, "; ".join(warnings))
        return article

    # -- manifest -----------------------------------------------------------
    def read_manifest(self, path: Path) -> None:
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
        self.rows.append(source, pd.NA, "", "loaded", f"manifest with {len(self.manifest)} rows", encoding, "")

    def _manifest_row(self, relative: str) -> dict[str, str] | None:
        for key in (relative, Path(relative).name, Path(relative).stem):
            if key in self.manifest:
                self.manifest_used.add(key)
                return self.manifest[key]
        return None

    # -- files --------------------------------------------------------------
    def read_file(self, file: Path) -> Iterator[Article]:
        """The articles of one file; every problem becomes a skipped row, never an exception."""
        source = self._relative(file)
        name = file.name.lower()
        n_rows = len(self.rows)
        try:
            if name.endswith(".txt"):
                yield from self._read_text_file(file, source)
            elif name.endswith((".jsonl", ".jsonl.gz")):
                yield from self._read_jsonl(file, source)
            elif name.endswith(".csv"):
                yield from self._read_csv(file, source)
            elif name.endswith(".parquet"):
                yield from self._read_parquet(file, source)
            else:
                self.skip(source, "not an article file (expected .txt, .jsonl, .jsonl.gz, .csv or .parquet)")
        except OSError as error:
            self.skip(source, f"cannot be read ({error.strerror or error})")
        except (EOFError, zlib.error) as error:
            self.skip(source, f"damaged compressed file ({error}); the records before the damage were loaded")
        except UnicodeDecodeError as error:
            self.skip(source, f"unreadable {error.encoding} text ({error.reason}); the records before it were "
                              "loaded")
        if len(self.rows) == n_rows:  # a JSONL, CSV or Parquet file without a single record still gets its row
            self.skip(source, "empty file (0 bytes)" if file.stat().st_size == 0 else
                      "no records (the file holds only blank lines or a header row)")

    def _read_text_file(self, file: Path, source: str) -> Iterator[Article]:
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
        yield self.add(Article(article_id, body, fields["outlet"] or "unknown", fields["date"], fields["title"],
                               fields["url"], fields["event"], meta), source, encoding=encoding, warnings=warnings)

    def _read_jsonl(self, file: Path, source: str) -> Iterator[Article]:
        opener = gzip.open if file.name.lower().endswith(".gz") else open
        with opener(file, "rb") as handle:
            head = handle.read(4)
            handle.seek(0)
            wide_encoding = next((encoding for bom, encoding in _WIDE_BOMS if head.startswith(bom)), "")
            lines = handle
            if wide_encoding:  # UTF-16 and UTF-32 cannot be cut into lines as bytes: decode as a stream
                lines = (line.encode("utf-8", "surrogatepass")
                         for line in io.TextIOWrapper(handle, encoding=wide_encoding, newline="\n"))
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
                yield from self._add_record(cleaned, source, number, encoding, f"{Path(source).name}:{number}",
                                            warnings)

    def _read_csv(self, file: Path, source: str) -> Iterator[Article]:
        encoding, reason = _sniff_encoding(file)
        if reason:
            self.skip(source, reason, encoding=encoding)
            return
        _allow_long_csv_fields()
        # Universal newlines make \r\n and \r into \n; strict: a quote in the wrong place is an error,
        # not a field that swallows the next rows.
        with open(file, encoding=encoding, newline=None) as handle:
            reader = csv.reader(handle, strict=True)
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
                    self.skip(source, f"row {record_number}: {len(values)} fields where the header has "
                                      f"{len(header)} (broken quoting?)", record=record_number, encoding=encoding)
                    continue
                yield from self._add_record(dict(zip(lowered, values)), source, record_number, encoding,
                                            f"{Path(source).name}:{record_number}")

    def _read_parquet(self, file: Path, source: str) -> Iterator[Article]:
        try:
            import pyarrow
            import pyarrow.parquet
        except ImportError:
            self.skip(source, "reading Parquet needs pyarrow (pip install pyarrow)")
            return
        try:
            parquet = pyarrow.parquet.ParquetFile(file)
        except pyarrow.ArrowException as error:
            self.skip(source, f"not a readable Parquet file ({error})")
            return
        columns = [str(name).strip().lower() for name in parquet.schema_arrow.names]
        if not any(alias in columns for alias in FIELD_ALIASES["text"]):
            self.skip(source, f"no text column (looked for {', '.join(FIELD_ALIASES['text'])}); "
                              f"its columns are {', '.join(columns) or 'none'}", encoding="utf-8")
            return
        number = 0
        try:
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                for record in batch.to_pylist():
                    number += 1
                    yield from self._add_record(record, source, number, "utf-8", f"{Path(source).name}:{number}")
        except pyarrow.ArrowException as error:
            self.skip(source, f"damaged Parquet file after row {number} ({error}); the rows before were loaded",
                      encoding="utf-8")

    def _add_record(self, record: dict, source: str, number: int, encoding: str, default_id: str,
                    warnings: Sequence[str] = ()) -> Iterator[Article]:
        """The record as an article (one, or none when it is skipped)."""
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
        yield self.add(Article(article_id, _unify_newlines(text).strip(), _as_text(values["outlet"]).strip() or "unknown",
                               date, _optional_text(values["title"]), _optional_text(values["url"]),
                               _optional_text(values["event"]), meta),
                       source, record=number, encoding=encoding, warnings=warnings)


def _sniff_encoding(file: Path) -> tuple[str, str]:
    """The encoding :func:`decode_bytes` would choose for the file, found block by block: ``(encoding, reason)``.

    ``reason`` is empty when the file can be read as text, else why not.
    """
    with open(file, "rb") as handle:
        head = handle.read(_SNIFF_BLOCK)
        if not head:
            return "", "empty file (0 bytes)"
        if head.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig", ""
        wide = next((encoding for bom, encoding in _WIDE_BOMS if head.startswith(bom)), "")
        if wide:
            return wide, ""
        utf8, cp1252 = codecs.getincrementaldecoder("utf-8")(), codecs.getincrementaldecoder("cp1252")()
        fits = {"utf-8": True, "cp1252": True}
        block = head
        while block:
            if b"\x00" in block:
                return "", "binary file (contains NUL bytes)"
            for name, decoder in (("utf-8", utf8), ("cp1252", cp1252)):
                if fits[name]:
                    try:
                        decoder.decode(block)
                    except UnicodeDecodeError:
                        fits[name] = False
            block = handle.read(_SNIFF_BLOCK)
    if fits["utf-8"]:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            fits["utf-8"] = False
    encoding = "utf-8" if fits["utf-8"] else "cp1252" if fits["cp1252"] else "latin-1"
    return encoding, _binary_reason(head[:80000].decode(encoding, "ignore"))


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
