import bisect
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from nltk.tokenize.punkt import PunktSentenceTokenizer

from framing.text import LETTER_OR_DIGIT, TOKEN_JOINER, TOKEN_PATTERN, WORD_CHARACTER, character_classes, count_tokens, \
    normalize_text, split_sentences, tokenize
from framing.text import _ONE_TO_ONE, _normalize_with_segments, _sentence_tokenizer


@pytest.mark.parametrize("raw, expected", [
    ("Israel\u2019s", "Israel's"),
    ("\u201cflexibility\u201d", '"flexibility"'),
    ("Hamas\u2013run", "Hamas-run"),
    ("war\u2014and", "war-and"),
    ("1\u00a0200", "1 200"),
    ("a\tb", "a b"),
    ("line\r\nnext", "line\n\nnext"),
    ("\ufb01ne", "fine"),
    ("wait\u2026", "wait..."),
    ("hos\u200btage", "hostage"),
    ("cafe\u0301", "caf\u00e9"),
    ("plain ascii", "plain ascii"),
])
def test_normalize_text_typography(raw, expected):
    assert normalize_text(raw).text == expected


def test_original_span_points_at_displayed_characters():
    normalized = normalize_text("\u201cThe \ufb01ghters\u2026\u201d said Israel\u2019s army")
    match = re.search(r"fighters", normalized.text)
    start, end = normalized.original_span(*match.span())
    assert normalized.original[start:end] == "\ufb01ghters"
    match = re.search(r"israel's", normalized.lower)
    start, end = normalized.original_span(*match.span())
    assert normalized.original[start:end] == "Israel\u2019s"


def test_lower_keeps_length_even_for_dotted_capital_i():
    normalized = normalize_text("\u0130stanbul talks")
    assert len(normalized.lower) == len(normalized.text)
    assert normalized.lower.startswith("istanbul")


# Printable text with the characters that normalisation changes, in any order.
_TRICKY_CHARACTERS = list("ab Z9-'\".\n\t`") + ["\u2019", "\u201c", "\u2018", "\u2014", "\u2013", "\u00a0",
                                                  "\u2026", "\ufb01", "\u200b", "\u0301", "\u00ad", "\r",
                                                  "\u0130", "\u00bd", "\u00e9"]
_tricky = st.text(alphabet=st.sampled_from(_TRICKY_CHARACTERS), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_tricky)
def test_offsets_are_preserved_for_every_word(raw):
    """Each word of the normalised text maps back to a span whose normalisation contains it."""
    normalized = normalize_text(raw)
    for match in re.finditer(r"\w+", normalized.text):
        start, end = normalized.original_span(*match.span())
        assert 0 <= start <= end <= len(raw)
        assert match.group() in normalize_text(raw[start:end]).text


@settings(max_examples=300, deadline=None)
@given(_tricky)
def test_offset_map_is_monotonic_and_complete(raw):
    normalized = normalize_text(raw)
    starts = [normalized.original_span(i, i + 1)[0] for i in range(len(normalized.text))]
    assert starts == sorted(starts)
    whole = normalized.original_span(0, len(normalized.text))
    assert whole[1] <= len(raw)
    assert normalize_text(raw[whole[0]:whole[1]]).text == normalized.text


@settings(max_examples=300, deadline=None)
@given(_tricky, st.data())
def test_original_spans_map_each_span_as_original_span_does(raw, data):
    normalized = normalize_text(raw)
    size = len(normalized.text)
    spans = data.draw(st.lists(st.tuples(st.integers(0, size), st.integers(0, size)).map(sorted), max_size=8))
    mapped = normalized.original_spans(spans)
    assert mapped.shape == (len(spans), 2) and mapped.dtype == "int64"
    assert [tuple(span) for span in mapped.tolist()] == [normalized.original_span(*span) for span in spans]


@pytest.mark.parametrize("text, expected", [
    ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    ("The U.S. and the U.N. agreed on Jan. 5. Talks resume.", ["The U.S. and the U.N. agreed on Jan. 5.",
                                                                 "Talks resume."]),
    ('He said "we will win." Then he left.', ['He said "we will win."', "Then he left."]),
    ("Headline without a period\nFirst sentence. Second one!", ["Headline without a period", "First sentence.",
                                                                 "Second one!"]),
    ("Is it over? Nobody knows.", ["Is it over?", "Nobody knows."]),
    ("", []),
])
def test_split_sentences(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_split_sentences_near_splits_only_those_lines_and_the_line_before():
    text = "Talks resumed.\nMr. Smith said 40 were killed. Aid waits.\n   \nMore later. Much more."
    whole = split_sentences(text)
    near = split_sentences(text, near=[text.index("More")])
    assert [text[s:e] for s, e in near] == ["Mr. Smith said 40 were killed.", "Aid waits.", "More later.",
                                            "Much more."]
    assert set(near) <= set(whole)
    assert split_sentences(text, near=[]) == []
    assert split_sentences(text, near=[0, 3]) == whole[:1]
    # A position on a line without a sentence finds "Aid waits." two lines up, and needs "Mr. Smith ..." too
    # (hypothesis found the like: a line of one sentence, then a blank one).
    assert [text[s:e] for s, e in split_sentences(text, near=[text.index("   ") + 1])] == [
        "Mr. Smith said 40 were killed.", "Aid waits."]
    assert split_sentences("a  \na\n ", near=[6]) == [(0, 1), (4, 5)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab .!?\n") + ["Mr.", "U.S.", '"', "  \n"]), max_size=40).map("".join),
       st.data())
def test_split_sentences_near_finds_the_same_sentence_and_the_one_before(text, data):
    """Every position finds the sentence it finds in the whole list, and the same sentence before that."""
    whole = split_sentences(text)
    positions = data.draw(st.lists(st.integers(0, max(len(text) - 1, 0)), max_size=4)) if text else []
    near = split_sentences(text, near=positions)
    assert set(near) <= set(whole) and near == sorted(near)
    for position in positions:
        if text[position] == "\n":
            continue  # a line break belongs to no line
        slot = bisect.bisect_right([start for start, _ in whole], position) - 1
        slot_near = bisect.bisect_right([start for start, _ in near], position) - 1
        assert (near[slot_near] if slot_near >= 0 else None) == (whole[slot] if slot >= 0 else None)
        if slot >= 1:
            assert near[slot_near - 1] == whole[slot - 1]


_SENTENCE_PIECES = ["said", "Mr", "mr", "U.S", "Jan", "J", "a", "40", "1,200", "no", "Co-op", "co-Co", "ok", "Gaza",
                    "HAMAS", "\u00e9t\u00e9", ".", "..", "...", "?", "!", "?!", '"', "'", ")", "(", "\u201d", ",", ";",
                    "--", "-", " ", "  ", "\t", "\u00a0", "\x1c", "\x1f", "\x0b", "\x85", "\u2028", "\u3000",
                    "\u2019", "\u00bb", "\n", ". ."]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=30).map("".join))
@example("said. . .")  # an ellipsis of spaced periods: no break
@example("said.\x1csaid")  # U+001C is a space to re, not to Punkt's regex module
@example('said."\x1f said')  # nor U+001F, after closing punctuation
def test_sentence_breaks_are_punkts_own(text):
    """The shortcut for breaks after a plain word, and Punkt's patterns compiled with re, give exactly the
    sentences and break tests of NLTK's Punkt."""
    plain = PunktSentenceTokenizer(_sentence_tokenizer()._params)
    tokenizer = _sentence_tokenizer()
    assert list(tokenizer.span_tokenize(text)) == list(plain.span_tokenize(text))
    assert tokenizer.text_contains_sentbreak(text) == plain.text_contains_sentbreak(text)


def test_sentence_break_shortcut_answers_plain_words_and_asks_punkt_the_rest():
    tokenizer = _sentence_tokenizer()
    before = tokenizer._punkt_test.cache_info()
    assert tokenizer.text_contains_sentbreak("killed. Aid") and tokenizer.text_contains_sentbreak('won!"')
    assert tokenizer._punkt_test.cache_info() == before  # answered without Punkt's passes
    # An abbreviation (in capitals too), an initial, an ellipsis: no break; a number's period: a break.
    answers = {"Mr. Trump": False, "SEN. Ted": False, "J. Bach": False, "... MUST": False, "5. Talks": True}
    assert {context: tokenizer.text_contains_sentbreak(context) for context in answers} == answers
    after = tokenizer._punkt_test.cache_info()
    assert after.hits + after.misses == before.hits + before.misses + len(answers)


def test_tokens_keep_inner_hyphens_and_apostrophes():
    assert tokenize("Hamas\u2013run ministry: Israel\u2019s 1,200") == ["hamas-run", "ministry", "israel's", "1", "200"]
    assert count_tokens("Hamas-run ministry, Israel's army.") == 4


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ9_-' .,\n") + ["\u00e9", "\u0661", "\U0001F600", "\u00b2", "\u2019"]),
               max_size=40))
def test_vectorised_token_count_equals_the_token_pattern(text):
    assert count_tokens(text) == len(re.findall(TOKEN_PATTERN, text))


@settings(max_examples=300, deadline=None)
@given(_tricky)
def test_fast_normalisation_path_equals_the_slow_path(raw):
    """The shortcut for texts that only need one-for-one replacements changes nothing."""
    fast = normalize_text(raw)
    replaced = raw.translate(str.maketrans(_ONE_TO_ONE))
    slow = _normalize_with_segments(replaced, raw, {char for char in replaced if not char.isascii()})
    assert (fast.text, fast.segments) == (slow.text, slow.segments)


def test_character_classes_of_every_code_point():
    """The table fills in as texts bring characters; every code point gets the class its definition gives."""
    text = "".join(map(chr, range(0x110000)))
    expected = [TOKEN_JOINER if char in "-'" else LETTER_OR_DIGIT | WORD_CHARACTER if char.isalnum()
                else WORD_CHARACTER if char == "_" else 0 for char in text]
    assert character_classes(text).tolist() == expected
    assert character_classes("Gaza\u2019s \u00e9t\u00e9 a-b_c").tolist() == character_classes(
        "Gaza\u2019s \u00e9t\u00e9 a-b_c").tolist() == [3, 3, 3, 3, 0, 3, 0, 3, 3, 3, 0, 3, 4, 3, 2, 3]
