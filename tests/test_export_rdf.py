"""The RDF export follows the graph contract (README.md), parses in pyoxigraph, is byte-stable."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD

from kg.export.rdf import (
    ENTITY_CLASSES,
    KG,
    KGR,
    ONTOLOGY_PATH,
    PREFIXES,
    iri_path,
    resource,
    to_ntriples,
    to_rdf,
    write_turtle,
)
from kg.graph import build_graph
from kg.records import Article, Dataset, Entity, Fact, Source

ROOT = Path(__file__).resolve().parent.parent
DOC = "000_3b686d864aefadfd.txt"
DATED = Article(DOC, 4, "我市举办庆祝第25个中国记者节活动", "…", 9120, 9874, date="2024-11-08")
UNDATED = Article(DOC, 0, "侯营镇棉服产业", "…", 0, 800)
S_DATED = Source(DATED.id, "当天下午,市委书记李长萍到市新闻传媒中心走访调研。")
S_UNDATED = Source(UNDATED.id, "东昌府区侯营镇云海制衣加工车间,李长萍书记察看生产。")

NASTY = [
    "a b",
    'q"uote',
    "<script>",
    "100%",
    "C#",
    "what?",
    "line\nbreak",
    "tab\tstop",
    "ctl\x01char",
    "wide\u3000space",
    "nb\u00a0sp",
    "smile😀",
    "José Müller",
    "{a}|b\\c^d`e",
    "x:y@z",
    "a(b);c=d",
    "-lead",
    ".dot",
    "end.",
    "3×4",
]


def sample_graph():
    entities = [
        Entity("person/李长萍", "PERSON", "李长萍", {"李长萍", "长萍"}, [S_DATED, S_UNDATED]),
        Entity("gov/聊城市委", "GOV", "聊城市委", {"市委"}, [S_DATED]),
        Entity("company/云海制衣", "COMPANY", "云海制衣", set(), [S_UNDATED]),
        Entity("org/聊城大学", "ORG", "聊城大学", set(), [S_UNDATED]),
        Entity("place/侯营镇", "PLACE", "侯营镇", set(), [S_UNDATED]),
        Entity("project/棉服产业园", "PROJECT", "侯营棉服加工产业园", set(), [S_UNDATED]),
        Entity("industry/棉服", "INDUSTRY", "棉服", set(), [S_UNDATED]),
        Entity("person/王明", "PERSON", "王明", set(), [S_UNDATED]),
    ]
    facts = [
        Fact("holds_role", "person/李长萍", "gov/聊城市委", "书记", sources=[S_DATED, S_UNDATED]),
        Fact("holds_role", "person/王明", "company/云海制衣", "总经理", sources=[S_UNDATED]),
        Fact("located_in", "company/云海制衣", "place/侯营镇", sources=[S_UNDATED]),
        Fact("in_industry", "company/云海制衣", "industry/棉服", sources=[S_UNDATED]),
        Fact(
            "invests_in",
            "company/云海制衣",
            "project/棉服产业园",
            amount_yuan=1.5e9,
            sources=[S_UNDATED],
        ),
    ]
    return build_graph([DATED, UNDATED], entities, facts)


def nasty_graph():
    entities = [Entity("company/云海制衣", "COMPANY", "云海制衣", set(), [S_UNDATED])]
    entities += [Entity(f"person/{n}", "PERSON", n, {f"{n} 别名"}, [S_UNDATED]) for n in NASTY]
    facts = [
        Fact("holds_role", f"person/{n}", "company/云海制衣", f"{n}经理", sources=[S_UNDATED])
        for n in NASTY
    ]
    return build_graph([UNDATED], entities, facts)


def article(index: int) -> URIRef:
    return URIRef(f"https://w3id.org/kg-zh/id/article/{DOC}/{index}")


def said(rdf: Graph, subject: URIRef) -> set[tuple[URIRef, str]]:
    """(article, sentence) of each kg:mention of a subject: which article gave which sentence."""
    return {
        (rdf.value(mention, PROV.wasDerivedFrom), str(rdf.value(mention, KG.evidence)))
        for mention in rdf.objects(subject, KG.mention)
    }


def sha16(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@pytest.fixture(scope="module")
def rdf() -> Graph:
    return to_rdf(sample_graph())


def test_entities_have_type_labels_and_official(rdf):
    person = resource("person/李长萍")
    assert person == URIRef("https://w3id.org/kg-zh/id/person/李长萍")
    assert set(rdf.objects(person, RDF.type)) == {KG.Person, KG.Official}
    assert set(rdf.objects(resource("person/王明"), RDF.type)) == {KG.Person}
    assert list(rdf.objects(person, RDFS.label)) == [Literal("李长萍", lang="zh")]
    assert list(rdf.objects(person, SKOS.altLabel)) == [Literal("长萍", lang="zh")]
    for kind, cls in ENTITY_CLASSES.items():
        assert len(set(rdf.subjects(RDF.type, cls))) == 2 if kind == "PERSON" else 1


def test_membership(rdf):
    membership = KGR[f"membership/{sha16('person/李长萍|书记|gov/聊城市委')}"]
    assert (membership, RDF.type, ORG.Membership) in rdf
    assert (membership, ORG.member, resource("person/李长萍")) in rdf
    assert (membership, ORG.organization, resource("gov/聊城市委")) in rdf
    role = resource("role/书记")
    assert (membership, ORG.role, role) in rdf
    assert (role, RDF.type, ORG.Role) in rdf
    assert (role, RDFS.label, Literal("书记", lang="zh")) in rdf
    assert set(rdf.objects(membership, PROV.wasDerivedFrom)) == {article(0), article(4)}
    assert said(rdf, membership) == {
        (article(4), S_DATED.sentence),
        (article(0), S_UNDATED.sentence),
    }
    assert rdf.value(membership, KG.evidence) is None
    assert list(rdf.objects(membership, DCTERMS.date)) == [Literal("2024-11-08", datatype=XSD.date)]


def span(rdf: Graph, membership: URIRef) -> tuple[Literal, Literal] | None:
    """The first and last date of a post's ``org:memberDuring`` interval, or None."""
    interval = rdf.value(membership, ORG.memberDuring)
    if interval is None:
        return None
    assert (interval, RDF.type, TIME.Interval) in rdf
    assert interval == URIRef(f"{membership}/interval")
    ends = [rdf.value(interval, p) for p in (TIME.hasBeginning, TIME.hasEnd)]
    assert all((end, RDF.type, TIME.Instant) in rdf for end in ends)
    return tuple(rdf.value(end, TIME.inXSDDate) for end in ends)


def test_a_post_spans_the_dates_it_was_read_on():
    """First and last date of the dated articles; one date: beginning = end; undated: none."""
    later = Article(DOC, 7, "市委常委会召开会议", "…", 12000, 12500, date="2025-01-02")
    s_later = Source(later.id, "市委书记李长萍主持会议。")
    entities = [
        Entity("person/李长萍", "PERSON", "李长萍", set(), [S_DATED, s_later]),
        Entity("gov/聊城市委", "GOV", "聊城市委", set(), [S_DATED]),
        Entity("person/王明", "PERSON", "王明", set(), [S_UNDATED]),
        Entity("company/云海制衣", "COMPANY", "云海制衣", set(), [S_UNDATED]),
    ]
    sources = [s_later, S_UNDATED, S_DATED]
    facts = [
        Fact("holds_role", "person/李长萍", "gov/聊城市委", "书记", sources=sources),
        Fact("holds_role", "person/李长萍", "gov/聊城市委", "常委", sources=[S_DATED]),
        Fact("holds_role", "person/王明", "company/云海制衣", "总经理", sources=[S_UNDATED]),
    ]
    rdf = to_rdf(build_graph([DATED, UNDATED, later], entities, facts))
    post = {
        role: KGR[f"membership/{sha16(key)}"]
        for role, key in (
            ("书记", "person/李长萍|书记|gov/聊城市委"),
            ("常委", "person/李长萍|常委|gov/聊城市委"),
            ("总经理", "person/王明|总经理|company/云海制衣"),
        )
    }
    day = {d: Literal(d, datatype=XSD.date) for d in ("2024-11-08", "2025-01-02")}
    assert span(rdf, post["书记"]) == (day["2024-11-08"], day["2025-01-02"])
    assert len(set(rdf.objects(post["书记"], DCTERMS.date))) == 2
    assert span(rdf, post["常委"]) == (day["2024-11-08"], day["2024-11-08"])
    assert span(rdf, post["总经理"]) is None
    assert set(rdf.subjects(RDF.type, TIME.Instant)) == {
        resource("instant/2024-11-08"),
        resource("instant/2025-01-02"),
    }


def test_binary_relations_are_triples_with_reified_provenance(rdf):
    company, place = resource("company/云海制衣"), resource("place/侯营镇")
    assert (company, KG.locatedIn, place) in rdf
    statement = KGR[f"statement/{sha16('located_in|company/云海制衣|place/侯营镇')}"]
    assert (statement, RDF.type, RDF.Statement) in rdf
    assert (statement, RDF.subject, company) in rdf
    assert (statement, RDF.predicate, KG.locatedIn) in rdf
    assert (statement, RDF.object, place) in rdf
    assert (statement, PROV.wasDerivedFrom, article(0)) in rdf
    assert said(rdf, statement) == {(article(0), S_UNDATED.sentence)}
    assert (company, KG.inIndustry, resource("industry/棉服")) in rdf
    assert not list(rdf.subject_objects(KG.holdsRole))


def test_investment_amount_is_a_decimal(rdf):
    (statement,) = rdf.subjects(RDF.predicate, KG.investsIn)
    (amount,) = rdf.objects(statement, KG.investmentYuan)
    assert amount.datatype == XSD.decimal
    assert amount.toPython() == Decimal(1500000000)


def test_mentions_and_articles(rdf):
    person = resource("person/李长萍")
    assert set(rdf.objects(person, PROV.wasDerivedFrom)) == {article(0), article(4)}
    mentions = set(rdf.objects(person, KG.mention))
    assert len(mentions) == 2
    for mention in mentions:
        assert (mention, RDF.type, KG.Mention) in rdf
        assert len(list(rdf.objects(mention, PROV.wasDerivedFrom))) == 1
        assert len(list(rdf.objects(mention, KG.evidence))) == 1
    dated = article(4)
    assert (dated, RDF.type, KG.Article) in rdf
    assert (dated, DCTERMS.title, Literal(DATED.title, lang="zh")) in rdf
    assert (dated, KG.sourceFile, Literal(DOC)) in rdf
    assert (dated, KG.articleIndex, Literal(4)) in rdf
    assert (dated, KG.startOffset, Literal(9120)) in rdf
    assert (dated, KG.endOffset, Literal(9874)) in rdf
    assert (dated, DCTERMS.date, Literal("2024-11-08", datatype=XSD.date)) in rdf
    assert not list(rdf.objects(article(0), DCTERMS.date))


def test_prefixes_are_bound(rdf):
    bound = {prefix: str(namespace) for prefix, namespace in rdf.namespaces()}
    assert bound == PREFIXES


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("person/李长萍", "person/李长萍"),
        ("a b", "a%20b"),
        ("100%", "100%25"),
        ("C#?", "C%23%3F"),
        ('<"x">', "%3C%22x%22%3E"),
        ("{|}\\^`", "%7B%7C%7D%5C%5E%60"),
        ("x:y@z", "x%3Ay%40z"),
        ("a-b_c.d~e!$&'()*+,;=", "a-b_c.d~e!$&'()*+,;="),
        ("line\nbreak\t", "line%0Abreak%09"),
        ("\x00\x7f", "%00%7F"),
        ("全角\u3000空格", "全角%E3%80%80空格"),
        ("nb\u00a0sp", "nb%C2%A0sp"),
        ("zero\u200bwidth", "zero%E2%80%8Bwidth"),
        ("smile😀", "smile😀"),
        ("José", "José"),
    ],
)
def test_iri_path(text, encoded):
    assert iri_path(text) == encoded


def test_nasty_names_parse_in_pyoxigraph(tmp_path):
    path = tmp_path / "graph.ttl"
    write_turtle(nasty_graph(), path)
    triples = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    labels = {
        t.object.value
        for t in triples
        if t.predicate == ox.NamedNode(str(RDFS.label)) and t.object.language == "zh"
    }
    assert set(NASTY) <= labels
    assert {f"{n}经理" for n in NASTY} <= labels
    members = {t.object.value for t in triples if t.predicate.value == str(ORG.member)}
    assert members == {str(resource(f"person/{n}")) for n in NASTY}


def test_write_turtle_is_atomic_and_utf8(tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text("old", encoding="utf-8")
    write_turtle(sample_graph(), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]
    text = path.read_text(encoding="utf-8")
    assert "李长萍" in text and "@prefix kgr:" in text
    assert path.stat().st_mode & 0o777 == 0o644


BUILD_SCRIPT = """
import random, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from kg.export.rdf import write_turtle
from kg.graph import build_graph
from kg.records import Article, Entity, Fact, Source

random.seed(int(sys.argv[3]))
articles = [Article(f"{p:03d}_page.txt", i, f"标题{p}-{i}", "", 0, 10,
                    date="2024-11-08" if i % 2 else None) for p in range(5) for i in range(4)]
sources = [Source(a.id, f"第{n}句。") for n, a in enumerate(articles)]
kinds = ["PERSON", "GOV", "COMPANY", "ORG", "PLACE", "PROJECT", "INDUSTRY"]
entities = [Entity(f"{kinds[n % 7].lower()}/名{n}", kinds[n % 7], f"名{n}",
                   {f"别名{n}", f"又名{n}"}, random.sample(sources, 3)) for n in range(300)]
facts = [Fact("holds_role", f"person/名{n}", f"gov/名{n % 5 * 7 + 1}", f"职{n % 5}",
              sources=random.sample(sources, 2)) for n in range(0, 300, 7)]
facts += [Fact("located_in", f"company/名{n}", f"place/名{n % 5 * 7 + 4}", sources=sources[:2])
          for n in range(2, 300, 7)]
facts += [Fact("invests_in", f"company/名{n}", f"project/名{n % 5 * 7 + 5}", amount_yuan=n * 1e6,
               sources=sources[3:4]) for n in range(2, 300, 7)]
random.shuffle(articles); random.shuffle(entities); random.shuffle(facts)
write_turtle(build_graph(articles, entities, facts), Path(sys.argv[2]))
"""


def test_output_is_byte_stable(tmp_path):
    outputs = []
    for seed, hash_seed in (("1", "1"), ("1", "2"), ("1", "random")):
        path = tmp_path / f"graph-{hash_seed}.ttl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [sys.executable, "-c", BUILD_SCRIPT, str(ROOT), str(path), seed], check=True, env=env
        )
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(list(ox.parse(outputs[0], format=ox.RdfFormat.TURTLE))) > 3000


def test_ontology_is_in_the_export_and_documents_every_term(rdf):
    ontology = Graph().parse(ONTOLOGY_PATH, format="turtle")
    assert all(triple in rdf for triple in ontology)
    terms = {s for s in ontology.subjects() if str(s).startswith(str(KG))}
    used = {node for triple in rdf for node in triple if str(node).startswith(str(KG))}
    assert used <= terms
    for term in terms:
        for predicate in (RDFS.label, RDFS.comment):
            languages = {value.language for value in ontology.objects(term, predicate)}
            assert languages == {"zh", "en"}, (term, predicate)
    mapping = {
        KG.Person: SDO.Person,
        KG.GovernmentBody: SDO.GovernmentOrganization,
        KG.Company: SDO.Corporation,
        KG.Organization: SDO.Organization,
        KG.Place: SDO.Place,
        KG.Project: SDO.Project,
        KG.Industry: SDO.DefinedTerm,
        KG.Article: SDO.NewsArticle,
    }
    for cls, schema_class in mapping.items():
        assert (cls, RDFS.subClassOf, schema_class) in ontology
    assert (KG.Official, RDFS.subClassOf, KG.Person) in ontology
    assert (KG.investmentYuan, RDFS.range, XSD.decimal) in ontology
    assert (None, RDF.type, OWL.Ontology) in ontology


def test_facts_taken_from_the_division_data_say_so():
    """A parent place and a part_of link from the division tree derive from a kg:Dataset,
    with no evidence sentence; a fact the text states keeps its article."""
    data = Dataset("gb2260", "GB/T 2260 行政区划", "1.5.31")
    town = Entity("place/侯营镇", "PLACE", "侯营镇", set(), [S_UNDATED])
    county = Entity("place/东昌府区", "PLACE", "东昌府区", set(), [S_UNDATED])
    city = Entity("place/聊城市", "PLACE", "聊城市", reference=data)
    facts = [
        Fact("part_of", town.id, county.id, sources=[S_UNDATED], reference=data),
        Fact("part_of", county.id, city.id, reference=data),
    ]
    rdf = to_rdf(build_graph([UNDATED], [town, county, city], facts))
    dataset = resource("dataset/gb2260")
    assert (dataset, RDF.type, KG.Dataset) in rdf
    assert (dataset, DCTERMS.hasVersion, Literal("1.5.31")) in rdf
    assert (resource("place/聊城市"), PROV.wasDerivedFrom, dataset) in rdf
    by_head = {rdf.value(s, RDF.subject): s for s in rdf.subjects(RDF.predicate, KG.partOf)}
    looked_up = by_head[resource("place/东昌府区")]
    assert set(rdf.objects(looked_up, PROV.wasDerivedFrom)) == {dataset}
    assert said(rdf, looked_up) == set()
    read = by_head[resource("place/侯营镇")]
    assert len(set(rdf.objects(read, PROV.wasDerivedFrom))) == 2
    assert said(rdf, read) == {(article(0), S_UNDATED.sentence)}


def test_places_carry_their_division_code():
    place = Entity("place/东昌府区", "PLACE", "东昌府区", set(), [S_UNDATED], code="371502")
    rdf = to_rdf(build_graph([UNDATED], [place], []))
    assert (resource("place/东昌府区"), KG.divisionCode, Literal("371502")) in rdf


def test_each_line_once_though_lines_are_written_a_subject_at_a_time():
    """A sentence read twice for one entity, and a data set that several subjects derive from,
    give their lines once: repeats are dropped within a subject and for the data sets."""
    data = Dataset("gb2260", "GB/T 2260 行政区划", "1.5.31")
    town = Entity("place/侯营镇", "PLACE", "侯营镇", set(), [S_UNDATED, S_UNDATED, S_DATED])
    county = Entity("place/东昌府区", "PLACE", "东昌府区", reference=data)
    city = Entity("place/聊城市", "PLACE", "聊城市", reference=data)
    facts = [
        Fact("part_of", town.id, county.id, sources=[S_UNDATED, S_UNDATED], reference=data),
        Fact("part_of", county.id, city.id, reference=data),
    ]
    lines = to_ntriples(build_graph([UNDATED, DATED], [town, county, city], facts)).splitlines()
    assert len(lines) == len(set(lines))
    dataset = f"<{resource('dataset/gb2260')}>"
    assert sum(line.startswith(dataset.encode()) for line in lines) == 3
    town_iri = f"<{resource('place/侯营镇')}>".encode()
    derived = [line for line in lines if line.startswith(town_iri) and b"wasDerivedFrom" in line]
    assert len(derived) == 2
