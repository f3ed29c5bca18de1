import re
import textwrap

import pytest

from framing import Lexicon, LexiconError, available_lexicons, load_lexicon
from framing.lexicon import parse_term, term_syntax_problem, validate_lexicon_file
from framing.liwc import read_liwc, write_liwc

VALID = """\
name: demo
title: Demo
axes:
  captivity:
    description: How captives are named.
    poles:
      hostage:
        terms:
          - hostage*
          - term: abducted
            note: Stresses the illegal act.
      captive:
        terms: [captive*]
categories:
  places:
    terms:
      - term: resistance
        exclude: [antimicrobial resistance]
      - term: Resistance
        case_sensitive: true
"""


def _write(tmp_path, text, name="lex.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_lexicons_are_valid_and_found_by_name():
    assert {"israel_gaza", "us_immigration"} <= set(available_lexicons())
    for name in available_lexicons():
        lexicon = load_lexicon(name)
        assert lexicon.name == name
        assert len(lexicon.axes) >= 2


def test_israel_gaza_has_the_required_axes():
    lexicon = load_lexicon("israel_gaza")
    axes = {axis.name: [pole.name for pole in axis.poles] for axis in lexicon.axes}
    for axis in ("captivity", "armed_groups", "naming_israel", "naming_war", "death_language",
                 "casualty_sourcing", "naming_places"):
        assert axis in axes
    assert len(axes["captivity"]) == 4 and len(axes["armed_groups"]) == 3
    case_sensitive = [e.term.text for e in lexicon.entries() if e.term.case_sensitive]
    assert "Resistance*" in case_sensitive
    assert all(entry.term.note for entry in lexicon.entries() if entry.kind == "axis")


def test_valid_file_round_trips_through_yaml(tmp_path):
    lexicon = Lexicon.from_yaml(_write(tmp_path, VALID))
    assert [(e.axis, e.pole, e.term.text) for e in lexicon.entries()] == [
        ("captivity", "hostage", "hostage*"), ("captivity", "hostage", "abducted"),
        ("captivity", "captive", "captive*"), ("places", "places", "resistance"), ("places", "places", "Resistance")]
    again = Lexicon.from_dict(lexicon.to_dict())
    assert again == lexicon
    assert validate_lexicon_file(_write(tmp_path, VALID)) == []


@pytest.mark.parametrize("text, message", [
    ("name: demo\naxes:\n  a:\n    poles:\n      p: [x\n", "line 6: not valid YAML"),
    ("name: demo\ncategories:\n  c:\n    terms: [war]\n    colour: red\n", "line 5: category 'c' has an unknown key 'colour'"),
    ("name: demo\naxes:\n  a:\n    poles:\n      p:\n        terms: []\n      q:\n        terms: [x]\n",
     "line 6: axis 'a' pole 'p' has no terms"),
    ("name: demo\ncategories:\n  c:\n    terms:\n      - war\n      - War\n",
     "line 6: category 'c': term 'War' is listed twice (first on line 5)"),
    ("name: demo\ncategories:\n  c:\n    terms:\n      - Hamas run\n      - hamas-run\n",
     "line 6: category 'c': term 'hamas-run' is listed twice (first on line 5)"),
    ("name: demo\ncategories:\n  c:\n    terms: ['*']\n", "line 4: category 'c': term '*' is a lone wildcard"),
    ("name: demo\ncategories:\n  c:\n    terms: ['ter*ror']\n", "wildcard before its end"),
    ("name: demo\ncategories:\n  c:\n    terms: ['t*']\n", "wildcard stem shorter than 2"),
    ("name: demo\ncategories:\n  c:\n    terms: ['" + "a" * 500 + "']\n", "is 500 characters long; the limit is 100"),
    ("name: demo\ncategories:\n  c:\n    terms: ['war!']\n", "characters outside the term syntax"),
    ("name: demo\naxes:\n  a:\n    poles:\n      p:\n        terms: [x]\n", "line 3: axis 'a' has 1 pole(s)"),
    ("name: Demo Lexicon\ncategories:\n  c:\n    terms: [x]\n", "line 1: lexicon name 'Demo Lexicon' is not an identifier"),
    ("title: no name\ncategories:\n  c:\n    terms: [x]\n", "line 1: lexicon has no 'name'"),
    ("name: demo\n", "lexicon has neither axes nor categories"),
    ("name: demo\ncategories:\n  c:\n    terms:\n      - term: resistance\n        exclude: [training]\n",
     "line 5: category 'c': exclusion 'training' does not contain the term 'resistance'"),
    ("name: demo\ncategories:\n  c:\n    terms:\n      - term: war\n        case_sensitive: maybe\n",
     "case_sensitive must be true or false"),
    ("name: demo\nname: again\ncategories:\n  c:\n    terms: [x]\n", "line 2: lexicon has the key 'name' twice"),
    ("", "line 1: the file is empty"),
])
def test_validation_names_file_and_line(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(LexiconError, match=re.escape(message)):
        Lexicon.from_yaml(path)
    problems = validate_lexicon_file(path)
    assert problems and all(problem.startswith(str(path)) for problem in problems)


def test_validation_reports_every_problem(tmp_path):
    path = _write(tmp_path, "name: demo\ncategories:\n  c:\n    terms: ['*', war, war]\n    extra: 1\n")
    problems = validate_lexicon_file(path)
    assert len(problems) == 3
    with pytest.raises(LexiconError, match=re.escape("(and 2 more problems)")):
        Lexicon.from_yaml(path)


def test_unknown_lexicon_lists_the_available_ones():
    with pytest.raises(LexiconError, match=re.escape("unknown lexicon 'israel-gaza'; available: israel_gaza")):
        load_lexicon("israel-gaza")
    with pytest.raises(LexiconError, match=re.escape("lexicon file 'missing.yaml' does not exist")):
        load_lexicon("missing.yaml")


@pytest.mark.parametrize("term, words, separators", [
    ("Hamas-run", ("hamas", "run"), (" ",)),
    ("Hamas \u2013 run", ("hamas", "run"), (" ",)),
    ("Israel\u2019s", ("israel", "s"), ("'",)),
    ("U.S", ("u", "s"), (".",)),
    ("terror*", ("terror",), ()),
    ("war of  extermination", ("war", "of", "extermination"), (" ", " ")),
])
def test_parse_term(term, words, separators):
    assert parse_term(term) == (words, separators)


def test_parse_term_keeps_case_when_asked():
    assert parse_term("the Resistance", True) == (("the", "Resistance"), (" ",))


@pytest.mark.parametrize("term, ok", [("hostage", True), ("hostage*", True), ("Hamas-run", True), ("U.S", True),
                                      ("Israel's", True), ("*", False), ("a*", False), ("host*age", False),
                                      ("", False), ("war?", False), ("-war", False)])
def test_term_syntax(term, ok):
    assert (term_syntax_problem(term) is None) is ok


DIC = "%\n1\tCaptivity Words\n2\tviolence\n%\nhostage*\t1\ncaptive\t1\t2\nkill*\t2\n:)\t2\nbomb\t9\n"


def test_liwc_dic_import_and_export(tmp_path):
    path = tmp_path / "mini.dic"
    path.write_text(DIC, encoding="utf-8")
    lexicon, skipped = read_liwc(path)
    assert lexicon.name == "mini"
    assert [(c.name, [t.text for t in c.terms]) for c in lexicon.categories] == [
        ("captivity_words", ["hostage*", "captive"]), ("violence", ["captive", "kill*"])]
    assert len(skipped) == 2  # ":)" is outside the term syntax; id 9 is not in the header
    assert any("'bomb' names category id '9'" in line for line in skipped)
    text, dropped = write_liwc(lexicon)
    assert text.splitlines()[:4] == ["%", "1\tcaptivity_words", "2\tviolence", "%"]
    assert "captive\t1\t2" in text.splitlines()
    assert dropped == []
    again_path = tmp_path / "again.dic"
    again_path.write_text(text, encoding="utf-8")
    again, _ = read_liwc(again_path)
    assert [(c.name, [t.text for t in c.terms]) for c in again.categories] == [
        (c.name, [t.text for t in c.terms]) for c in lexicon.categories]


def test_liwc_export_of_axes_names_poles_and_reports_dropped_options(tmp_path):
    lexicon = Lexicon.from_yaml(_write(tmp_path, VALID))
    text, dropped = write_liwc(lexicon)
    assert "1\tcaptivity.hostage" in text.splitlines()
    assert len(dropped) == 3  # a note, an exclusion, a case-sensitive term


def test_liwc_dicx_import(tmp_path):
    path = tmp_path / "mini.dicx"
    path.write_text("DicTerm,Captivity,War Words\nhostage*,X,\nwar,,X\ninvasion,X,X\n", encoding="utf-8")
    lexicon, skipped = read_liwc(path)
    assert [(c.name, [t.text for t in c.terms]) for c in lexicon.categories] == [
        ("captivity", ["hostage*", "invasion"]), ("war_words", ["war", "invasion"])]
    assert skipped == []


def test_liwc_file_without_header_is_an_error(tmp_path):
    path = tmp_path / "bad.dic"
    path.write_text("hostage\t1\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="needs a header between two '%' lines"):
        read_liwc(path)
