"""Command line: ``framing report | counts | kwic | lexicon | corpus``.

User errors (a missing path, an unknown lexicon, a bad option) exit with code 2
and one sentence on stderr. ``--debug`` shows the traceback of any error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from framing._version import __version__
from framing import _parallel
from framing.corpus import Corpus
from framing.counting import count_tables, find_matches, kwic
from framing.readers import CorpusStream, load_corpus, stream_corpus
from framing.exceptions import FramingError
from framing.lexicon import available_lexicons, load_lexicon, load_lexicons, validate_lexicon_file
from framing.liwc import read_liwc, write_liwc
from framing.report import (FIGURE_FORMATS, check_output, mark_output_folder, write_report, write_table,
                            write_text)

__all__ = ["main"]

DEFAULT_LEXICON = "israel_gaza"


class UsageError(FramingError):
    """Raised by the argument parser instead of printing usage and exiting."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _load(path: str) -> Corpus:
    corpus = load_corpus(path)
    _require_articles(path, corpus.load_report)
    return corpus


def _require_articles(path: str, load_report: pd.DataFrame) -> None:
    """Raise a one-sentence error when not a single article was loaded."""
    if not ((load_report["status"] == "loaded") & (load_report["article_id"] != "")).any():
        reasons = "; ".join(sorted(set(load_report["reason"]) - {""}))[:300] or "no article files found"
        raise FramingError(f"no article could be loaded from {path!r} ({reasons}); "
                           "see 'framing corpus info' for the load report")


def _print_table(frame: pd.DataFrame) -> None:
    with pd.option_context("display.max_rows", 500, "display.max_columns", 30, "display.width", 200,
                           "display.max_colwidth", 60):
        print(frame.to_string(index=False))


def _command_counts(args) -> int:
    stream = stream_corpus(args.corpus)  # read one article at a time: memory stays flat on any corpus size
    lexicons = load_lexicons(args.lexicon or [DEFAULT_LEXICON])
    terms, poles = count_tables(stream, lexicons, by=args.by, voice=args.voice, n_jobs=args.n_jobs,
                                progress=False if args.quiet else None)
    _require_articles(args.corpus, stream.load_report)
    if args.out:
        mark_output_folder(check_output(args.out, folder=True, force=args.force))
        tables = Path(args.out) / "tables"
        write_table(terms, tables / "term_counts.csv")
        write_table(poles, tables / "pole_counts.csv")
        write_table(_matches_in_chunks(stream, lexicons), tables / "matches.csv")
        write_table(stream.load_report, tables / "load_report.csv")
        print(f"wrote term_counts.csv, pole_counts.csv, matches.csv and load_report.csv to {tables}",
              file=sys.stderr)
    group = poles.columns[0]
    shown = poles[poles["kind"] == "axis"][[group, "n_articles", "axis", "pole", "count", "axis_total", "share"]]
    shown = shown.assign(share=shown["share"].map(lambda v: "" if pd.isna(v) else f"{v:.0%}"))
    _print_table(shown)
    return 0


def _matches_in_chunks(stream: CorpusStream, lexicons) -> Iterator[pd.DataFrame]:
    """:func:`find_matches` of the stream, a chunk of articles at a time (a second reading)."""
    chunk: list = []
    yield find_matches(chunk, lexicons)  # the header, even for a corpus without a match
    for article in stream:
        chunk.append(article)
        if len(chunk) == _parallel.CHUNK_SIZE:
            yield find_matches(chunk, lexicons)
            chunk = []
    if chunk:
        yield find_matches(chunk, lexicons)


def _command_report(args) -> int:
    corpus = _load(args.corpus)
    result = write_report(corpus, args.out, lexicon=args.lexicon or [DEFAULT_LEXICON], by=args.by, voice=args.voice,
                          exclude_duplicates=args.exclude_duplicates, min_articles=args.min_articles,
                          random_state=args.random_state, formats=args.formats, force=args.force,
                          n_jobs=args.n_jobs, progress=False if args.quiet else None, engine=args.engine,
                          scheduler=args.scheduler)
    print(f"wrote {len(result.tables)} tables, {len(result.figures)} figure files and index.html to {args.out}",
          file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def _command_kwic(args) -> int:
    corpus = _load(args.corpus)
    table = kwic(corpus, args.term, lexicon=args.lexicon or None, width=args.width)
    if args.out:
        write_table(table, check_output(args.out, folder=False, force=args.force))
    if table.empty:
        print(f"no match for {args.term!r} in {len(corpus)} articles", file=sys.stderr)
        return 0
    for row in table.head(args.limit).itertuples(index=False):
        voice = row.voice if row.voice == "narration" else f"{row.voice}: {row.speaker or 'unknown'}"
        print(f"{row.article_id} [{row.outlet}] ({voice}) {row.left:>{args.width}}[[{row.match}]]{row.right}")
    if len(table) > args.limit:
        print(f"... {len(table) - args.limit} more (use --limit or --out)", file=sys.stderr)
    return 0


def _command_lexicon(args) -> int:
    if args.action == "list":
        for name in available_lexicons():
            lexicon = load_lexicon(name)
            print(f"{name}\t{len(lexicon.axes)} axes, {len(lexicon.categories)} categories, "
                  f"{sum(1 for _ in lexicon.entries())} terms\t{lexicon.title}")
        return 0
    if args.action == "validate":
        failed = 0
        for file in args.files:
            problems = validate_lexicon_file(file)
            for problem in problems:
                print(problem)
            if problems:
                failed += 1
            else:
                lexicon = load_lexicon(file)
                print(f"{file}: valid ({len(lexicon.axes)} axes, {len(lexicon.categories)} categories, "
                      f"{sum(1 for _ in lexicon.entries())} terms)")
        return 1 if failed else 0
    if args.action == "show":
        lexicon = load_lexicon(args.files[0])
        _print_table(lexicon.to_frame().drop(columns=["lexicon"]))
        return 0
    if args.action == "import":
        lexicon, skipped = read_liwc(args.files[0])
        for line in skipped:
            print(f"skipped: {line}", file=sys.stderr)
        if args.out:
            write_text(check_output(args.out, folder=False, force=args.force), lexicon.to_yaml())
            print(f"wrote {args.out}", file=sys.stderr)
        else:
            print(lexicon.to_yaml(), end="")
        return 0
    if args.action == "export":
        text, dropped = write_liwc(load_lexicon(args.files[0]))
        for line in dropped:
            print(f"dropped: {line}", file=sys.stderr)
        if args.out:
            write_text(check_output(args.out, folder=False, force=args.force), text)
        else:
            print(text, end="")
        return 0
    raise UsageError(f"unknown lexicon action {args.action!r}")


def _command_corpus(args) -> int:
    corpus = load_corpus(args.corpus)
    report = corpus.load_report
    skipped = report[report["status"] == "skipped"]
    warned = report[report["warnings"] != ""]
    print(f"{args.corpus}: {len(corpus)} articles loaded, {len(skipped)} inputs skipped, "
          f"{len(warned)} with warnings; {len(corpus.outlets)} outlets")
    if len(corpus):
        frame = corpus.to_frame()
        outlets = frame.groupby("outlet").agg(articles=("id", "size"), tokens=("n_tokens", "sum"),
                                              first_date=("date", "min"), last_date=("date", "max"))
        _print_table(outlets.reset_index())
    if len(skipped) or len(warned):
        print()
        _print_table(report[(report["status"] == "skipped") | (report["warnings"] != "")]
                     [["source", "record", "status", "reason", "warnings"]])
    if args.out:
        write_table(report, check_output(args.out, folder=False, force=args.force))
        print(f"wrote the load report to {args.out}", file=sys.stderr)
    return 0


def _lexicon_option(parser) -> None:
    parser.add_argument("--lexicon", action="append", metavar="NAME|PATH",
                        help=f"lexicon to use; repeat for several (default: {DEFAULT_LEXICON}; "
                             f"shipped: {', '.join(available_lexicons())})")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``framing`` command."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="framing", formatter_class=formatter,
                     description="Measure, trace and show how news outlets frame the same events.",
                     epilog="examples:\n  framing report seeds/ --out figures/\n"
                            "  framing counts seeds/ --by outlet --out figures/\n"
                            "  framing kwic 'hostage*' seeds/\n  framing lexicon validate my_topic.yaml\n"
                            "  framing corpus info seeds/")
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of any error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    counts = commands.add_parser("counts", help="count lexicon terms per article or group", formatter_class=formatter,
                                 description="Count lexicon terms, with rates and axis shares.",
                                 epilog="example:\n  framing counts seeds/ --by outlet --out figures/\n"
                                        "writes tables/term_counts.csv, pole_counts.csv, matches.csv, "
                                        "load_report.csv")
    counts.add_argument("corpus", help="folder of .txt files (with manifest.csv), or a .jsonl/.csv file")
    _lexicon_option(counts)
    counts.add_argument("--by", default="article", help="article, outlet, event, date or any manifest column "
                                                         "(default: article)")
    counts.add_argument("--out", metavar="DIR", help="write CSV tables under DIR/tables/")
    counts.add_argument("--force", action="store_true", help="replace files that framing did not write")
    counts.add_argument("--n-jobs", type=int, default=None, metavar="N",
                        help="worker processes for counting (default: one for small corpora, every core above "
                             "2,000 articles; -1: every core)")
    counts.add_argument("--quiet", action="store_true", help="no progress bar")
    counts.add_argument("--voice", default="all", choices=["all", "narration", "quotation", "scare_quote"],
                        help="which matches the counts add up (default: all; the tables split them by voice)")
    counts.set_defaults(handler=_command_counts)

    report = commands.add_parser("report", help="the main job: tables, figures and an HTML page",
                                 formatter_class=formatter,
                                 description="Compare outlets: profiles with intervals, distinctive terms, "
                                             "framing clusters, copied text, figures and index.html.",
                                 epilog="example:\n  framing report seeds/ --out figures/\n"
                                        "  framing report stories.jsonl --out out/ --by event --formats png")
    report.add_argument("corpus", help="folder of .txt files (with manifest.csv), or a .jsonl/.csv file")
    report.add_argument("--out", required=True, metavar="DIR", help="output folder")
    report.add_argument("--force", action="store_true", help="replace files that framing did not write")
    report.add_argument("--n-jobs", type=int, default=None, metavar="N",
                        help="worker processes for counting (default: one for small corpora, every core above "
                             "2,000 articles; -1: every core)")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.add_argument("--engine", choices=["local", "dask"], default="local",
                        help="run the per-document work here (local) or on Dask (needs framing[dask])")
    report.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --engine dask: a running scheduler such as tcp://10.0.0.5:8786 "
                             "(default: a new LocalCluster)")
    _lexicon_option(report)
    report.add_argument("--by", default="outlet", help="grouping column (default: outlet)")
    report.add_argument("--voice", default="narration", choices=["narration", "all", "quotation", "scare_quote"],
                        help="whose words the profiles, figures and summaries count (default: narration, the "
                             "outlet's own; all: quotations and scare quotes too)")
    report.add_argument("--exclude-duplicates", action="store_true",
                        help="leave copies of earlier articles out of profiles and distinctive terms")
    report.add_argument("--min-articles", type=int, default=5, help="flag groups with fewer articles (default: 5)")
    report.add_argument("--random-state", type=int, default=0, help="seed for bootstrap and clustering")
    report.add_argument("--formats", default=",".join(FIGURE_FORMATS),
                        help=f"figure formats, comma-separated (default: {','.join(FIGURE_FORMATS)})")
    report.set_defaults(handler=_command_report)

    kwic_parser = commands.add_parser("kwic", help="show the sentences behind a term", formatter_class=formatter,
                                      description="Keyword in context for a term, pole or axis.",
                                      epilog="examples:\n  framing kwic 'hostage*' seeds/\n"
                                             "  framing kwic captivity:captive seeds/ --lexicon israel_gaza")
    kwic_parser.add_argument("term", help="a term (hostage*, 'Hamas-run'), or with --lexicon a pole, axis or "
                                          "axis:pole")
    kwic_parser.add_argument("corpus")
    kwic_parser.add_argument("--lexicon", action="append", metavar="NAME|PATH")
    kwic_parser.add_argument("--width", type=int, default=50, help="characters of context (default: 50)")
    kwic_parser.add_argument("--limit", type=int, default=50, help="lines to print (default: 50)")
    kwic_parser.add_argument("--out", metavar="FILE.csv", help="write every line to a CSV file")
    kwic_parser.add_argument("--force", action="store_true", help="replace files that framing did not write")
    kwic_parser.set_defaults(handler=_command_kwic)

    lexicon = commands.add_parser("lexicon", help="list, validate, show, import or export lexicons",
                                  formatter_class=formatter,
                                  epilog="examples:\n  framing lexicon list\n  framing lexicon validate my.yaml\n"
                                         "  framing lexicon show israel_gaza\n"
                                         "  framing lexicon import LIWC2015.dic --out liwc.yaml\n"
                                         "  framing lexicon export israel_gaza --out israel_gaza.dic")
    lexicon.add_argument("action", choices=["list", "validate", "show", "import", "export"])
    lexicon.add_argument("files", nargs="*", metavar="FILE|NAME")
    lexicon.add_argument("--out", metavar="FILE", help="output file for import and export")
    lexicon.add_argument("--force", action="store_true", help="replace files that framing did not write")
    lexicon.set_defaults(handler=_command_lexicon)

    corpus = commands.add_parser("corpus", help="load a corpus and print its load report", formatter_class=formatter,
                                 epilog="example:\n  framing corpus info seeds/ --out load_report.csv")
    corpus.add_argument("action", choices=["info"])
    corpus.add_argument("corpus")
    corpus.add_argument("--out", metavar="FILE.csv", help="write the full load report")
    corpus.add_argument("--force", action="store_true", help="replace files that framing did not write")
    corpus.set_defaults(handler=_command_corpus)
    return parser


def main(argv=None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        0 on success, 1 when ``lexicon validate`` finds problems, 2 on a user error.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        if args.command == "lexicon" and args.action in ("validate", "show", "import", "export") and not args.files:
            raise UsageError(f"'framing lexicon {args.action}' needs a file or lexicon name")
        return args.handler(args)
    except FramingError as error:
        if debug:
            raise
        print(f"framing: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`, which stopped reading: not an error
        sys.stderr.close()
        return 0
    except OSError as error:
        if debug:
            raise
        print(f"framing: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("framing: interrupted; no partial output was left behind", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
