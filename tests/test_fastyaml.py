"""The YAML fast path against PyYAML: same data wherever it answers, PyYAML wherever it does not.

Differential over the samples, the seeds, a generated corpus and thousands of
mutated documents (odd characters, indentation, quoting, YAML 1.1 scalars);
then end to end: the exports do not depend on which parser read a file.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import GEN_CORPUS, SEEDS

import graph
from graph.read import fastyaml as _fastyaml
from graph.read.sources import LOADER, PY_LOADER, SUFFIXES, SourceError, load_yaml, parse_document, yaml_block


def same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down (True is not 1) and the same key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dt.datetime):
        return a == b and a.tzinfo == b.tzinfo
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


# The loader the build falls back to: libyaml's scanner, PyYAML's own resolver, the build's constructors
# (lenient: a date that cannot exist or a number too long stays text; only true/false are booleans).


def pyyaml(text: str) -> tuple[bool, Any]:
    """(True, data) or (False, the error) from the build's PyYAML loader."""
    try:
        try:
            return True, load_yaml(text, LOADER)
        except yaml.MarkedYAMLError as exc:  # as the build does: Python reads the surrogate escapes libyaml refuses
            if "invalid Unicode character escape" not in str(exc.problem):
                raise
            return True, load_yaml(text, PY_LOADER)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError, RecursionError) as exc:
        return False, exc


def check(text: str) -> bool:
    """Assert the fast path agrees with PyYAML on ``text``; return whether it answered."""
    fast = _fastyaml.load(text)
    if fast is None:
        return False
    ok, ref = pyyaml(text)
    assert ok, f"the fast path read what PyYAML rejects ({ref}):\n{text}"
    assert same(fast, ref), f"the fast path and PyYAML differ:\n{text}\nfast: {fast!r}\nyaml: {ref!r}"
    return True


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", "300", "--out", str(out), "--seed", "11"], check=True)
    return out


def blocks(folder: Path) -> list[str]:
    """The YAML of every file the build reads as YAML (front matter, a site's plain YAML data), cut as it cuts it.

    JSON pages are not YAML, and files with no YAML in them (a README, a template) are skipped by the build.
    """
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name.lower().endswith(".json") or not name.lower().endswith(SUFFIXES) or "/." in f"/{name}":
            continue
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        try:
            out.append(yaml_block(text, name)[0])
        except SourceError:
            continue
    return out


def test_generated_documents_take_the_fast_path_and_agree(generated: Path):
    docs = blocks(generated)
    assert len(docs) == 300
    assert all(check(block) for block in docs)


def test_samples_and_seeds_agree(samples: Path):
    docs = blocks(samples) + blocks(SEEDS)
    answered = sum(check(block) for block in docs)
    assert answered >= 0.9 * len(docs), f"only {answered} of {len(docs)} took the fast path"


ODD = [
    "a: yes\nb: No\nc: ON\nd: off\ne: y\nf: n\ng: TRUE\nh: False\n",  # only true/false are booleans here
    "a: ~\nb: null\nc: NULL\nd:\ne: Null\n",
    "a: 0o17\nb: 017\nc: 0x1F\nd: 0b101\ne: 1_000\nf: 1:30\ng: +5\nh: -0\ni: 007\n",
    "a: 1.5\nb: .inf\nc: -.Inf\nd: .nan\ne: 1e3\nf: 6.8523015e+5\ng: 1.\n",
    "a: 2021-12-15\nb: 2021-12-15T08:27:00Z\nc: 2021-12-15 08:27:00 +02:00\nd: 2021-12-15T08:27:00.5-05:30\n",
    "a: 2021-13-45T99:99:99Z\n",
    "a: 2021-02-31T08:00:00Z\nb: 2021-02-31\nc: 0000-01-01\n",  # dates that cannot exist stay text
    "a: 9999-12-31\nb: 0000-01-01\n",
    'a: "tab\\tnew\\nline \\u00e9 \\x41 \\U0001F600 \\/ \\" \\\\ \\0 \\N \\_ \\L \\P \\e \\ "\n',
    'a: "\\ud83d\\ude00"\nb: "\\q"\n',
    'a: "\\ud83d\\ude00 \\udc00"\n',
    "a: 'it''s'\nb: ''\nc: '#not a comment'\n",
    "a: b # comment\n",
    "a: b#not-a-comment\nurl: https://x.example/#!/a?b=c:d\n",
    "a: [1, 2]\nb: {c: d}\n",
    "a: |\n  block\n  text\nb: >\n  folded\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\nb: !!binary aGk=\n",
    "<<: {a: 1}\nb: 2\n",
    "a: 1\na: 2\n",
    "a: plain\n  continued\n",
    "a:\n  - 1\n  -\n  - - 2\n    - 3\n  - x: 1\n    y: 2\nb: 3\n",
    "a:\n- 1\n- 2\nb:\n-\n",
    "  a: 1\n  b: 2\n",
    "a: 1\n b: 2\n",
    "a:\n    b: 1\n  c: 2\n",
    "a: 1\n- 2\n",
    "- 1\n- 2\n",
    "just text\n",
    "",
    "# only a comment\n",
    "a: b: c\n",
    "a: 'unterminated\n",
    'a: "unterminated\n',
    "a:\tb\n",
    "a: b\r\nc: d\r\n",
    "a: b\x85c: d\n",
    "a: b\u2028c\n",
    "\ufeffa: 1\n",
    "a: \x07bell\n",
    "yes: 1\n",
    "null: 1\n",
    "1: one\n",
    "a b: 1\n",
    '"a": 1\n',
    "a : 1\n",
    "? a\n: 1\n",
    "a: -\nb: - x\nc: -x\nd: ?x\ne: :x\n",
    "a: ,x\nb: %x\nc: @x\nd: `x\n",
    "a: =\nb: <<\n",
    "a: " + "9" * 5000 + "\n",
    "a: 1  \nb:   two   \n\n\nc: 3\n",
    "a:\n  # a comment\n  b: 1\n",
    "a: -1\nb: -1.5\nc: --1\n",
    "a: 'x' trailing\n",
    'a: "x" trailing\n',
    "a: Zürich 北京 naïve\nb: “quoted”\n",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_documents(text: str):
    check(text)


def test_odd_documents_mostly_go_to_pyyaml():
    answered = [t for t in ODD if _fastyaml.load(t) is not None]
    assert 5 <= len(answered) < len(ODD) // 2


_TRICKY = [
    ":", ": ", "#", " #", "-", "- ", " ", "  ", "\t", "'", '"', "\\", "[", "]", "{", "}", ",", "&", "*", "!", "|",
    ">", "\n", "\n  ", "%", "@", "`", "?", "~", "\u2028", "\x85", "\ufeff", "\r", "yes", "no", "null", "0x1F",
    "1_000", "2021-13-45", ".inf", "<<", "=", "\\u00", "\\x4", "é", "0o7", "12:30", "1e3", "0.", "-1",
]  # fmt: skip


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    kind = rng.randrange(6)
    if kind == 0:  # insert something odd
        line = lines[i]
        j = rng.randrange(len(line) + 1)
        lines[i] = line[:j] + rng.choice(_TRICKY) + line[j:]
    elif kind == 1:  # delete a character
        line = lines[i]
        if line:
            j = rng.randrange(len(line))
            lines[i] = line[:j] + line[j + 1 :]
    elif kind == 2:  # re-indent a line
        lines[i] = " " * rng.randrange(8) + lines[i].lstrip(" ")
    elif kind == 3:  # duplicate a line
        lines.insert(i, lines[i])
    elif kind == 4:  # swap two lines
        k = rng.randrange(len(lines))
        lines[i], lines[k] = lines[k], lines[i]
    else:  # replace a value with a tricky scalar
        head, sep, _ = lines[i].partition(": ")
        if sep:
            lines[i] = head + sep + rng.choice(_TRICKY + ["'a''b'", '"a\\"b"', "007", "+1", "Yes", "~"])
    return "\n".join(lines)


def test_thousands_of_mutated_documents(generated: Path, samples: Path):
    rng = random.Random(20261122)
    docs = blocks(generated)[:50] + blocks(samples)[:20] + blocks(SEEDS)
    answered = total = 0
    for doc in docs:
        text = doc
        for _ in range(40):
            text = mutate(text, rng) if rng.random() < 0.7 else mutate(doc, rng)
            answered += check(text)
            total += 1
    assert total >= 2500
    assert answered >= total // 10, f"the fast path answered only {answered} of {total}"


def test_parse_document_is_the_same_either_way(generated: Path, samples: Path, monkeypatch: pytest.MonkeyPatch):
    paths = sorted(p for p in generated.iterdir())[:50] + sorted(p for p in samples.rglob("*.md"))
    raws = [(p.read_bytes(), p.name) for p in paths]
    rng = random.Random(5)
    raws += [(mutate(raw.decode(), rng).encode(), f"m{i}.md") for i, (raw, _) in enumerate(raws[:80])]
    fast = [parse_document(raw, name) for raw, name in raws]
    monkeypatch.setattr(_fastyaml, "ENABLED", False)
    slow = [parse_document(raw, name) for raw, name in raws]
    for a, b in zip(fast, slow, strict=True):
        assert same(a.data, b.data), a.source
        assert [str(d) for d in a.diagnostics] == [str(d) for d in b.diagnostics], a.source


def test_exports_do_not_depend_on_the_parser(generated: Path, samples: Path, tmp_path: Path, monkeypatch):
    folders = [generated, samples, SEEDS]
    fast = graph.build(folders, workers=1)
    fast.write(tmp_path / "fast", ["ttl", "nt", "nq"])
    monkeypatch.setattr(_fastyaml, "ENABLED", False)
    slow = graph.build(folders, workers=1)
    slow.write(tmp_path / "slow", ["ttl", "nt", "nq"])
    for name in ("graph.ttl", "graph.nt", "graph.nq"):
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "slow" / name).read_bytes(), name
