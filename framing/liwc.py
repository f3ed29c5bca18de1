"""Lexicon stage: LIWC dictionaries in and out (``.dic`` for LIWC 2007/2015, ``.dicx`` for LIWC-22).

A LIWC category becomes a category of a :class:`~framing.lexicon.Lexicon`
(LIWC has no axes); a lexicon's axes are written as one LIWC category per pole.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from framing.exceptions import LexiconError
from framing.lexicon import Category, Lexicon, Term, term_syntax_problem

__all__ = ["read_liwc", "write_liwc"]

def _identifier(label: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_") or "category"
    return name if name[0].isalpha() else f"c_{name}"


def read_liwc(path) -> tuple[Lexicon, list[str]]:
    """Read a LIWC ``.dic`` (2007/2015) or LIWC-22 ``.dicx`` dictionary.

    Each LIWC category becomes a category of the lexicon (LIWC has no axes).

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    (Lexicon, list of str)
        The lexicon, and one line for each entry that could not be used.

    Raises
    ------
    LexiconError
        If the file is not a LIWC dictionary.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as error:
        raise LexiconError(f"LIWC file {str(path)!r} cannot be read ({error.strerror})") from None
    skipped: list[str] = []
    members: dict[str, list[str]] = {}
    if path.suffix.lower() == ".dicx":
        rows = list(csv.reader(io.StringIO(text)))
        if not rows or not rows[0] or rows[0][0].strip().lower() != "dicterm":
            raise LexiconError(f"{path}, line 1: a .dicx file must start with a 'DicTerm' column header")
        labels = [_identifier(label) for label in rows[0][1:]]
        for label in labels:
            members.setdefault(label, [])
        for number, row in enumerate(rows[1:], start=2):
            if not row or not row[0].strip():
                continue
            for label, mark in zip(labels, row[1:]):
                if mark.strip().upper() == "X":
                    members[label].append((number, row[0].strip()))
    else:
        lines = text.splitlines()
        markers = [i for i, line in enumerate(lines) if line.strip() == "%"]
        if len(markers) < 2:
            raise LexiconError(f"{path}, line 1: a .dic file needs a header between two '%' lines "
                               "(id<TAB>name per line)")
        ids: dict[str, str] = {}
        for number in range(markers[0] + 1, markers[1]):
            parts = lines[number].split()
            if not parts:
                continue
            if len(parts) < 2:
                raise LexiconError(f"{path}, line {number + 1}: header line {lines[number]!r} needs an id and a name")
            ids[parts[0]] = _identifier(" ".join(parts[1:]))
            members.setdefault(ids[parts[0]], [])
        for number in range(markers[1] + 1, len(lines)):
            line = lines[number].rstrip()
            if not line.strip():
                continue
            if "\t" in line:
                word, _, rest = line.partition("\t")
                codes = rest.split()
            else:
                word, *codes = line.split()
            for code in codes:
                if code not in ids:
                    skipped.append(f"line {number + 1}: {word!r} names category id {code!r}, not in the header")
                    continue
                members[ids[code]].append((number + 1, word.strip()))
    categories = []
    for label, entries in members.items():
        terms, seen = [], set()
        for number, word in entries:
            problem = term_syntax_problem(word)
            if problem:
                skipped.append(f"line {number}: {problem}")
                continue
            term = Term(word.strip())
            if term.key not in seen:
                seen.add(term.key)
                terms.append(term)
        if terms:
            categories.append(Category(label, tuple(terms)))
        else:
            skipped.append(f"category {label!r} has no usable terms and was left out")
    if not categories:
        raise LexiconError(f"LIWC file {str(path)!r} has no usable categories")
    return Lexicon(_identifier(path.stem), categories=tuple(categories), title=f"Imported from {path.name}",
                   sources=(f"LIWC dictionary {path.name}",), path=str(path)), skipped


def write_liwc(lexicon: Lexicon) -> tuple[str, list[str]]:
    """Write a lexicon as a LIWC ``.dic`` dictionary.

    Every pole becomes a LIWC category named ``axis.pole``, and every category
    keeps its name. Options a ``.dic`` cannot hold are reported.

    Returns
    -------
    (str, list of str)
        The ``.dic`` text, and one line per dropped option.
    """
    labels = {}
    for kind, axis, pole in lexicon.poles():
        labels[(axis, pole)] = len(labels) + 1
    dropped = []
    words: dict[str, list[int]] = {}
    for entry in lexicon.entries():
        term = entry.term
        if term.note or term.case_sensitive or term.exclude:
            options = [name for name, value in (("note", term.note), ("case_sensitive", term.case_sensitive),
                                                ("exclude", term.exclude)) if value]
            dropped.append(f"term {term.text!r}: {', '.join(options)} dropped (a .dic cannot hold them)")
        code = labels[(entry.axis, entry.pole)]
        words.setdefault(term.text, [])
        if code not in words[term.text]:
            words[term.text].append(code)
    header = ["%"] + [f"{code}\t{axis if kind == 'category' else f'{axis}.{pole}'}"
                      for (kind, axis, pole), code in zip(lexicon.poles(), labels.values())] + ["%"]
    body = [f"{word}\t" + "\t".join(str(code) for code in codes) for word, codes in words.items()]
    return "\n".join(header + body) + "\n", dropped
