import socket
from pathlib import Path

import pandas as pd
import pytest

from framing.cli import main


def test_counts_writes_tables(seeds_dir, tmp_path, capsys):
    assert main(["counts", str(seeds_dir), "--by", "outlet", "--out", str(tmp_path)]) == 0
    tables = tmp_path / "tables"
    assert sorted(p.name for p in tables.iterdir()) == ["load_report.csv", "matches.csv", "pole_counts.csv",
                                                        "term_counts.csv"]
    poles = pd.read_csv(tables / "pole_counts.csv")
    row = poles[(poles["outlet"] == "Mangalorean") & (poles["pole"] == "hostage")].iloc[0]
    assert (row["count"], row["axis_total"], row["share"]) == (2, 2, 1.0)
    assert "Mangalorean" in capsys.readouterr().out
    assert not list(tables.glob(".*.tmp"))  # no temporary files left behind


def test_counts_tables_are_byte_identical_across_runs(seeds_dir, tmp_path):
    main(["counts", str(seeds_dir), "--out", str(tmp_path / "a")])
    main(["counts", str(seeds_dir), "--out", str(tmp_path / "b")])
    for name in ("term_counts.csv", "pole_counts.csv", "matches.csv", "load_report.csv"):
        assert (tmp_path / "a" / "tables" / name).read_bytes() == (tmp_path / "b" / "tables" / name).read_bytes()


def test_main_job_runs_with_the_network_blocked(seeds_dir, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the main job tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert main(["counts", str(seeds_dir), "--by", "outlet", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "tables" / "term_counts.csv").exists()


def test_kwic_prints_marked_lines(seeds_dir, capsys):
    assert main(["kwic", "hostage*", str(seeds_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4
    assert out[3].startswith("004_3cabf72616562acd [Al Mayadeen English]")
    assert "[[hostages]]" in out[3]


def test_corpus_info_summarises_the_load_report(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("Hostages freed.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    assert main(["corpus", "info", str(tmp_path), "--out", str(tmp_path / "report.csv")]) == 0
    out = capsys.readouterr().out
    assert "1 articles loaded, 1 inputs skipped" in out
    assert "empty file (0 bytes)" in out
    assert len(pd.read_csv(tmp_path / "report.csv")) == 2


@pytest.mark.parametrize("argv, message", [
    (["counts", "no/such/folder"], "framing: error: corpus path 'no/such/folder' does not exist"),
    (["counts", "SEEDS", "--lexicon", "israel-gaza"], "framing: error: unknown lexicon 'israel-gaza'; available:"),
    (["counts", "SEEDS", "--by", "colour"], "framing: error: by='colour' is not a column of the corpus"),
    (["counts"], "framing: error: the following arguments are required: corpus"),
    (["kwic", "war", "SEEDS", "--width", "wide"], "framing: error: argument --width: invalid int value: 'wide'"),
    (["lexicon", "validate"], "framing: error: 'framing lexicon validate' needs a file or lexicon name"),
    (["frobnicate"], "framing: error: argument COMMAND: invalid choice: 'frobnicate'"),
    (["counts", "EMPTY"], "framing: error: no article could be loaded from"),
])
def test_user_errors_exit_2_with_one_sentence(argv, message, seeds_dir, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.txt").write_bytes(b"")
    argv = [str(seeds_dir) if a == "SEEDS" else str(tmp_path / "empty") if a == "EMPTY" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(message)
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_debug_shows_the_traceback():
    with pytest.raises(Exception, match="does not exist"):
        main(["--debug", "counts", "no/such/folder"])


def test_lexicon_commands(tmp_path, capsys):
    assert main(["lexicon", "list"]) == 0
    assert "israel_gaza" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ncategories:\n  c:\n    terms: [war, war]\n", encoding="utf-8")
    assert main(["lexicon", "validate", str(bad)]) == 1
    assert f"{bad}, line 4: category 'c': term 'war' is listed twice" in capsys.readouterr().out
    assert main(["lexicon", "validate", "israel_gaza"]) == 0
    assert "valid (9 axes" in capsys.readouterr().out
    assert main(["lexicon", "show", "israel_gaza"]) == 0
    assert "hostage*" in capsys.readouterr().out
    dic = tmp_path / "mini.dic"
    dic.write_text("%\n1\tcaptivity\n%\nhostage*\t1\ncaptive\t1\n", encoding="utf-8")
    assert main(["lexicon", "import", str(dic), "--out", str(tmp_path / "mini.yaml")]) == 0
    assert main(["lexicon", "validate", str(tmp_path / "mini.yaml")]) == 0
    assert main(["lexicon", "export", "israel_gaza", "--out", str(tmp_path / "ig.dic")]) == 0
    assert Path(tmp_path / "ig.dic").read_text(encoding="utf-8").startswith("%\n1\tcaptivity.hostage\n")


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "examples:" in capsys.readouterr().out
    for command in ("counts", "kwic", "lexicon", "corpus"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "example" in capsys.readouterr().out
