"""The ``kg`` command line: build, query, diff, evaluate, view, timeline."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click

from kg.export import HTML_MAX_NODES
from kg.records import ENTITY_TYPES, RELATION_TYPES

EXIT_SKIPPED = 1
THREADS = "Requests kg serve answers at once (they share the store); others wait in line."
"""The help of ``kg serve --threads``."""


def _pipeline_dir(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A --model folder must be a saved spaCy pipeline, not a folder that merely exists."""
    if value is not None and not (value / "config.cfg").is_file():
        raise click.BadParameter(f"{value} is no spaCy pipeline (it has no config.cfg)")
    return value


model_option = click.option(
    "--model",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    callback=_pipeline_dir,
    help="A spaCy pipeline directory (default: models/zh_kg when present, else rules only).",
)
corpora_option = click.option(
    "--corpora",
    "corpora_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared/corpora"),
    show_default=True,
    help="The public corpora (CLUENER2020, MSRA, Resume, People's Daily).",
)
shared_option = click.option(
    "--shared",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The shared/ folder with annotation/exclude (default: ../shared beside the repo).",
)


def format_option(formats: tuple[str, ...], help_text: str) -> Callable[[Callable], Callable]:
    """The ``--format`` option (parameter ``fmt``) of a command; the first format is the
    default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        default=formats[0],
        show_default=True,
        help=help_text,
    )


def output_file_option(help_text: str) -> Callable[[Callable], Callable]:
    """The ``-o/--output FILE`` option of a command that writes one file (default: none)."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=help_text,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """Chinese local news -> named entities -> a knowledge graph (RDF Turtle, HTML, SPARQL).

    \b
    Example:
      kg build seeds/ -o outputs/
      kg query outputs/graph.ttl 'SELECT (COUNT(*) AS ?n) WHERE { ?m a org:Membership }'
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("outputs"),
    show_default=True,
    help="Folder for graph.ttl, graph.html and graph.store (the index of kg query).",
)
@click.option(
    "--home-city",
    default="聊城市",
    show_default=True,
    help="The region the newspaper belongs to (a city, a county such as 冠县, or a former "
    "division such as 胶南市): 我市, 市委, 市政府 (县委, 县政府 in a county paper) resolve to it.",
)
@click.option(
    "--html-max-nodes",
    type=click.IntRange(min=0),
    default=HTML_MAX_NODES,
    show_default=True,
    help="Show only the N most connected entities in graph.html (0: all); the page says so "
    "when it leaves some out.",
)
@model_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes that read pages in parallel (with --engine dask and no "
    "--scheduler: the local Dask workers).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read every page again; do not use or update the build cache (DIR/.kg-cache).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    help="Read pages in a local process pool (local, the default) or as Dask tasks (dask; "
    "pip install -e '.[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="With --engine dask: the scheduler of a running Dask cluster (tcp://HOST:8786) "
    "instead of a local cluster of --jobs workers.",
)
def build(
    paths: tuple[Path, ...],
    out_dir: Path,
    home_city: str,
    html_max_nodes: int,
    model: Path | None,
    jobs: int,
    no_cache: bool,
    engine: str,
    scheduler: str | None,
) -> None:
    """Read newspaper pages (.txt files or folders of them; default seeds/) and write the
    graph as Turtle and as an offline HTML network.

    Pages may be UTF-8, GBK or Big5; a page in traditional characters is read in simplified
    ones. A file that cannot be read is reported on stderr and skipped; the build goes on and
    exits with status 1. What each page gave is cached in DIR/.kg-cache by the page's
    content, so that a rebuild after adding pages reads only the new ones. On a terminal,
    a long build shows its progress on stderr.

    \b
    Example:
      kg build seeds/ -o outputs/ --home-city 聊城市
      kg build archive/ -o archive-graph/ --jobs 2
      kg build archive-2008/ -o graph-2008/ --home-city 胶南市
      kg build archive/ -o archive-graph/ --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from kg.build import BuildError
    from kg.build import build as run_build
    from kg.gazetteer import FormerDivision, gazetteer

    if scheduler is not None and engine != "dask":
        raise click.BadParameter("needs --engine dask", param_hint="--scheduler")
    try:
        home = gazetteer().region(home_city)
    except KeyError:
        raise click.BadParameter(
            f"{home_city!r} is not a Chinese province, city or county", param_hint="--home-city"
        ) from None
    if isinstance(home, FormerDivision):
        click.echo(f"note: --home-city is a former division: {home.summary()}", err=True)
    elif not gazetteer().knows(home_city):
        similar = gazetteer().similar(home_city)
        guess = (
            f"did you mean {' or '.join(similar)}?"
            if 0 < len(similar) <= 3
            else "a former division?"
        )
        click.echo(
            f"warning: --home-city {home_city} is not in the division data ({guess}): "
            "built as a region of its own, without a code or parent",
            err=True,
        )
    try:
        result = run_build(
            paths or (Path("seeds"),),
            out_dir,
            home_city,
            html_max_nodes=html_max_nodes or None,
            model=model,
            jobs=jobs,
            use_cache=not no_cache,
            progress=sys.stderr.isatty(),
            engine=engine,
            scheduler=scheduler,
        )
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    for problem in result.problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(f"pages: {result.pages}{_cached(result.pages, result.pages_read)}")
    untitled = f" ({result.untitled} without a title)" if result.untitled else ""
    click.echo(f"articles: {result.articles}{untitled}")
    click.echo("entities: " + _counts(result.entities, ENTITY_TYPES))
    click.echo("relations: " + _counts(result.relations, RELATION_TYPES))
    for path in result.outputs:
        click.echo(f"wrote {path}")
    if result.problems:
        sys.exit(EXIT_SKIPPED)


def _cached(pages: int, read: int) -> str:
    """What the build cache gave, for the summary line: "" when every page was read."""
    return "" if read == pages else f" ({read} read, {pages - read} from the cache)"


def _counts(counts: dict[str, int], keys: tuple[str, ...]) -> str:
    listed = ", ".join(f"{key} {counts.get(key, 0)}" for key in keys)
    return f"{listed} (total {sum(counts.values())})"


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("query", required=False)
@click.option(
    "--file",
    "query_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the SPARQL query from a file.",
)
@format_option(("table", "csv", "json"), "json is the W3C SPARQL 1.1 JSON results format.")
def query(graph: Path, query: str | None, query_file: Path | None, fmt: str) -> None:
    """Ask a SPARQL question of a built graph (read-only; update queries are refused).

    The prefixes kg, kgr, org, prov, skos, rdfs, rdf, dcterms, schema, xsd, owl and time are
    known without PREFIX lines.

    \b
    Example:
      kg query outputs/graph.ttl 'SELECT ?name ?role ?org WHERE {
        ?m a org:Membership ; org:member/rdfs:label ?name ;
           org:role/rdfs:label ?role ; org:organization/rdfs:label ?org }'
      kg query outputs/graph.ttl --file question.rq --format csv
    """
    from kg.query import QueryError, run_query

    if (query is None) == (query_file is None):
        raise click.UsageError("give a query or --file, not both and not neither")
    text = query if query is not None else query_file.read_text(encoding="utf-8")
    try:
        click.echo(run_query(graph, text, fmt), nl=False)
    except QueryError as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@format_option(
    ("table", "json", "html"),
    "table: plain text by section; json: one object, sorted lists; html: an offline page.",
)
@output_file_option("Write the report to this file (default: stdout).")
@click.option(
    "--before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="DATE",
    help="Also list the posts of NEW last seen (latest article date) before DATE (YYYY-MM-DD).",
)
def diff(old: Path, new: Path, fmt: str, output: Path | None, before: datetime | None) -> None:
    """Say what changed between two builds of a graph: posts, entities and investments that
    NEW adds or drops, new holders of a role, posts whose last date seen moved.

    Things are matched by their ids (person/李长萍). A post that gives a role in an
    organisation to someone other than its holders in OLD is flagged as a new holder.

    \b
    Example:
      kg diff last-week/graph.ttl outputs/graph.ttl
      kg diff old/graph.ttl outputs/graph.ttl --before 2024-06-01 --format html -o diff.html
    """
    from kg.diff import diff_graphs, render
    from kg.export import write_atomic
    from kg.query import QueryError

    try:
        report = diff_graphs(old, new, before.date().isoformat() if before else None)
    except QueryError as error:
        raise click.ClickException(str(error)) from None
    text = render(report, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    click.echo(f"wrote {output}", err=True)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(min=1), default=4, show_default=True, help=THREADS)
def serve(folder: Path, host: str, port: int, threads: int) -> None:
    """Serve the graph of a build (the FOLDER of kg build -o) read-only over the SPARQL 1.1
    Protocol at /sparql, and its graph.html at /, until Ctrl-C.

    Queries come by GET (?query=) or POST (a form, or an application/sparql-query body);
    results in the format of the Accept header (SPARQL JSON by default, XML, CSV, TSV;
    Turtle, N-Triples, RDF/XML or JSON-LD for CONSTRUCT). The prefixes of kg query need no
    PREFIX lines. Updates are refused.

    \b
    Example:
      kg serve outputs/ --port 8000
      curl -H 'Accept: text/csv' http://127.0.0.1:8000/sparql \\
        --data-urlencode 'query=SELECT (COUNT(?m) AS ?n) WHERE { ?m a org:Membership }'
    """
    from kg.serve import ServeError, make_server, open_build

    try:
        endpoint, source = open_build(folder)
        server = make_server(endpoint, host, port, threads)
    except ServeError as error:
        raise click.ClickException(str(error)) from None
    address = f"http://{host}:{port}"
    click.echo(f"serving {folder} ({source}), read-only")
    click.echo(f"SPARQL endpoint: {address}/sparql  page: {address}/  (Ctrl-C stops)")
    server.run()
    click.echo("stopped")


@main.command()
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--graph",
    "graph_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The Turtle file a build wrote.",
)
@click.option(
    "--texts",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Instead of --graph: the folder of the gold docs' texts; each home city of the gold "
    "lines is built on its own (kg build --home-city) and the counts are summed.",
)
@model_option
@click.option("--per-city", is_flag=True, help="With --texts: one line of scores per home city.")
def evaluate(
    gold: tuple[Path, ...],
    graph_path: Path | None,
    texts: Path | None,
    model: Path | None,
    per_city: bool,
) -> None:
    """Score a built graph against gold annotations (JSONL, the format of
    ../shared/annotation/GUIDELINES.md): precision, recall and F1 per entity type and per
    relation type. With --texts, build the gold docs' texts first, one build per home city.

    \b
    Example:
      kg evaluate ../shared/annotation/gold/*.jsonl --graph outputs/graph.ttl
      kg evaluate ../shared/annotation/dev/gold_*.jsonl --texts ../shared/annotation/dev/texts
    """
    from kg.evaluate import EvaluationError, Report, evaluate_many, format_report

    if (graph_path is None) == (texts is None):
        raise click.UsageError("give either --graph or --texts")
    try:
        if graph_path is not None:
            report = evaluate_many(list(gold), graph_path)
        else:
            reports = _evaluate_texts(list(gold), texts, model)
            report = sum(reports.values(), Report.blank())
            if per_city:
                for home, part in reports.items():
                    entities, relations = part.entity_micro, part.relation_micro
                    click.echo(
                        f"{home}: {len(part.docs)} docs, entities F1 {entities.f1:.3f}, "
                        f"relations F1 {relations.f1:.3f}"
                    )
    except EvaluationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(format_report(report), nl=False)


def _evaluate_texts(gold: list[Path], texts: Path, model: Path | None) -> dict:
    """Build each home city's texts in a scratch folder and score it (kg evaluate --texts)."""
    import tempfile

    from kg.build import build as run_build
    from kg.evaluate import evaluate_per_home_city

    def build_graph(pages: list[Path], out_dir: Path, home_city: str) -> Path:
        result = run_build(pages, out_dir, home_city, model=model, use_cache=False)
        for problem in result.problems:
            click.echo(f"skipped: {problem}", err=True)
        return out_dir / "graph.ttl"

    with tempfile.TemporaryDirectory(prefix="kg-evaluate-") as work:
        return evaluate_per_home_city(gold, texts, build_graph, Path(work))


@main.command()
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("models/zh_kg"),
    show_default=True,
    help="Where the trained pipeline goes (replaced if it is a pipeline already).",
)
@corpora_option
@click.option("--small", is_flag=True, help="Two epochs on a tiny slice: a check, not a model.")
@click.option(
    "--max-minutes",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="End training after this long; the best model so far is kept.",
)
@click.option(
    "--segmenter",
    type=click.Choice(["char", "pkuseg"]),
    default="char",
    show_default=True,
    help="Tokens: single characters, or words from a pkuseg model trained on People's Daily.",
)
@click.option(
    "--pkuseg-model",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A pkuseg model folder to use with --segmenter pkuseg (default: train one).",
)
@click.option(
    "--base",
    "base_model",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Skip the first stage: fine-tune this pipeline (one the first stage made).",
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the converted corpora, the filled-in configs and spaCy's runs here.",
)
def train(
    output_dir: Path,
    corpora_dir: Path,
    small: bool,
    max_minutes: float | None,
    segmenter: str,
    pkuseg_model: Path | None,
    base_model: Path | None,
    work_dir: Path | None,
) -> None:
    """Train the pipeline in five stages and save it in OUTPUT: the NER, the name filter
    kg_name_filter (saved again after the NER as kg_project_filter, which judges
    projects), the relation component kg_relations and the industry holder
    kg_industry_holder.

    The public corpora are converted to our labels; `spacy train` with
    models/configs/ner.cfg trains the NER on all of them, models/configs/ner-finetune.cfg
    fine-tunes it on CLUENER and the local news corpus data/localnews (all eight labels),
    and models/configs/relations.cfg, models/configs/name_filter.cfg and
    models/configs/industry_holder.cfg train the relation component, the judge of the
    entity rules' names and the judge of industries on the local news over the fine-tuned
    model's token vectors.

    \b
    Example:
      kg train                          # the full recipe into models/zh_kg (about 110 min)
      kg train --base run/model-best    # the last four stages only
      kg train --small -o /tmp/zh_kg    # a few-minute check on a slice of the data
    """
    from kg.train import train as run_train

    try:
        path = run_train(
            output_dir,
            corpora_dir,
            small=small,
            max_minutes=max_minutes,
            work_dir=work_dir,
            segmenter=segmenter,
            pkuseg_model=pkuseg_model,
            base_model=base_model,
        )
    except FileExistsError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote {path}")


@main.command()
@click.argument(
    "graph_path", metavar="GRAPH", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--focus",
    "name",
    required=True,
    metavar="NAME",
    help="The entity: its name, any of its aliases, or its id (person/李长萍).",
)
@click.option(
    "--hops",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="How many relations away from the entity to go, in either direction.",
)
@output_file_option("The page to write (default: NAME-Khops.html in the current folder).")
@click.option(
    "--max-nodes",
    type=click.IntRange(min=0),
    default=HTML_MAX_NODES,
    show_default=True,
    help="Show at most N entities, the nearest first (0: all).",
)
def view(graph_path: Path, name: str, hops: int, output: Path | None, max_nodes: int) -> None:
    """Write the neighbourhood of one entity in a built graph as an HTML page of its own
    (offline, like graph.html), with the entity selected and its side panel open.

    \b
    Example:
      kg view outputs/graph.ttl --focus 李长萍 --hops 2
      kg view outputs/graph.ttl --focus gov/聊城市委 -o 市委.html
    """
    from kg.load_graph import GraphFileError
    from kg.view import ViewError, write_view

    try:
        written = write_view(graph_path, name, hops, output, max_nodes=max_nodes or None)
    except (GraphFileError, ViewError) as error:
        raise click.ClickException(str(error)) from None
    within = f"{hops} hop" if hops == 1 else f"{hops} hops"
    click.echo(f"wrote {written.path}: {written.shown} entities, {within} from {written.entity}")


@main.command()
@click.argument("name")
@click.option(
    "--graph",
    "graph_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("outputs/graph.ttl"),
    show_default=True,
    help="A graph.ttl written by kg build (its graph.store beside it is used when current).",
)
@format_option(
    ("table", "csv", "json"), "csv is RFC 4180 with a header line; json a list of objects."
)
def timeline(name: str, graph_path: Path, fmt: str) -> None:
    """Show the posts of a person in date order, or the holders of an organisation's posts
    by role: role, the other end, the first and last article date, the number of articles.

    NAME is a name, an alias or an id (person/李长萍), as in kg view --focus.

    \b
    Example:
      kg timeline 李长萍 --graph outputs/graph.ttl
      kg timeline 聊城市委 --graph outputs/graph.ttl --format csv
    """
    from kg.query import QueryError
    from kg.timeline import TimelineError, render, timeline
    from kg.view import ViewError

    try:
        click.echo(render(timeline(graph_path, name), fmt), nl=False)
    except (QueryError, TimelineError, ViewError) as error:
        raise click.ClickException(str(error)) from None


@main.group()
def corpus() -> None:
    """The in-domain training corpus data/localnews/: keep measured articles out, check it."""


@corpus.command("check-page")
@click.argument("text_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default="", help="The page's address.")
@shared_option
def check_page(text_file: Path, url: str, shared: Path | None) -> None:
    """Say whether a candidate page may enter the corpus: not a held-out, dev or seed
    article and not a story the corpus or the blind held-out set data/heldout already has
    (by address, or by 20 or more shared 16-character windows).

    \b
    Example:
      kg corpus check-page data/localnews/texts/sd_001.txt --url https://example.cn/a.html
    """
    from kg.localnews import SHARED_DIR, Blocklist, story_texts

    try:
        blocklist = Blocklist.load(shared or SHARED_DIR)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    blocklist.add_texts(story_texts(text_file))
    why = blocklist.reason(text_file.read_text(encoding="utf-8"), url)
    if why:
        raise click.ClickException(f"{text_file}: EXCLUDED: {why}")
    click.echo(f"{text_file}: ok")


@corpus.command("check")
@click.argument(
    "corpus_dir",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@shared_option
def check_corpus_command(corpus_dir: Path | None, shared: Path | None) -> None:
    """Check the whole corpus: every annotation well formed (types, relation ends, evidence
    and names found in the text) and no measured article in it, nor a story of the other
    of data/localnews and data/heldout.

    \b
    Example:
      kg corpus check data/localnews
    """
    from kg.localnews import (
        CORPUS_DIR,
        SHARED_DIR,
        Blocklist,
        check_corpus,
        corpus_stats,
        read_records,
        read_sources,
        story_texts,
    )

    corpus_dir = corpus_dir or CORPUS_DIR
    try:
        blocklist = Blocklist.load(shared or SHARED_DIR)
    except FileNotFoundError as error:
        click.echo(f"warning: {error}; measured articles not checked", err=True)
        blocklist = None
    else:
        blocklist.add_texts(story_texts(corpus_dir))
    problems = check_corpus(corpus_dir, blocklist)
    for problem in problems:
        click.echo(problem, err=True)
    stats = corpus_stats((r for _, _, r in read_records(corpus_dir)), read_sources(corpus_dir))
    click.echo(json.dumps(stats, ensure_ascii=False))
    if problems:
        raise click.ClickException(f"{len(problems)} problems")


@corpus.command("agreement")
@click.argument(
    "corpus_dir",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
def agreement_command(corpus_dir: Path | None) -> None:
    """Score the second, blind annotations in CORPUS/agreement/gold_<region>_second.jsonl
    against the first ones of the same articles: entity and relation F1 of one annotator
    against the other.

    \b
    Example:
      kg corpus agreement data/localnews
    """
    from kg.evaluate import agreement, format_report
    from kg.localnews import CORPUS_DIR, read_records

    corpus_dir = corpus_dir or CORPUS_DIR
    first = [record for _, _, record in read_records(corpus_dir)]
    second = [record for _, _, record in read_records(corpus_dir / "agreement")]
    if not second:
        raise click.ClickException(f"{corpus_dir / 'agreement'}: no second annotations")
    click.echo(format_report(agreement(first, second)), nl=False)


@corpus.command("lexicons")
@corpora_option
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the lists go (default: kg/lexicons/, whose rules the last two are made with).",
)
def lexicons_command(corpora_dir: Path, output_dir: Path | None) -> None:
    """Write the three lexicons the entity rules learn from the training data.

    name_breaks.txt: the character pairs that the training splits of the public corpora
    and of data/localnews write at least 100 times and never inside a name (COMPANY,
    PROJECT, ORG, GOV); the rules cut a name they find by its ending after the last of them
    it holds (…协会签订X产业园项目 -> X产业园项目). listed_places.txt: the places the
    annotators of the local news training split list in at least three articles, and in at
    least half of those that write them, that the rules do not know (长三角, 东南亚); the rules
    then find them, and the model's PLACE there is kept. unnamed.txt: what the rules take for
    a name at least twice in the local news training split that its annotators list as no
    entity (重大项目, 医院); the rules drop it.

    \b
    Example:
      kg corpus lexicons
    """
    from kg.corpora import (
        BREAK_MIN_COUNT,
        PLACES_MIN_ARTICLES,
        PLACES_MIN_SHARE,
        UNNAMED_MAX_SHARE,
        UNNAMED_MIN_ARTICLES,
        corpus_name_breaks,
        listed_places,
        unnamed_strings,
    )
    from kg.ner import LEXICONS, LISTED_PLACES, load_lexicons

    folder = output_dir or LEXICONS
    folder.mkdir(parents=True, exist_ok=True)
    breaks = corpus_name_breaks(corpora_dir)
    _write_list(
        folder / "name_breaks.txt",
        breaks,
        f"Character pairs the training corpora write at least {BREAK_MIN_COUNT} times and "
        "never inside a name",
    )
    load_lexicons.cache_clear()
    _write_list(
        folder / LISTED_PLACES,
        listed_places(),
        f"Places the local news training split's annotators list in {PLACES_MIN_ARTICLES}+ "
        f"articles and in {PLACES_MIN_SHARE:.0%}+ of those that write them, which the rules "
        "do not know",
    )
    load_lexicons.cache_clear()
    _write_list(
        folder / "unnamed.txt",
        unnamed_strings(),
        f"What the entity rules take for a name or place in {UNNAMED_MIN_ARTICLES}+ articles of "
        f"the local news training split that annotators list in under {UNNAMED_MAX_SHARE:.0%}",
    )


def _write_list(path: Path, lines: list[str], what: str) -> None:
    """A generated lexicon: a two-line header, then one entry per line."""
    header = f"# {what}:\n# written by `kg corpus lexicons`, read by the entity rules.\n"
    path.write_text(header + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    click.echo(f"wrote {len(lines)} entries to {path}")
