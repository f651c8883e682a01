import csv
import io
import json
from pathlib import Path

import pytest

from graph.cli.main import main

COUNT = "SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }"
BY_PROVIDER = (
    "SELECT ?name ?title WHERE { ?a schema:publisher/schema:name ?name ; schema:headline ?title } ORDER BY ?name"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    assert main(["build", "seeds", "--out", str(out / "exports"), "--store", str(out / "store")]) == 0
    return out / "store"


def test_build_store_writes_a_store_and_says_so(store: Path, tmp_path: Path, capsys):
    assert store.is_dir()
    assert main(["build", "seeds", "--out", str(tmp_path), "--store", str(tmp_path / "db")]) == 0
    assert f"and the store {tmp_path / 'db'}/" in capsys.readouterr().out


def test_query_prints_a_table_from_the_files(capsys):
    assert main(["query", BY_PROVIDER, "seeds"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [c.strip() for c in lines[0].split(" | ")] == ["name", "title"]
    assert set(lines[1]) <= {"-", "+"}
    assert len({line.index("|") if "|" in line else line.index("+") for line in lines[:-1]}) == 1  # aligned
    assert [c.strip() for c in lines[2].split(" | ")] == [
        "Caixin Global",
        "Carmaker Xpeng Deletes 430,000 Photos for Misuse of Facial …",
    ]
    assert lines[-1] == "(4 rows)"


def test_query_csv_and_json_for_scripts(capsys):
    assert main(["query", BY_PROVIDER, "--format", "csv"]) == 0  # PATH defaults to seeds/
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["name", "title"] and len(rows) == 5
    assert rows[1][1] == "Carmaker Xpeng Deletes 430,000 Photos for Misuse of Facial Recognition"
    assert (
        main(["query", "SELECT ?d WHERE { ?a schema:datePublished ?d } ORDER BY ?d LIMIT 1", "--format", "json"]) == 0
    )
    assert json.loads(capsys.readouterr().out) == [{"d": "2021-12-13T09:30:00Z"}]


def test_query_from_a_file_and_from_the_store(store: Path, tmp_path: Path, capsys):
    q = tmp_path / "count.rq"
    q.write_text(COUNT, encoding="utf-8")
    assert main(["query", str(q), "--store", str(store), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 4}]
    assert main(["query", "ASK { ?t skos:prefLabel 'AI' }", "--store", str(store)]) == 0
    assert capsys.readouterr().out == "true\n"


def test_query_errors_are_usage_errors_without_traceback(store: Path, tmp_path: Path, capsys):
    assert main(["query", "SELECT WHERE {"]) == 2
    err = capsys.readouterr().err
    assert "SPARQL syntax error" in err and "Traceback" not in err
    assert main(["query", COUNT, "seeds", "--store", str(store)]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["query", COUNT, "--store", str(tmp_path / "nope")]) == 2
    assert "no such store" in capsys.readouterr().err
    assert main(["query", "missing.rq"]) == 2
    assert "no such query file" in capsys.readouterr().err


def test_stats_from_files_and_from_the_store(store: Path, capsys):
    assert main(["stats", "seeds"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("4 articles, 4 providers, 2 topics, 4 images, 16 edges\n")
    assert "dates: 2021-12-13 to 2021-12-15" in text and "top topics:\n  2  AI\n  2  Computer Vision\n" in text
    assert main(["stats", "--store", str(store)]) == 0
    assert capsys.readouterr().out == text
    assert main(["stats", "--store", str(store), "--format", "json", "--top", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == 4 and data["top topics"] == [["AI", 2]] and data["first"] == "2021-12-13T09:30:00Z"


def test_long_one_line_query_is_not_taken_for_a_file_name(capsys):
    query = "SELECT ?a WHERE { ?a a schema:NewsArticle } LIMIT 1 # " + "x" * 300
    assert main(["query", query, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("a\n")


def test_query_tsv_for_spreadsheets(capsys):
    assert (
        main(["query", "SELECT ?l WHERE { ?t a skos:Concept ; skos:prefLabel ?l } ORDER BY ?l", "--format", "tsv"]) == 0
    )
    assert capsys.readouterr().out == "l\nAI\nComputer Vision\n"


def test_query_prefixes_lists_the_predeclared_prefixes(capsys):
    assert main(["query", "--prefixes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[1] for line in lines]
    assert {"schema:", "skos:", "dcterms:", "xsd:", "prov:", "ng:"} <= set(names)
    assert "PREFIX schema: <https://schema.org/>" in lines
    assert main(["query"]) == 2 and "--prefixes" in capsys.readouterr().err


def test_query_syntax_error_is_a_caret_under_the_place_and_exit_2(capsys):
    query = "SELECT ?a WHERE { ?a a schema:NewsArticle . ?a shema:headline ?h }"
    assert main(["query", query]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error at 1:" not in err  # not the parser's own words
    first, line, caret = err.rstrip("\n").split("\n")
    column = query.index("shema:") + 1
    assert first.startswith(
        f"newsgraph: error: SPARQL syntax error at line 1, column {column}: unknown prefix 'shema:'"
    )
    assert caret.index("^") == line.index("shema:")
