import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import Article, Corpus, FramingError, find_matches, voice
from framing.voice import SPEECH_PARTICIPLES, SPEECH_VERBS, _blank, _trie_pattern, check_voice, keep_voices, \
    quoted_voices, segment_voice, voice_at, voice_spans

SEED_000 = "000_8015344880bb54a8"
SEED_002 = "002_01f7d1bb75bbb616"
SEED_004 = "004_3cabf72616562acd"


def _voice_of(text: str, target: str, occurrence: int = 1):
    """The span at the ``occurrence``-th ``target`` in ``text``."""
    position = -1
    for _ in range(occurrence):
        position = text.index(target, position + 1)
    return voice_at(segment_voice(text), [position])[0]


# --- the seed expectations -------------------------------------------------------------

def test_seed_004_says_hostages_only_inside_netanyahus_quotation(seed_corpus):
    matches = find_matches(seed_corpus, "israel_gaza")
    hostages = matches[(matches["article_id"] == SEED_004) & (matches["pole"] == "hostage")]
    assert hostages["match"].tolist() == ["hostages"]
    assert hostages[["voice", "speaker"]].values.tolist() == [["quotation", "Netanyahu"]]
    # Its own voice says "captives".
    captives = matches[(matches["article_id"] == SEED_004) & (matches["pole"] == "captive")]
    assert captives["voice"].tolist() == ["narration"]


def test_seed_004_puts_israels_in_scare_quotes(seed_corpus):
    text = seed_corpus[SEED_004].text
    span = _voice_of(text, '"Israel\'s"')
    assert (text[span.start:span.end], span.voice, span.speaker) == ('"Israel\'s"', "scare_quote", "")
    # The quotation right after it in the same sentence is Netanyahu's words.
    after = _voice_of(text, "a huge victory")
    assert (after.voice, after.speaker) == ("quotation", "Netanyahu")


def test_seed_000_israeli_enemy_and_genocidal_war_are_a_quoted_hamas_statement(seed_corpus):
    text = seed_corpus[SEED_000].text
    for target in ("Israeli enemy", "genocidal war"):
        span = _voice_of(text, target)
        assert (span.voice, span.speaker) == ("quotation", "Hamas")
    assert _voice_of(text, "flexibility").voice == "scare_quote"
    assert _voice_of(text, "Israel remains rigid").voice == "narration"


def test_seed_002_33_israeli_prisoners_is_the_correspondents_quotation(seed_corpus):
    text = seed_corpus[SEED_002].text
    span = _voice_of(text, "33 Israeli prisoners")
    assert span.voice == "quotation"
    assert "Smith" in span.speaker  # "...," he said, after "NDMT's Bernard Smith reports"


# --- quotation marks ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, target, voice, speaker", [
    # straight and curly double quotes, attribution after and before
    ('"We will not stop," the minister said.', "will not", "quotation", "the minister"),
    ("\u201cWe will not stop,\u201d said Netanyahu.", "will not", "quotation", "Netanyahu"),
    ('The minister said: "We will not stop."', "will not", "quotation", "The minister"),
    ('A Hamas official told Reuters: "The talks are over."', "talks are", "quotation", "A Hamas official"),
    # single quotes nested in double quotes belong to the outer quotation
    ("\u201cThey call it \u2018a victory\u2019, but it is not,\u201d Smith added.", "a victory", "quotation",
     "Smith"),
    ('"They call it \'a victory\', but it is not," Smith added.', "a victory", "quotation", "Smith"),
    # scare quotes: short, not introduced as speech, no attribution
    ('The army described the operation as "precise" and limited.', "precise", "scare_quote", ""),
    ("Netanyahu claimed he was 'ready' to reach a deal.", "ready", "scare_quote", ""),
    ("The site cited unnamed \u201csources\u201d who were in Doha.", "sources", "scare_quote", ""),
    # a scare quote has four words at most; a quoted sentence of its own (capital, final stop) is speech
    ('The army described the raid as "a limited targeted operation" and moved on.', "targeted", "scare_quote", ""),
    ('The army described the raid as "a very limited targeted operation" and moved on.', "targeted", "quotation",
     "unknown"),
    ('The army described it as "Precise strikes." Then it left.', "strikes", "quotation", "unknown"),
    # a short quote with an attribution is a quotation
    ('"Never," he said.', "Never", "quotation", "unknown"),
    # apostrophes are not quotation marks
    ("Israel's army and Hamas' leaders met in the '90s.", "leaders", "narration", ""),
    # according to: narration with a speaker
    ("At least 38 people were killed, according to the health ministry.", "38 people", "narration",
     "health ministry"),
    ("In a statement, the UN said the crossings were closed.", "crossings", "narration", "the UN"),
])
def test_voice_and_speaker_cases(text, target, voice, speaker):
    span = _voice_of(text, target)
    assert (span.voice, span.speaker) == (voice, speaker)


def test_pronoun_speaker_is_the_last_named_one():
    text = ('Prime Minister Benjamin Netanyahu spoke on Sunday. "We will finish the job," he said. '
            '"Israel cannot accept that," he added.')
    assert _voice_of(text, "cannot accept").speaker == "Prime Minister Benjamin Netanyahu"


def test_a_quotation_spanning_paragraphs_continues_where_the_next_paragraph_reopens():
    text = ('The envoy said: "The first phase is agreed. The second is not.\n\n'
            '"We will meet again on Tuesday to close the gaps," he said.\n\n'
            'Aid trucks waited at the border.')
    spans = segment_voice(text)
    quote = _voice_of(text, "second is not")
    assert quote.voice == "quotation" and quote.speaker == "The envoy"
    assert _voice_of(text, "meet again").start == quote.start  # one quotation across the break
    assert _voice_of(text, "Aid trucks").voice == "narration"
    assert sum(span.voice == "quotation" for span in spans) == 1


def test_an_unclosed_quotation_ends_with_its_paragraph():
    text = 'He said "this will end badly\n\nThe market closed higher.'
    assert _voice_of(text, "end badly").voice == "quotation"
    assert _voice_of(text, "market closed").voice == "narration"


def test_quotation_spans_include_their_marks():
    text = "He called it \u201cgenocide\u201d yesterday."
    span = _voice_of(text, "genocide")
    assert text[span.start:span.end] == "\u201cgenocide\u201d"


# --- tiling, tables and options -----------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab .,:\n'\"\u201c\u201d\u2018\u2019") + ["said ", "He ", "X "]),
                max_size=80).map("".join))
def test_spans_tile_any_text_without_gaps_or_overlaps(text):
    spans = segment_voice(text)
    assert [(span.start, span.end) for span in spans] == \
        list(zip([0] + [span.end for span in spans[:-1]], [span.end for span in spans])) or not text
    if text:
        assert spans[0].start == 0 and spans[-1].end == len(text)
        assert all(span.start < span.end for span in spans)
        assert all(span.voice in ("narration", "quotation", "scare_quote") for span in spans)


def test_voice_spans_table_of_the_seeds(seed_corpus):
    table = voice_spans(seed_corpus)
    for article in seed_corpus:
        rows = table[table["article_id"] == article.id]
        assert "".join(rows["text"]) == article.text  # the spans tile every article
    counts = table.groupby("voice").size().to_dict()
    assert counts["scare_quote"] >= 8 and counts["quotation"] >= 20


def test_keep_voices_blanks_quotations_but_keeps_offsets():
    corpus = Corpus([Article("a", 'Hamas called it "an aggression that must end," the group said.')])
    kept = keep_voices(corpus, "narration")["a"].text
    assert len(kept) == len(corpus["a"].text)
    assert "aggression" not in kept and kept.startswith("Hamas called it ") and kept.endswith(" the group said.")
    assert keep_voices(corpus, "all") is corpus


def test_check_voice_names_the_bad_value():
    assert check_voice(["scare_quote", "narration"]) == ("narration", "scare_quote")
    with pytest.raises(FramingError, match=re.escape("got 'quotes'")):
        check_voice("quotes")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab .,:\n'\"\u201c\u201d\u2018\u2019") + ["said ", "He ", "X ", "Sam said: "]),
                max_size=80).map("".join))
def test_quoted_voices_are_the_voices_of_segment_voice(text):
    """Counting's shortcut (only the quotes around each position, no speakers) gives the full segmentation's voice."""
    positions = range(len(text))
    assert quoted_voices(text, positions) == [span.voice for span in voice_at(segment_voice(text), positions)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab .,:\n'\"\u201c\u201d\u2018\u2019") + ["said ", "He ", "X ", "Sam said: ",
                                                                          "Israel's ", "Israel\u2019s "]),
                min_size=1, max_size=80).map("".join), st.data())
def test_quoted_voices_of_a_few_positions_are_those_of_segment_voice(text, data):
    """A few positions, in order or not, some in paragraphs whose only marks are apostrophes between letters
    (narration at once) and some among the newlines between paragraphs: the full segmentation's voices."""
    positions = data.draw(st.lists(st.integers(0, len(text) - 1), max_size=6))
    assert quoted_voices(text, positions) == [span.voice for span in voice_at(segment_voice(text), positions)]


def test_quoted_voices_of_the_seeds_match_the_full_segmentation(seed_corpus):
    seen = set()
    for article in seed_corpus:
        positions = range(len(article.text))
        full = [span.voice for span in voice_at(segment_voice(article.text), positions)]
        assert quoted_voices(article.text, positions) == full
        seen.update(full)
    assert seen == {"narration", "quotation", "scare_quote"}


def test_keep_voices_is_shared_within_a_block_while_a_stage_holds_it(seed_corpus):
    import gc
    import weakref

    from framing.voice import shared_voices

    with shared_voices():
        first = keep_voices(seed_corpus, "narration")
        assert keep_voices(seed_corpus, ["narration"]) is first  # the same voices, however they are written
        assert keep_voices(seed_corpus, "quotation") is not first
        texts, reference = [article.text for article in first], weakref.ref(first)
        del first  # no stage holds it any more: the block does not keep it alive, and it is made again on request
        gc.collect()
        assert reference() is None
        again = keep_voices(seed_corpus, "narration")
        assert [article.text for article in again] == texts
    assert keep_voices(seed_corpus, "narration") is not keep_voices(seed_corpus, "narration")


def test_segment_shared_segments_ahead_so_keep_voices_segments_nothing(seed_corpus, monkeypatch):
    with pytest.raises(FramingError, match=re.escape("call it within a shared_voices() block")):
        voice.segment_shared(seed_corpus)
    expected = keep_voices(seed_corpus, "narration")
    segmented = []
    real = voice._segment_texts
    monkeypatch.setattr(voice, "_segment_texts", lambda texts: segmented.extend(texts) or real(texts))
    with voice.shared_voices():
        voice.segment_shared(seed_corpus, n_jobs=1)
        assert segmented == [article.text for article in seed_corpus]  # each text once, in corpus order
        kept = keep_voices(seed_corpus, "narration")
        assert len(segmented) == len(seed_corpus)  # keep_voices found every text segmented
    assert [article.text for article in kept] == [article.text for article in expected]


def test_spans_kept_within_a_block_come_back_the_same(seed_corpus):
    """The block keeps spans compactly (ints and speakers); what it gives back equals a fresh segmentation."""
    from framing.voice import shared_voices

    fresh = [segment_voice(article.text) for article in seed_corpus]
    with shared_voices():
        first = [segment_voice(article.text) for article in seed_corpus]
        kept = keep_voices(seed_corpus, "narration")  # fills the block from the workers' spans as well
        again = [segment_voice(article.text) for article in seed_corpus]
    assert first == fresh and again == fresh
    assert {span.speaker for spans in again for span in spans} > {"", "unknown"}
    assert all(len(k.text) == len(a.text) for k, a in zip(kept, seed_corpus))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(sorted(SPEECH_VERBS | SPEECH_PARTICIPLES) + ["sa", "say", "s", " ", ",", "x",
                                                                              "ing", "Said"]),
                max_size=30).map("".join))
def test_speech_verb_tree_finds_what_a_plain_alternation_finds(text):
    plain = "|".join(sorted(SPEECH_VERBS | SPEECH_PARTICIPLES, key=len, reverse=True))
    expected = [m.span() for m in re.finditer(rf"\b(?:{plain})\b", text)]
    assert [m.span() for m in re.finditer(rf"\b{_trie_pattern(SPEECH_VERBS | SPEECH_PARTICIPLES)}\b", text)] == expected
    assert re.fullmatch(_trie_pattern(["say", "says", "said"]), "says") and not re.fullmatch(
        _trie_pattern(["say", "said"]), "sa")


@pytest.mark.parametrize("text", [
    "".join(map(chr, range(0x110000))),  # every character: only whitespace is kept
    "\u201cWe will not,\u201d he said",  # printable: spaces only
    "two\nparagraphs\u00a0and\ta tab", "",
])
def test_blank_keeps_whitespace_and_length(text):
    assert _blank(text) == re.sub(r"\S", " ", text)


#: Pieces of text around speech verbs and "according to": whole words and parts of words, "with" after a
#: verb, and the characters that re.IGNORECASE takes for ASCII letters (U+0130, U+0131, U+017F, U+212A).
_SPEECH_PIECES = ["said", "says", "told", "add", "added", "unsaid", "_", "2", " ", "  ", "\n", ".", "with", "With",
                  "According", "according", " to", "ACCORDING TO", "in the words of", "as quoted by", "quoting",
                  "accord\u0131ng to", "a\u017f quoted by", "\u0130n the words of", "quot\u0130ng", "\u212a", "-",
                  "\u201c", "claimed", "warns"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SPEECH_PIECES), max_size=30).map("".join))
def test_speech_verbs_and_according_to_are_found_as_the_regexes_find_them(text):
    """The faster searches of a long text give exactly the matches of _SPEECH_RE and _ACCORDING_RE."""
    assert [m.span() for m in voice._speech_verbs(text)] == [m.span() for m in voice._SPEECH_RE.finditer(text)]
    assert [m.span() for m in voice._according_to(text)] == [m.span() for m in voice._ACCORDING_RE.finditer(text)]


# --- sentence bounds -------------------------------------------------------------------------------

def _breaks(text):
    """Every sentence break of ``text`` as (stop, end), read the plain way: all of them, front to back."""
    return [(found.start(), found.end()) for found in voice._SENTENCE_BREAK_RE.finditer(text)
            if not voice._ends_with_abbreviation(text, found.start())]


_SENTENCE_PIECES = ["Mr", "U.S", "He", "Gaza", "9", "a", " ", "  ", "\n", "\n\n", ".", "!", "?", "\u201d", ")",
                    "'", '"', "(", "\u201c"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCE_PIECES), min_size=1, max_size=40).map("".join), st.data())
def test_sentence_bounds_are_those_of_the_full_list_of_breaks(text, data):
    # _sentence_start reads stops backwards from the position and _sentence_end forwards; a break may begin
    # before the floor (a stop, closing marks, then the spaces and newlines that lead up to the paragraph)
    position = data.draw(st.integers(0, len(text)))
    floor = data.draw(st.integers(0, position))
    ceiling = data.draw(st.integers(position, len(text)))
    breaks = _breaks(text)
    starts = [end for _, end in breaks if end <= position]
    assert voice._sentence_start(text, position, floor) == max(starts[-1] if starts else floor, floor)
    ends = [stop + 1 for stop, _ in breaks if stop >= position]
    assert voice._sentence_end(text, position, ceiling) == min(ends[0] if ends else ceiling, ceiling)


def test_sentence_bounds_skip_abbreviations_and_cross_into_the_paragraph():
    text = 'Talks resumed. Mr. Smith said the U.S. Envoy left.\n\n"We stay." Aid came.'
    said = text.index("said")
    assert voice._sentence_start(text, said, 0) == text.index("Mr.")  # "Mr." and "U.S." end no sentence
    assert voice._sentence_end(text, said, len(text)) == text.index("left.") + len("left.")
    second = text.index('"We')
    # the break after "left." runs through the blank line: the paragraph's first sentence starts at its floor
    assert voice._sentence_start(text, text.index("stay"), second) == second
    assert voice._sentence_start(text, text.index("Aid"), second) == text.index("Aid")
