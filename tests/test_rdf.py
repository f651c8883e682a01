import datetime as dt
import re
from pathlib import Path

import pyoxigraph
import rdflib
import rdflib.compare
from conftest import ROOT, SEEDS

import graph
from graph.formats import nq, ntriples, turtle
from graph.rdf.mapping import SCHEMA, VOCAB
from graph.read.identity import source_iri
from graph.read.sources import find_sources, read_document
from graph.read.text import clean_text


def test_turtle_parses_in_rdflib_and_pyoxigraph_and_matches_ntriples(tmp_path):
    kg = graph.build(["seeds"])
    kg.write(tmp_path, ["ttl", "nt"])
    ttl = turtle.read(tmp_path / "graph.ttl")
    nt = ntriples.read(tmp_path / "graph.nt")
    assert rdflib.compare.isomorphic(ttl, nt)
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ttl)
    lines = (tmp_path / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)


def test_seeds_rdf_types_and_dates():
    g = graph.build(["seeds"]).rdf
    schema = rdflib.Namespace("https://schema.org/")
    assert len(set(g.subjects(rdflib.RDF.type, schema.NewsArticle))) == 4
    assert len(set(g.subjects(rdflib.RDF.type, rdflib.SKOS.Concept))) == 2
    dates = list(g.objects(None, schema.datePublished))
    assert dates and all(d.datatype == rdflib.XSD.dateTime and d.value.utcoffset().total_seconds() == 0 for d in dates)
    assert not any(isinstance(t, rdflib.BNode) for triple in g for t in triple)


def test_literal_escaping_round_trips(tmp_path):
    from conftest import write_article

    title = 'quote " backslash \\ tab \t nl \n ctl \x01 emoji 😀 e\u0301'
    import json

    write_article(
        tmp_path / "in",
        "a.md",
        f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\nwebUrl: https://a.example/x y\n---\n",
    )
    kg = graph.build([tmp_path / "in"])
    kg.write(tmp_path / "out", ["ttl", "nt"])
    for reader, name in ((turtle.read, "graph.ttl"), (ntriples.read, "graph.nt")):
        g = reader(tmp_path / "out" / name)
        # Text is kept in Unicode NFC (e + U+0301 is é), every other character exactly.
        expected = rdflib.Literal(title.replace("e\u0301", "\u00e9"))
        assert expected in set(g.objects(None, rdflib.URIRef("https://schema.org/headline")))


# -- lossless: every value of every input file reaches the RDF ----------------------------------------------------

S = rdflib.Namespace("https://schema.org/")
NG = rdflib.Namespace(VOCAB)
SKOS = rdflib.SKOS
XSD = rdflib.XSD

# The README's table, written out independently of graph.rdf.mapping: input field → predicate.
EXPECTED = {
    "title": S.headline,
    "excerpt": S.abstract,
    "publishedDateTime": S.datePublished,
    "category": S.articleSection,
    "provider.name": S.name,
    "provider.domain": NG.domain,
    "topics": SKOS.prefLabel,
    "images.url": NG.url,
    "images.width": S.width,
    "images.height": S.height,
    "images.title": S.name,
}


def _leaves(value, path=""):
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _leaves(sub, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path)
    elif value is not None:
        yield path, value


def _field(path: str) -> str:
    """The field a leaf is, wherever it sits: related items are articles, provider logos are images."""
    path = path.removeprefix("related.")
    return path.replace("provider.images.", "images.")


def _predicate(field: str) -> rdflib.URIRef:
    return EXPECTED.get(field) or NG[field.split(".", 1)[1] if field.startswith(("images.", "provider.")) else field]


def _matches(term, value) -> bool:
    if not isinstance(term, rdflib.Literal):
        return False
    if isinstance(value, bool):
        return term.datatype == XSD.boolean and term.toPython() is value
    if isinstance(value, int):
        return term.datatype == XSD.integer and int(term) == value
    if isinstance(value, dt.datetime):
        when = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return term.datatype == XSD.dateTime and term.toPython() == when
    if isinstance(value, str) and term.datatype == XSD.dateTime:  # JSON has no dates: a date as text
        try:
            return term.toPython() == dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
    # Text as written, or as a browser shows it (character references decoded, NFC) where it is prose;
    # topic labels and provider names are kept without surrounding white space.
    shown = clean_text(str(value))
    return term.datatype is None and str(term) in (str(value), str(value).strip(), shown, shown.strip())


def _dataset(paths, tmp_path: Path):
    kg = graph.build(paths)
    nq.write(kg, tmp_path / "graph.nq")
    return kg, nq.read(tmp_path / "graph.nq")


def _alternative(p: rdflib.URIRef) -> rdflib.URIRef:
    from graph.rdf.terms import alternative

    return rdflib.URIRef(alternative(f"<{p}>")[1:-1])


def test_every_value_of_every_file_is_in_its_named_graph_and_in_the_merged_graph(tmp_path: Path, samples: Path):
    paths = [SEEDS, samples]
    kg, ds = _dataset(paths, tmp_path)
    merged = kg.rdf
    base = kg.corpus.base
    checked = disagreed = 0
    became = {f.source: f.kind for f in kg.corpus.files}
    for source in find_sources(paths):
        doc = ds.graph(rdflib.URIRef(source_iri(source.name, base)))
        assert len(doc) > 0, source.name
        # Article files, and JSON pages whose items are articles mapped exactly alike; a site's taxonomy,
        # organizations and collection items are mapped otherwise (tests/test_site.py), skipped files not at all.
        if became[source.name] not in ("article", "page"):
            continue
        data = read_document(source).data
        items = data["value"] if became[source.name] == "page" else [data]
        for path, value in (leaf for item in items for leaf in _leaves(item)):
            p = _predicate(_field(path))
            subjects = {s for s, o in doc.subject_objects(p) if _matches(o, value)}
            checked += 1
            if subjects:
                assert any(_matches(o, value) for s in subjects for o in merged.objects(s, p)), (source.name, path)
                continue
            # Not under its predicate: only because another file said otherwise and that value won; this one
            # is under the predicate's alternative, in its own graph and in the merged graph.
            alt = _alternative(p)
            subjects = {s for s, o in doc.subject_objects(alt) if _matches(o, value)}
            assert subjects, f"{source.name}: {path} = {value!r} is not in its named graph as {p} or {alt}"
            disagreed += 1
            for s in subjects:
                assert any(_matches(o, value) for o in merged.objects(s, alt)), (source.name, path, value)
                assert not any(_matches(o, value) for o in merged.objects(s, p)), (source.name, path, value)
                assert set(merged.objects(s, p)), (source.name, path, value)  # the winner
    assert checked > 5000 and 0 < disagreed < checked / 50  # the samples do disagree, here and there


def test_flattened_dataset_is_the_merged_graph(tmp_path: Path, samples: Path):
    for paths in ([SEEDS], [SEEDS, samples]):
        kg, ds = _dataset(paths, tmp_path)
        flat = {t[:3] for t in ds.quads((None, None, None, None))}
        assert flat == set(kg.rdf)
        assert len(ds.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)) == 0


def test_typed_literals_and_values_that_do_not_fit_their_type(tmp_path: Path):
    from conftest import write_article

    write_article(
        tmp_path,
        "a.md",
        "---\nwebUrl: https://a.example/1\npublishedDateTime: 2021-12-15T10:27:00+02:00\nquality: 5\n"
        "published: true\nimages:\n  - url: https://a.example/i.jpg\n    width: wide\n    height: 10\n"
        "related:\n  - webUrl: https://b.example/2\n    publishedDateTime: last tuesday\n---\n",
    )
    kg = graph.build([tmp_path])
    g = kg.rdf
    a, b = rdflib.URIRef(kg.corpus.files[0].articles[0].iri), rdflib.URIRef(kg.corpus.files[0].articles[1].iri)
    assert set(g.objects(a, S.datePublished)) == {rdflib.Literal("2021-12-15T08:27:00Z", datatype=XSD.dateTime)}
    assert set(g.objects(a, NG.quality)) == {rdflib.Literal("5", datatype=XSD.integer)}
    assert set(g.objects(a, NG.published)) == {rdflib.Literal("true", datatype=XSD.boolean)}
    image = next(g.objects(a, S.image))
    assert set(g.objects(image, S.width)) == {rdflib.Literal("wide")}  # kept, as a plain literal
    assert set(g.objects(image, S.height)) == {rdflib.Literal("10", datatype=XSD.integer)}
    assert set(g.objects(b, S.datePublished)) == {rdflib.Literal("last tuesday")}
    messages = [d.message for d in kg.corpus.diagnostics]
    assert any("width" in m and "kept as text" in m for m in messages)
    assert any("publishedDateTime" in m and "kept as text" in m for m in messages)


def test_drop_leaves_out_top_level_and_nested_keys():
    kg = graph.build(["seeds"], drop=["secured", "images.isCached"])
    predicates = set(kg.rdf.predicates())
    assert NG.secured not in predicates and NG.isCached not in predicates
    assert NG.quality in predicates and S.width in predicates
    assert NG.isCached in set(graph.build(["seeds"]).rdf.predicates())


def _readme_terms() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### The mapping") :]
    section = section[: section.index("\n## ")] if "\n## " in section else section
    curies = set(re.findall(r"`((?:schema|skos|dcterms|prov|rdf|rdfs|ng):[A-Za-z][\w.:]*)`", section))
    prefixes = graph.rdf.mapping.PREFIXES
    return {prefixes[c.split(":")[0]] + c.split(":", 1)[1] for c in curies}


def alternative_of(predicate: str) -> str | None:
    from graph.rdf.terms import alternative_of as of

    return of(predicate)


def test_every_predicate_the_build_emits_is_in_the_readme_table_or_the_ontology(samples: Path):
    from graph.formats.validate import vocabulary

    documented = _readme_terms() | {str(s) for s in vocabulary().subjects(rdflib.RDF.type, None)}
    emitted = {str(p) for p in graph.build([SEEDS, samples]).rdf.predicates()}
    # A value that lost where files disagree is under its predicate's alternative term (the README's rule).
    lost = {p for p in emitted if alternative_of(p) is not None and p not in documented}
    assert emitted - lost - documented == set()
    assert {alternative_of(p) for p in lost} <= documented
    assert {f"{SCHEMA}alternativeHeadline", f"{VOCAB}alternative:ng:quality"} <= emitted
    assert f"{SCHEMA}alternativeHeadline" in _readme_terms() and f"{VOCAB}alternative:P" in _readme_terms()
    assert {str(v) for v in graph.rdf.mapping.FIELD_PREDICATES.values()} <= _readme_terms()


def test_the_ontology_describes_every_project_term_it_names():
    from graph.formats.validate import vocabulary

    onto = vocabulary()
    terms = [t for t in onto.subjects(rdflib.RDF.type, None) if str(t).startswith(VOCAB) and str(t) != VOCAB]
    assert len(terms) >= 13
    for term in terms:
        for p in (rdflib.RDFS.label, rdflib.RDFS.comment, rdflib.RDFS.domain, rdflib.RDFS.range):
            assert onto.value(term, p) is not None, (term, p)
    for name in ("quality", "heat", "published", "isCached", "ampWebUrl", "cdnAmpWebUrl", "featuredContent", "secured"):
        assert NG[name] in terms


def test_vocabulary_namespace_does_not_follow_base():
    g = graph.build(["seeds"], base="https://data.example.org/news/").rdf
    assert NG.quality in set(g.predicates())
    assert all(str(s).startswith("https://data.example.org/news/") for s in g.subjects())


def test_line_separators_in_text_and_urls_do_not_break_ntriples_readers(tmp_path: Path):
    from conftest import write_article

    write_article(tmp_path / "in", "a.md", '---\nwebUrl: "https://a.example/\\u20280"\ntitle: "a\\u2028b\\x85c"\n---\n')
    kg = graph.build([tmp_path / "in"])
    kg.write(tmp_path, ["nt", "nq"])
    assert len(ntriples.read(tmp_path / "graph.nt")) == len(kg.rdf) > 0
    assert rdflib.Literal("a\u2028b\x85c") in set(kg.rdf.objects(None, S.headline))
    assert len(list(pyoxigraph.parse(path=str(tmp_path / "graph.nq"), format=pyoxigraph.RdfFormat.N_QUADS))) > 0


def test_dates_before_the_year_1000_have_four_digit_years():
    from graph.rdf.mapping import literal

    assert literal(dt.datetime(219, 7, 9, tzinfo=dt.UTC)) == f'"0219-07-09T00:00:00Z"^^<{XSD}dateTime>'


def test_where_files_disagree_each_graph_keeps_its_own_and_the_merged_graph_the_winner(tmp_path: Path):
    from conftest import write_article

    write_article(tmp_path / "in", "full.md", "---\nwebUrl: https://a.example/1\ntitle: The real title\n---\n")
    write_article(
        tmp_path / "in",
        "other.md",
        "---\nwebUrl: https://b.example/2\nrelated:\n  - {webUrl: 'https://a.example/1', title: A stub title}\n---\n",
    )
    kg, ds = _dataset([tmp_path / "in"], tmp_path)
    article = rdflib.URIRef(kg.corpus.files[0].articles[0].iri)
    assert set(kg.rdf.objects(article, S.headline)) == {rdflib.Literal("The real title")}
    assert set(kg.rdf.objects(article, S.alternativeHeadline)) == {rdflib.Literal("A stub title")}
    full, other = (ds.graph(rdflib.URIRef(source_iri(n))) for n in ("full.md", "other.md"))
    assert set(full.objects(article, S.headline)) == {rdflib.Literal("The real title")}
    assert set(other.objects(article, S.headline)) == set()
    assert set(other.objects(article, S.alternativeHeadline)) == {rdflib.Literal("A stub title")}
    assert graph.load(tmp_path / "graph.nq").nx.nodes[str(article)]["label"] == "The real title"


def test_one_iri_described_by_records_of_two_kinds_is_one_block_whatever_the_slices():
    """Entries of one node stay together: a slice never cuts a node's records apart."""
    from graph.model.merge import Corpus
    from graph.rdf.mapping import SCHEMA, balanced_cuts, block_entries, merged_blocks
    from graph.read.records import Article, Provider

    urls = [f"https://x.example/{i}" for i in range(6)]
    corpus = Corpus(
        articles={url: Article(url, url) for url in urls},
        providers={"https://x.example/3": Provider("https://x.example/3", "x.example", "X")},
    )
    blocks = list(merged_blocks(corpus))
    node = [pairs for subject, pairs in blocks if subject == "<https://x.example/3>"]
    assert len(node) == 1 and {o for p, o in node[0] if p.endswith("#type>")} >= {
        f"<{SCHEMA}NewsArticle>",
        f"<{SCHEMA}Organization>",
    }
    entries = block_entries(corpus)
    for n in range(1, 9):
        cuts = balanced_cuts(entries, n)
        assert all(not (entries[c - 1][0] == entries[c][0]) for c in cuts if 0 < c < len(entries)), n
        assert [b for i in range(n) for b in merged_blocks(corpus, (i, n))] == blocks
