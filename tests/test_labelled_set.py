"""The rule-based analyses against the hand-labelled set (tests/data/voice/labelled.jsonl).

The thresholds are the targets of the voice/referent/agency work: they fail
when a change to the rules makes the measured quality drop below them. The
full per-label table is written by ``python benchmarks/evaluate_labels.py``.
"""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "evaluate_labels.py"


@pytest.fixture(scope="module")
def results():
    spec = importlib.util.spec_from_file_location("evaluate_labels", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.load_rows()
    assert len(rows) >= 300
    return module.evaluate()


def test_voice_macro_f1_is_at_least_090(results):
    assert results["voice"]["macro_f1"] >= 0.90
    assert all(score["f1"] >= 0.85 for score in results["voice"]["labels"].values())


def test_agency_accuracy_is_at_least_085(results):
    assert results["agency"]["accuracy"] >= 0.85
    assert set(results["agency"]["labels"]) == {"active_agent", "passive_agent", "passive_no_agent", "intransitive",
                                                "nominal"}


def test_referent_accuracy_is_at_least_085(results):
    assert results["referent"]["accuracy"] >= 0.85


def test_speakers_of_quotations_are_mostly_found(results):
    quotation = results["speaker"]["quotation"]
    assert quotation["n"] >= 90 and quotation["correct"] / quotation["n"] >= 0.75


def test_speaker_matching_is_lenient_on_articles_and_possessives():
    spec = importlib.util.spec_from_file_location("evaluate_labels", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.speaker_matches("Smith", "NDMT\u2019s Bernard Smith")
    assert module.speaker_matches("the official", "The official")
    assert module.speaker_matches("unknown", "unknown")
    assert not module.speaker_matches("Hamas", "the statement")
