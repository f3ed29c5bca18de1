import re

import pytest

from framing import Article, Corpus, FramingError, LexiconError
from framing.lexicon import Lexicon, load_lexicon
from framing.referents import find_referents, referent_table


def _referents_of(text: str) -> list[list[str]]:
    table = find_referents([Article("a", text)])
    return table[["match", "referent"]].values.tolist()


@pytest.mark.parametrize("text, expected", [
    ("Hamas agreed to release 10 living Israeli captives.", [["captives", "israeli"]]),
    ("Israel released 90 Palestinian prisoners.", [["prisoners", "palestinian"]]),
    # a modifier after the term, over a number
    ("The offensive has killed over 58,000 Palestinians.", [["killed", "palestinian"], ["Palestinians", "palestinian"]]),
    # a phrase after the term, at a distance
    ("The prisoners, most of whom were arrested in night raids and have been held for months in Israeli "
     "jails, were freed.", [["prisoners", "palestinian"]]),
    ("More than 100 hostages are still held by Hamas.", [["hostages", "israeli"]]),
    # the phrase belongs to the nearer term; the other one stays unknown
    ("Israel freed 30 prisoners in exchange for 10 hostages held in Gaza.",
     [["prisoners", "unknown"], ["hostages", "israeli"]]),
    # one sentence, both sides
    ("The deal swaps Israeli hostages for Palestinian prisoners.",
     [["hostages", "israeli"], ["prisoners", "palestinian"]]),
    # nothing in the sentence says whom
    ("The captives were handed to the Red Cross.", [["captives", "unknown"]]),
    # a conjunction stops the modifier: "Palestinian" names the prisoners, not the hostages
    ("Palestinian prisoners and hostages were exchanged.", [["prisoners", "palestinian"], ["hostages", "unknown"]]),
])
def test_referent_cases(text, expected):
    assert _referents_of(text) == expected


def test_seed_referents(seed_corpus):
    table = find_referents(seed_corpus)
    seed_002 = table[(table["article_id"] == "002_01f7d1bb75bbb616") & (table["axis"] == "captivity")]
    # "...the release of 33 Israeli prisoners and a number of Palestinian prisoners," he said.
    quoted = seed_002[seed_002["voice"] == "quotation"]
    assert quoted[["match", "referent", "referent_cue"]].values.tolist() == [
        ["prisoners", "israeli", "Israeli"], ["prisoners", "palestinian", "Palestinian"]]
    seed_001 = table[(table["article_id"] == "001_6c84b83942d16bb2") & (table["axis"] == "captivity")]
    # "hostages still held in Gaza", then "the release of hostages" with no cue: the same hostages as before.
    assert seed_001[["match", "referent", "referent_cue"]].values.tolist() == [
        ["hostages", "israeli", "in Gaza"], ["hostages", "israeli", "earlier: in Gaza"]]
    seed_000 = table[table["article_id"] == "000_8015344880bb54a8"]
    # "killing over 58,000 Palestinians, most of them women and children": the people words name themselves
    # or take the place of the sentence ("on Gaza").
    assert seed_000[["match", "referent"]].values.tolist() == [
        ["captives", "israeli"], ["killing", "palestinian"], ["Palestinians", "palestinian"], ["women", "palestinian"],
        ["children", "palestinian"]]


def test_our_in_a_quotation_names_the_speakers_side():
    text = ('Israeli Prime Minister Benjamin Netanyahu spoke on Sunday. "We will bring our kidnapped people home," '
            'Netanyahu said.')
    table = find_referents([Article("a", text)])
    assert table[["match", "voice", "referent"]].values.tolist() == [["kidnapped", "quotation", "israeli"],
                                                                     ["people", "quotation", "israeli"]]


def test_referent_table_counts_shares_and_denominators():
    corpus = Corpus([
        Article("w1", "Israeli hostages were freed. Palestinian prisoners were freed.", outlet="Wire"),
        Article("w2", "Two Israeli hostages and one Israeli captive remain.", outlet="Wire"),
        Article("r1", "Israeli captives were freed. Palestinian prisoners were freed. "
                      "\"The hostages are Israeli captives,\" he said.", outlet="Resist"),
    ])
    table = referent_table(corpus, by="outlet")
    captivity = table[table["axis"] == "captivity"].set_index(["outlet", "referent", "pole"])
    # Wire, Israeli side: 2 hostage + 1 captive words (narration): hostage share 2/3.
    row = captivity.loc[("Wire", "israeli", "hostage")]
    assert (row["count"], row["referent_total"]) == (2, 3)
    assert row["share"] == pytest.approx(2 / 3)
    assert row["ci_low"] == pytest.approx(0.2077, abs=1e-3) and row["ci_high"] == pytest.approx(0.9385, abs=1e-3)
    assert captivity.loc[("Wire", "palestinian", "prisoner"), "count"] == 1
    # Resist's quotation is left out by default (narration only) ...
    assert captivity.loc[("Resist", "israeli", "captive"), ["count", "referent_total"]].tolist() == [1, 1]
    # ... and counted with voice="all".
    every = referent_table(corpus, by="outlet", voice="all").set_index(["outlet", "axis", "referent", "pole"])
    assert every.loc[("Resist", "captivity", "israeli", "captive"), "count"] == 2
    assert every.loc[("Resist", "captivity", "unknown", "hostage"), "count"] == 1
    # zeros are rows too, with an empty share where nothing names that side
    empty = captivity.loc[("Resist", "unknown", "prisoner")]
    assert empty["count"] == 0 and empty["referent_total"] == 0 and empty["share"] != empty["share"]


def test_a_lexicon_without_referents_is_named():
    with pytest.raises(FramingError, match=re.escape("lexicon us_immigration has no 'referents' section")):
        find_referents([Article("a", "Detainees were held.")], "us_immigration")


def test_referent_groups_come_from_the_yaml(tmp_path):
    path = tmp_path / "ukraine.yaml"
    path.write_text(
        "name: ukraine\naxes:\n  captivity:\n    poles:\n      pow:\n        terms: [prisoners of war]\n"
        "      captive:\n        terms: [captive*]\nreferents:\n  applies_to: [captivity]\n  groups:\n"
        "    ukrainian:\n      modifiers: [Ukrainian]\n      phrases: [held in Russia]\n"
        "    russian:\n      modifiers: [Russian]\n      phrases: [held in Ukraine]\n", encoding="utf-8")
    lexicon = load_lexicon(path)
    assert [group.label for group in lexicon.referents.groups] == ["Ukrainian", "Russian"]
    table = find_referents([Article("a", "Kyiv said 200 captives held in Russia and 50 Russian prisoners of war "
                                         "were swapped.")], lexicon)
    assert table[["match", "referent"]].values.tolist() == [["captives", "ukrainian"],
                                                           ["prisoners of war", "russian"]]
    assert Lexicon.from_dict(lexicon.to_dict()).referents == lexicon.referents


@pytest.mark.parametrize("section, message", [
    ("referents:\n  applies_to: [captivty]\n  groups:\n    a: {modifiers: [A]}\n    b: {modifiers: [B]}\n",
     "line 8: referents applies_to names 'captivty', which is not an axis or category of this lexicon; "
     "use one of: captivity"),
    ("referents:\n  applies_to: [captivity]\n  groups:\n    a: {modifiers: [A]}\n    b: {label: B}\n",
     "line 11: referent group 'b' has no modifiers or phrases; add words that name the group"),
    ("referents:\n  applies_to: [captivity]\n  groups:\n    a: {modifiers: [A]}\n",
     "line 9: referents has 1 group(s); name at least two groups"),
])
def test_referent_section_errors_name_file_and_line(tmp_path, section, message):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\naxes:\n  captivity:\n    poles:\n      hostage: {terms: [hostage*]}\n"
                    "      captive: {terms: [captive*]}\n" + section, encoding="utf-8")
    with pytest.raises(LexiconError, match=re.escape(message)):
        load_lexicon(path)
