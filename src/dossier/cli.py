"""The `dossier` command: a thin layer over the Python API.

Exit codes: 0 ok, 1 user error (bad input, bad option, bad configuration), 2 bug.

Start-up stays light (`dossier --version`, `-h`, `CMD --help` load no database layer, model, web framework or
plotting library): whatever a command needs beyond Typer and Rich's console is imported inside that command.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from . import DEFAULT_DB, __version__
from .errors import DossierError

if TYPE_CHECKING:
    from rich.progress import Progress

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Dossier: multilingual news to a verified case database of war resisters.")
console = Console(soft_wrap=True)
err = Console(stderr=True)

DbOption = Annotated[str, typer.Option("--db", envvar="DOSSIER_DB",
                                       help="SQLite file path or SQLAlchemy URL (postgresql://...).")]
PathsArg = Annotated[list[Path], typer.Argument(help="Files or directories (read recursively).", exists=True)]


def _print_version(value: bool) -> None:
    if value:
        console.print(f"dossier {__version__}", highlight=False, markup=False)
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                                   help="Print the version and exit.")] = False) -> None:
    pass


def _open(db: str, create: bool = False):
    """The store; by default only one that exists (a read command never creates an empty store at a
    mistyped path). Imported here: SQLAlchemy and the models are the heaviest part of a light command."""
    from .store import Store

    return Store.open(db, create=create)


def _output_file(path: Path, option: str = "-o", make_folders: bool = False) -> None:
    """Refuse, before any work is done, an output file that cannot be written: a folder, a missing folder
    (unless it is made on writing), a folder not writable. One line, exit code 1."""
    if path.is_dir():
        raise DossierError(f"{option} {path}: is a folder; give a file name")
    folder = path.parent
    if make_folders:  # the nearest folder that exists is where the missing ones will be made
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
    if not folder.exists():
        raise DossierError(f"{option} {path}: folder {folder} does not exist")
    if not folder.is_dir():
        raise DossierError(f"{option} {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DossierError(f"{option} {path}: folder {folder} is not writable")


@contextmanager
def _writing(path: Path, option: str = "-o") -> Iterator[None]:
    """What the checks above cannot foresee (a full disk, a read-only file system, a race): one line too."""
    try:
        yield
    except OSError as exc:
        raise DossierError(f"{option} {path}: cannot write it: {exc.strerror or exc}") from None


def _work_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise DossierError(f"--workdir {folder}: no such folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DossierError(f"--workdir {folder}: folder not writable")


def _sizes(sizes: str) -> list[int]:
    try:
        numbers = [int(x) for x in sizes.split(",")]
    except ValueError:
        numbers = []
    if not numbers or min(numbers) < 1:
        raise DossierError(f"--sizes {sizes}: give whole numbers separated by commas, such as 1000,4000")
    return numbers


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[current]}", style="dim", markup=False), console=err, transient=True,
                    disable=not err.is_terminal)


@app.command()
def ingest(paths: PathsArg, db: DbOption = DEFAULT_DB,
           max_mb: Annotated[int, typer.Option(help="Skip files larger than this many megabytes.")] = 50,
           extract: Annotated[bool, typer.Option(help="Also extract persons, events and statistics.")] = True,
           executor: Annotated[str, typer.Option(help="local (this process) or dask.")] = "local",
           scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://host:8786); "
                                                               "without it, a LocalCluster on this machine.")] = None,
           workers: Annotated[int | None, typer.Option(
               help="Worker processes for the models (1: this process only). Default: one per core when "
                    "there are enough new articles to repay loading the models in each.")] = None,
           timings: Annotated[bool, typer.Option(help="Print the seconds spent in each stage.")] = False,
           alert: Annotated[bool, typer.Option("--alerts/--no-alerts",
                                               help="Raise alerts for recent urgent happenings found.")] = True):
    """Read news files (text, HTML, RSS/Atom, WARC, JSON Lines) into the case store.

    Files already stored (same content) are not stored again; unreadable files are reported and skipped.
    """
    from .ingest import IngestReport, ingest_iter
    from .pipeline import extract_stored, ingest_and_extract, workers_for
    from .sources import count_paths

    if executor not in ("local", "dask"):
        raise DossierError("--executor is local or dask")
    if workers is not None and not 1 <= workers <= 256:
        raise DossierError("--workers is a number of processes from 1 to 256")
    from .timing import Stopwatch

    from .store.backup import in_use

    store = _open(db, create=True)
    holding = in_use(db)  # a restore waits for no ingest: it is refused while this runs
    holding.__enter__()
    clock = Stopwatch() if timings else None
    total = count_paths(paths)
    report = IngestReport()
    per_language = None
    dask = (scheduler or "local") if executor == "dask" else None
    # at least one article per new file, with what an interrupted run left: enough to start worker processes
    # at once? (else they may still start after the ingest, when the articles are counted)
    estimate = store.count_articles(pending=True) + total
    cores = workers_for(estimate, workers)
    with _progress() as bar:
        task = bar.add_task("ingest", total=total, current="")

        def step(name: str) -> None:
            bar.update(task, advance=1, current=name)

        if extract and (cores > 1 or dask):  # the workers start on the first files while the later are read
            done = bar.add_task("extract", total=None, current="")
            per_language = ingest_and_extract(paths, store, report, max_mb * 1024 * 1024, step,
                                              lambda name: bar.update(done, advance=1, current=name), dask, clock,
                                              cores, pending=estimate)
        else:
            for _ in ingest_iter(paths, store, report, max_mb * 1024 * 1024, step, clock):
                pass
    for name, reason in report.skipped:
        err.print(f"[yellow]skipped[/] {escape(name)}: {escape(reason)}", highlight=False)
    for name, warning in report.warnings:
        err.print(f"[dim]note[/] {escape(name)}: {escape(warning)}", highlight=False)
    if extract:  # new articles, and what an interrupted run stored without extracting or summarising
        if per_language is None:
            pending = store.count_articles(pending=True)
            with _progress() as bar:
                task = bar.add_task("extract", total=pending, current="")
                per_language = extract_stored(store, store.article_ids(pending=True),
                                              progress=lambda name: bar.update(task, advance=1, current=name),
                                              clock=clock, workers=workers_for(pending, workers), pending=pending)
        _report_pipelines(per_language)
        from .alerts import raise_alerts

        raised = raise_alerts(store) if alert else []
        if raised:
            err.print(f"{len(raised)} new urgent alert(s): dossier alerts", highlight=False)
    if clock is not None:
        from rich.table import Table

        table = Table("stage", "seconds", title="time per stage")
        for name, seconds in clock.seconds.items():
            table.add_row(name, f"{seconds:.2f}")
        err.print(table)
    console.print(f"{report.files} file(s): {report.stored} stored, {report.unchanged} already stored, "
                  f"{len(report.skipped)} skipped; {report.articles} new article(s), "
                  f"{report.duplicates} duplicate(s).", highlight=False)
    console.print(f"Database: {store.engine.url.render_as_string(hide_password=True)}", highlight=False)
    holding.__exit__(None, None, None)


def _report_pipelines(per_language) -> None:
    from .extract import OFF_TOPIC

    for (language, pipeline), n in sorted(per_language.items()):
        if pipeline == OFF_TOPIC:
            err.print(f"{n} off-topic article(s) in {language} not analysed (no relevance term)", highlight=False)
            continue
        note = " (fallback: rules, no trained pipeline)" if pipeline == "rules" else ""
        err.print(f"extracted {n} article(s) in {language} with {pipeline}{note}", highlight=False)


@app.command()
def extract(paths: PathsArg,
            output: Annotated[Path, typer.Option("-o", "--output", help="Where to write dossier-extraction/1 JSON.")],
            db: Annotated[str | None, typer.Option("--db", envvar="DOSSIER_DB",
                                                   help="Also keep the results in this store.")] = None,
            max_mb: Annotated[int, typer.Option(help="Skip files larger than this many megabytes.")] = 50):
    """Extract persons, events and statistics from files and write them as dossier-extraction/1 JSON.

    Without --db the work is done in a temporary store that is removed afterwards.
    """
    import json
    import tempfile

    _output_file(output, make_folders=True)  # before the work, not after it
    from .export import extraction_document
    from .sources import iter_paths

    with tempfile.TemporaryDirectory(prefix="dossier-") as tmp:
        store = _open(db or str(Path(tmp) / "extract.db"), create=True)
        ingest(paths, db=db or str(Path(tmp) / "extract.db"), max_mb=max_mb, extract=True, alert=False)
        names = [name for _, name in iter_paths(paths)]
        doc = extraction_document(store, names)
        with _writing(output):
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        store.engine.dispose()
    console.print(f"Wrote {len(doc['articles'])} article(s), {len(doc['persons'])} person(s), "
                  f"{len(doc['events'])} event(s), {len(doc['statistics'])} statistic(s) to {output}", highlight=False)


@app.command()
def evaluate(texts: Annotated[Path, typer.Argument(help="Directory of annotated texts.", exists=True)],
             gold: Annotated[Path, typer.Option(help="Gold annotations (spec/formats.md).", exists=True)],
             scorer: Annotated[Path, typer.Option(help="The scorer script (eval/score.py).", exists=True)],
             output: Annotated[Path | None, typer.Option("-o", help="Also keep the extraction here.")] = None,
             verbose: Annotated[bool, typer.Option(help="List missed and extra events.")] = False,
             by_language: Annotated[bool, typer.Option("--by-language", help="Also score each language's files alone.")] = False):
    """Extract a gold-annotated corpus and print precision, recall and F1 per measure and per event type."""
    import json
    import tempfile

    from rich.table import Table

    from .evaluation import MEASURES, evaluate as run_evaluation, header

    with tempfile.TemporaryDirectory(prefix="dossier-eval-") as tmp:
        out = output or Path(tmp) / "pred.json"
        extract([texts], output=out, db=None)
        result = run_evaluation(gold, json.loads(out.read_text(encoding="utf-8")), scorer, by_language)
    table = Table("measure", "P", "R", "F1", "tp", "fp", "fn", title=f"{texts} — {header()}")
    for name in MEASURES:
        m = result[name]
        table.add_row(name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["tp"]), str(m["fp"]),
                      str(m["fn"]))
    console.print(table)
    for name in ("event_country_accuracy", "event_date_accuracy", "relevance_accuracy"):
        console.print(f"{name}: {result[name]}", highlight=False)
    per_type = Table("event type", "P", "R", "F1", "tp", "fp", "fn", title="per event type")
    for etype, m in result["per_type"].items():
        per_type.add_row(str(etype), f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["tp"]),
                         str(m["fp"]), str(m["fn"]))
    console.print(per_type)
    if by_language:
        langs = Table("language", "files", "events", "events F1", "strict F1", "persons F1", "statistics F1",
                      title="per language (each language's files alone)")
        for lang, r in result["by_language"].items():
            langs.add_row(lang, str(r["files"]), str(r["gold_events"]), f"{r['events']['f1']:.2f}",
                          f"{r['events_strict']['f1']:.2f}", f"{r['persons']['f1']:.2f}", f"{r['statistics']['f1']:.2f}")
        console.print(langs)
    if verbose:
        for label, rows in (("missed", result["missed_events"]), ("extra", result["extra_events"])):
            console.print(f"[bold]{label} events[/]")
            for row in rows:
                console.print("  " + " | ".join(escape(str(x)) for x in row), highlight=False)


@app.command()
def articles(db: DbOption = DEFAULT_DB,
             limit: Annotated[int, typer.Option(help="Rows to show.")] = 50):
    """List stored articles with their language, relevance and duplicate status."""
    from rich.table import Table

    store = _open(db)
    table = Table("id", "source", "title", "lang", "relevant", "duplicate of")
    table.columns[2].no_wrap = True
    table.columns[2].overflow = "ellipsis"
    rows = store.articles()
    for a in rows[:limit]:
        table.add_row(str(a["id"]), escape(a["source"]), escape((a["title"] or "")[:70]), a["language"] or "",
                      {True: "yes", False: "no", None: ""}[a["relevant"]], str(a["duplicate_of"] or ""))
    console.print(table)
    if len(rows) > limit:
        console.print(f"... {len(rows) - limit} more (use --limit)")


@app.command("cases")
def list_cases(db: DbOption = DEFAULT_DB):
    """Table of the cases found: person, current status, countries and number of sources."""
    store = _open(db)
    from rich.table import Table

    from .cases import cases

    found = cases(store)
    table = Table("id", "person", "latest status", "countries", "sources", title=f"{len(found)} case(s)")
    for c in found:
        table.add_row(str(c.person_id), escape(c.name), escape(c.status), ", ".join(c.countries), str(c.sources))
    console.print(table)
    console.print(f"Database: {store.engine.url.render_as_string(hide_password=True)}", highlight=False)


@app.command()
def person(name: Annotated[str, typer.Argument(help="Any spelling, in any script, or the person id.")],
           db: DbOption = DEFAULT_DB):
    """One person's timeline, each event with its sources and evidence."""
    store = _open(db)
    from .cases import cases, describe_event
    from .names import compatible, fold

    everyone = cases(store, include_other=True)
    wanted = fold(name)
    matches = [c for c in everyone if name.isdigit() and c.person_id == int(name)] or \
        [c for c in everyone if any(compatible(wanted, fold(n)) for n in [c.name] + c.aliases)]
    if not matches:
        raise DossierError(f"no person matches {name!r}")
    for c in matches:
        console.rule(f"{escape(c.name)}  (#{c.person_id})")
        if c.aliases:
            console.print("also written: " + escape(", ".join(c.aliases)), highlight=False)
        console.print(f"status: {escape(c.status)}", highlight=False)
        for e in c.timeline:
            sources = f"{len(e.sources)} sources" if len(e.sources) > 1 else "1 source"
            console.print(f"  [bold]{e.date or '(undated)'}[/]  {escape(describe_event(e))}  [dim]{e.status}, {sources}[/]",
                          highlight=False)
            for conflict in e.conflicts:
                console.print(f"      [red]sources disagree[/] on {escape(str(conflict))}", highlight=False)
            for ev in e.evidence:
                console.print(f"      [dim]{escape(ev['source'])}:[/] “{escape(ev['text'][:160])}”", highlight=False)


@app.command()
def merge(keep: Annotated[int, typer.Argument(help="Person id to keep.")],
          other: Annotated[int, typer.Argument(help="Person id that is the same person.")],
          db: DbOption = DEFAULT_DB, note: Annotated[str | None, typer.Option(help="Why.")] = None):
    """Merge two persons (a reviewer's decision, kept when articles are extracted again)."""
    store = _open(db)
    from .store.review import merge_persons

    merge_persons(store, keep, other, note)
    console.print(f"merged person {other} into {keep}")


@app.command()
def split(person_id: Annotated[int, typer.Argument(help="Person id.")],
          article: Annotated[int, typer.Option(help="Article id whose mentions are somebody else.")],
          db: DbOption = DEFAULT_DB, note: Annotated[str | None, typer.Option(help="Why.")] = None):
    """Split one article's mentions off a person into a new person (kept when articles are extracted again)."""
    store = _open(db)
    from .store.review import split_person

    new_id = split_person(store, person_id, article, note)
    console.print(f"article {article}'s mentions of person {person_id} are now person {new_id}")


@app.command()
def reextract(db: DbOption = DEFAULT_DB):
    """Extract every stored article again (after a codebook or model change); reviewers' decisions are kept."""
    store = _open(db)
    from .pipeline import extract_stored

    with _progress() as bar:
        task = bar.add_task("extract", total=store.count_articles(pending=False), current="")
        per_language = extract_stored(store, store.article_ids(pending=False), progress=lambda name: bar.update(task, advance=1, current=name))
    pruned = store.prune_orphan_persons()
    console.print(f"extracted {sum(per_language.values())} article(s) again; {pruned} person(s) no longer mentioned removed")


@app.command()
def serve(db: DbOption = DEFAULT_DB, host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port.")] = 8000,
          insecure_cookies: Annotated[bool, typer.Option(help="Send the session cookie over plain HTTP too "
                                                               "(only behind a TLS proxy or on localhost).")] = False,
          trusted_proxy: Annotated[str | None, typer.Option(
              help="Address(es) of a reverse proxy whose X-Forwarded-For is believed (comma-separated). "
                   "Without it the header is ignored, from localhost too: login limits count real clients.")] = None):
    """Serve the case workbench (login required; create accounts with `dossier user-add`)."""
    if not 1 <= port <= 65535:
        raise DossierError(f"--port {port}: must be between 1 and 65535")
    from .store import require_store

    require_store(db)
    sock = _listen(host, port)  # a port in use is one line here, not a server log and a stack
    try:
        import uvicorn

        from .store.backup import in_use
        from .web.app import create_app

        proxy = {"proxy_headers": True, "forwarded_allow_ips": trusted_proxy} if trusted_proxy else {"proxy_headers": False}
        app_ = create_app(db, secure_cookies=not insecure_cookies)
        server = uvicorn.Server(uvicorn.Config(app_, host=host, port=port, log_level="warning", **proxy))
        with in_use(db):
            console.print(f"Dossier workbench on http://{host}:{port}/ (Ctrl-C to stop)", highlight=False)
            try:
                server.run(sockets=[sock])
            except KeyboardInterrupt:  # the server has shut down cleanly: Ctrl-C is how it is stopped
                return
    finally:
        sock.close()
    if not server.started:
        raise DossierError("the workbench did not start (see the messages above)")


def _listen(host: str, port: int):
    """The workbench's listening socket, bound here (as uvicorn would: SO_REUSEADDR, IPv6 for an address with
    ':') so that an address in use or not ours is a user error of one line."""
    import errno
    import socket

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except socket.gaierror:
        sock.close()
        raise DossierError(f"--host {host}: unknown host name") from None
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise DossierError(f"port {port} on {host} is already in use (another workbench?): stop it, or choose "
                               "another --port") from None
        if exc.errno == errno.EACCES:
            raise DossierError(f"not allowed to listen on port {port} (ports below 1024 need privileges): choose "
                               "another --port") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise DossierError(f"--host {host}: not an address of this machine") from None
        raise DossierError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def _new_password(password: str | None) -> str:
    import getpass

    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            raise DossierError("passwords differ")
    return password


@app.command("user-add")
def user_add(username: Annotated[str, typer.Argument(help="User name.")],
             role: Annotated[str, typer.Option(help="admin, editor or viewer.")] = "viewer",
             totp_file: Annotated[Path | None, typer.Option(
                 "--totp-file", help="Require a TOTP second factor and write its enrolment URI to this new file "
                                     "(mode 0600; hand it over, then delete it). The secret is never printed.")] = None,
             db: DbOption = DEFAULT_DB,
             password: Annotated[str | None, typer.Option(envvar="DOSSIER_PASSWORD", hidden=True)] = None):
    """Create an account (the first admin too: there is no default password)."""
    from .security.accounts import create_user

    if totp_file is not None and (totp_file.exists() or not totp_file.parent.is_dir()):
        raise DossierError(f"--totp-file {totp_file}: must be a new file in an existing folder")
    if totp_file is not None:
        _output_file(totp_file, "--totp-file")
    from .store import sqlite_file

    sqlite_file(db)  # a malformed --db before the password is asked
    password = _new_password(password)
    store = _open(db, create=True)  # the first account may come before the first ingest
    with store.session.begin() as s:
        secret = create_user(s, username, password, role, totp_file is not None)
    if secret:
        import pyotp

        with _writing(totp_file, "--totp-file"):
            fd = os.open(totp_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Dossier") + "\n")
        console.print(f"TOTP enrolment written to {escape(str(totp_file))} (mode 0600)", highlight=False)
    console.print(f"user {escape(username)} ({role}) created", highlight=False)


@app.command("user-password")
def user_password(username: Annotated[str, typer.Argument(help="User name.")], db: DbOption = DEFAULT_DB,
                  password: Annotated[str | None, typer.Option(envvar="DOSSIER_PASSWORD", hidden=True)] = None):
    """Set a new password; the user's open sessions end."""
    store = _open(db)
    from .security.accounts import set_password

    password = _new_password(password)
    with store.session.begin() as s:
        set_password(s, username, password)
    console.print(f"password of {escape(username)} changed; their sessions ended", highlight=False)


@app.command("user-disable")
def user_disable(username: Annotated[str, typer.Argument(help="User name.")], db: DbOption = DEFAULT_DB,
                 enable: Annotated[bool, typer.Option("--enable", help="Enable the account again.")] = False):
    """Disable an account (its sessions end at once), or enable it again with --enable."""
    store = _open(db)
    from .security.accounts import set_disabled

    with store.session.begin() as s:
        set_disabled(s, username, not enable)
    console.print(f"{escape(username)} {'enabled' if enable else 'disabled; their sessions ended'}", highlight=False)


@app.command("user-logout")
def user_logout(username: Annotated[str, typer.Argument(help="User name.")], db: DbOption = DEFAULT_DB):
    """End every open session of a user (a lost laptop, a shared screen)."""
    store = _open(db)
    from .security.accounts import end_sessions

    with store.session.begin() as s:
        n = end_sessions(s, username)
    console.print(f"{n} session(s) of {escape(username)} ended", highlight=False)


@app.command("audit-verify")
def audit_verify(db: DbOption = DEFAULT_DB):
    """Check the audit log's chain, signatures and head; exit code 1 naming every row changed, removed or
    reordered (not only the first)."""
    store = _open(db)
    from .security.audit import problems

    with store.session() as s:
        n, found = problems(s)
    for line in found:
        console.print(f"[red]broken[/red] {escape(line)}")
    if found:
        raise DossierError(f"audit log tampered: {len(found)} break(s) in {n} row(s)")
    console.print(f"{n} audit row(s), chain and head intact", highlight=False)


@app.command("export")
def export_command(name: Annotated[str, typer.Argument(help="cases.csv, events.csv, statistics.csv, cases.json, "
                                                            "public.json or extraction.json")],
                   output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
                   db: DbOption = DEFAULT_DB,
                   role: Annotated[str, typer.Option(help="Export what this role may see (public, viewer, editor).")] = "viewer",
                   encrypt: Annotated[bool, typer.Option(help="Encrypt the file with a passphrase (asked, or "
                                                             "DOSSIER_PASSPHRASE); `dossier decrypt` reads it.")] = False,
                   bom: Annotated[bool, typer.Option(help="Start a CSV export with a UTF-8 byte-order mark "
                                                         "(for spreadsheet programs).")] = False,
                   status: Annotated[str | None, typer.Option(help="Only cases whose status says this.")] = None,
                   country: Annotated[str | None, typer.Option(help="Only cases in this country (name or code).")] = None,
                   event_type: Annotated[str | None, typer.Option("--type", help="Only cases with an event of this "
                                                                                 "type.")] = None,
                   date_from: Annotated[str | None, typer.Option(help="Only cases with events from this date on "
                                                                      "(2024, 2024-03, 2024-03-05).")] = None,
                   date_to: Annotated[str | None, typer.Option(help="Only cases with events up to this date.")] = None,
                   language: Annotated[str | None, typer.Option(help="Only cases reported in this language "
                                                                     "(ru, uk, en...).")] = None):
    """Write an export file; the public export keeps public fields and counts above the threshold only.
    The filters (as on the cases page) narrow cases.csv, cases.json and events.csv."""
    _output_file(output)  # before the store is read and the passphrase asked
    store = _open(db)
    from .security import audit
    from .web import exports

    filters = {"status": status, "country": country, "type": event_type, "date_from": date_from, "date_to": date_to,
               "language": language}
    try:
        body, _ = exports.render(store, name, role, bom=bom, filters=filters)
    except PermissionError as exc:
        raise DossierError(f"{exc}: use --role editor") from None
    if encrypt:
        import io

        from .security.crypto import encrypt as seal, passphrase_from_env_or_prompt

        passphrase = passphrase_from_env_or_prompt(confirm=True)
        with _writing(output), open(output, "wb") as out:
            seal(io.BytesIO(body.encode("utf-8")), out, passphrase)
    else:
        with _writing(output):
            output.write_text(body, encoding="utf-8", newline="")  # the CSV's own line ends, on any system
    with store.session.begin() as s:
        audit.record(s, "export", "cli", name, {"role": role, "encrypted": encrypt, "bom": bom,
                                                "filters": sorted(k for k, v in filters.items() if v)})
    console.print(f"wrote {output}", highlight=False)


@app.command("backup")
def backup_command(target: Annotated[Path, typer.Argument(help="Backup file to create.")], db: DbOption = DEFAULT_DB,
                   encrypt: Annotated[bool, typer.Option(help="Encrypt with a passphrase (asked, or "
                                                             "DOSSIER_PASSPHRASE): AES-256-GCM, key by Argon2id.")] = False):
    """Make a consistent copy of the store while it is in use. Unencrypted, a backup holds everything in clear
    (accounts, sessions' hashes, the audit log, secret persons): encrypt it when it leaves the machine."""
    import sqlite3

    from .store import require_store

    if target.exists() and not target.is_dir():
        raise DossierError(f"{target} exists; choose another name")
    _output_file(target, "backup file")
    require_store(db)  # before the passphrase is asked
    from .security.crypto import passphrase_from_env_or_prompt
    from .store.backup import backup

    passphrase = passphrase_from_env_or_prompt(confirm=True) if encrypt else None
    try:
        backup(db, target, passphrase)
    except sqlite3.Error as exc:  # e.g. a full disk while copying
        raise DossierError(f"backup to {target} failed: {exc}") from None
    except OSError as exc:
        raise DossierError(f"backup to {target} failed: {exc.strerror or exc}") from None
    console.print(f"{'encrypted ' if encrypt else ''}backup written to {escape(str(target))}", highlight=False)


@app.command("restore")
def restore_command(backup_file: Annotated[Path, typer.Argument(help="Backup file (encrypted or not).", exists=True)],
                    db: DbOption = DEFAULT_DB,
                    force: Annotated[bool, typer.Option(help="Replace an existing store (never one in use).")] = False):
    """Bring a backup back as the store; an encrypted one asks for its passphrase (or reads DOSSIER_PASSPHRASE)."""
    from .store import sqlite_file

    target = sqlite_file(db)  # a malformed --db is named before anything is read
    if target is not None and not target.parent.is_dir():
        raise DossierError(f"cannot restore to {target}: folder {target.parent} does not exist")
    from .security.crypto import passphrase_from_env_or_prompt
    from .store.backup import restore

    try:
        restore(backup_file, db, force, lambda: passphrase_from_env_or_prompt(confirm=False))
    except OSError as exc:
        raise DossierError(f"cannot restore {backup_file} to {db}: {exc.strerror or exc}") from None
    console.print(f"restored {escape(str(backup_file))} to {escape(db)}", highlight=False)


@app.command()
def decrypt(encrypted: Annotated[Path, typer.Argument(help="A file written with --encrypt.", exists=True)],
            output: Annotated[Path, typer.Option("-o", "--output", help="File to write (must not exist).")]):
    """Decrypt an encrypted export or backup (passphrase asked, or DOSSIER_PASSPHRASE)."""
    from .security.crypto import decrypt as unseal, passphrase_from_env_or_prompt

    if output.exists() and not output.is_dir():
        raise DossierError(f"{output} exists; choose another name")
    _output_file(output)
    if encrypted.is_dir():
        raise DossierError(f"{encrypted} is a folder, not an encrypted file")
    tmp = output.with_name(output.name + ".partial")
    try:
        with open(encrypted, "rb") as sealed, open(tmp, "wb") as out:
            for chunk in unseal(sealed, passphrase_from_env_or_prompt(confirm=False)):
                out.write(chunk)
        tmp.rename(output)
    except OSError as exc:
        raise DossierError(f"cannot decrypt {encrypted} to {output}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    console.print(f"decrypted to {escape(str(output))}", highlight=False)


@app.command()
def drill(examples: Annotated[int, typer.Option(help="Generated inputs for the ingestion fuzzer.")] = 10_000,
          kills: Annotated[int, typer.Option(help="Random kills of a real ingest process.")] = 20):
    """Fault drills: fuzz ingestion, kill ingestion at random and resume; print the figures."""
    from rich.table import Table

    from .faults import fuzz_ingestion, hostile_inputs, kill_and_resume

    fuzz = fuzz_ingestion(examples)
    killed = kill_and_resume(kills)
    hostile = hostile_inputs()
    table = Table("drill", "figure", title="Dossier fault drills")
    table.add_row("ingestion inputs generated (hypothesis)", str(fuzz["tried"]))
    table.add_row("  stored / reported and skipped", f"{fuzz['stored']} / {fuzz['skipped']}")
    table.add_row("  crashes, lost rows", "0, 0")
    table.add_row("ingest processes killed mid-run (SIGKILL) at random", str(killed["kills"]))
    table.add_row("  stores resumed and compared", str(killed["series"]))
    table.add_row("  resumed store identical to an uninterrupted run", "yes" if killed["identical"] else "NO")
    table.add_row(f"hostile inputs ({hostile['inputs']}: FIFO, /dev/zero link, link loop, {hostile['archive_kb']} KB "
                  "WARC.gz with a 100 MB record, JSON nested 200,000 deep, markup in names) x 2 runs",
                  f"{hostile['hangs']} hangs, exit codes {hostile['exit_codes']}, peak {hostile['peak_mb']} MB, "
                  f"{hostile['documents']} documents kept")
    console.print(table)
    if hostile["hangs"] or any(hostile["exit_codes"]) or hostile["documents"] != 3:
        raise DossierError("an ingest of the hostile inputs hung, failed or lost a document")
    if not killed["identical"]:
        raise DossierError("the resumed store differs from an uninterrupted run")


@app.command()
def bench(paths: Annotated[list[Path], typer.Argument(help="Files or directories to run through.", exists=True)],
          rounds: Annotated[int, typer.Option(min=1, help="Timed rounds (after one warm-up round); medians shown.")] = 3,
          relevant_only: Annotated[bool, typer.Option(help="Only the articles that go through the models (those "
                                                           "with a relevance term), one file each.")] = False,
          workdir: Annotated[Path, typer.Option(help="Where the benchmark stores are written.")] = Path(".")):
    """Articles per second for each stage of the real pipeline, next to the bare NLP pipelines on the same articles."""
    import tempfile
    from datetime import date

    from rich.table import Table

    _work_folder(workdir)
    from .bench import pipeline_stages

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        r = pipeline_stages(paths, Path(tmp), rounds, relevant_only)
    n = r["articles"]
    table = Table("stage", "seconds", "articles/s",
                  title=f"{n} articles ({r['extracted']} not duplicates), {r['characters']:,} characters; median of "
                        f"{r['rounds']} round(s) — dossier {__version__}, {date.today().isoformat()}")
    for stage, seconds in r["stages"].items():
        table.add_row(stage, f"{seconds:.2f}", f"{n / seconds:.1f}" if seconds else "-")
    table.add_row("other (file checks, progress)", f"{r['other']:.2f}", "")
    table.add_row("[bold]Dossier total (wall clock)[/]", f"{r['total']:.2f}", f"{n / r['total']:.1f}")
    table.add_row("baseline: bare nlp.pipe / natasha, same articles", f"{r['baseline']:.2f}", f"{n / r['baseline']:.1f}")
    spread = f"{min(r['ratios']):.2f}–{max(r['ratios']):.2f}× per round" if len(r["ratios"]) > 1 else ""
    table.add_row("[bold]ratio to baseline[/]", f"{r['ratio']:.2f}×", f"target ≤ 1.2×; {spread}")
    spread = f"; {min(r['own_shares']):.0%}–{max(r['own_shares']):.0%} per round" if len(r["own_shares"]) > 1 else ""
    table.add_row("Dossier's own work (all but NLP)", f"{r['own']:.2f}",
                  f"{r['own_share']:.0%} of its NLP time (target ≤ 20%{spread})" if r["own_share"] is not None
                  else "no article needed the models")
    if r["all_cores"]:
        table.add_row(f"[bold]all {r['cores']} cores[/] (models in worker processes)", f"{r['all_cores']:.2f}",
                      f"{n / r['all_cores']:.1f}")
        spread = (f"; {min(r['speedups']):.2f}–{max(r['speedups']):.2f}× per round"
                  if len(r["speedups"]) > 1 else "")
        table.add_row("[bold]speed-up[/] with all cores", f"{r['speedup']:.2f}×", f"target ≥ 1.7× on 2{spread}")
    else:
        table.add_row("speed-up with all cores", "-", "one core here")
    console.print(table)


@app.command("bench-scale")
def bench_scale(sizes: Annotated[str, typer.Option(help="Store sizes, comma-separated.")] = "10000,100000,1000000",
                workdir: Annotated[Path, typer.Option(help="Where the temporary stores are written.")] = Path(".")):
    """Per-item cost of near-duplicate lookup and person linking as the store grows (should stay flat)."""
    from datetime import date

    from rich.table import Table

    numbers = _sizes(sizes)
    _work_folder(workdir)
    from .bench import scaling

    rows = scaling(numbers, workdir)
    table = Table("articles / persons stored", "dedup µs per new article", "linking µs per new person", "store MB",
                  title=f"corpus-level stages at scale — dossier {__version__}, {date.today().isoformat()}")
    for r in rows:
        table.add_row(f"{r['size']:,}", str(r["dedup_us"]), str(r["link_us"]), str(r["db_mb"]))
    console.print(table)


@app.command("bench-memory")
def bench_memory(sizes: Annotated[str, typer.Option(help="Corpus sizes (files), comma-separated.")] = "1000,4000",
                 on_topic: Annotated[float, typer.Option(help="Share of articles about a case.")] = 0.1,
                 workdir: Annotated[Path, typer.Option(help="Where the temporary corpora are written.")] = Path(".")):
    """Peak memory of the whole pipeline on synthetic corpora of growing size (should not grow with the corpus)."""
    import tempfile
    from datetime import date

    from rich.table import Table

    numbers = _sizes(sizes)
    _work_folder(workdir)
    from .bench import memory

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        rows = memory(numbers, Path(tmp), on_topic)
    table = Table("files", "articles", "seconds", "peak RSS MB", "growth after models loaded, MB",
                  title=f"pipeline memory, {on_topic:.0%} on-topic — dossier {__version__}, {date.today().isoformat()}")
    for r in rows:
        table.add_row(f"{r['files']:,}", f"{r['articles']:,}", str(r["seconds"]), str(r["peak_mb"]), str(r["growth_mb"]))
    console.print(table)


@app.command("bench-web")
def bench_web(articles: Annotated[int, typer.Option(help="Synthetic articles to store.")] = 100_000,
              repeat: Annotated[int, typer.Option(help="Requests per page.")] = 20,
              workdir: Annotated[Path, typer.Option(help="Where the benchmark store is kept.")] = Path(".")):
    """Time the workbench's cases and search pages on a store of N synthetic articles."""
    from datetime import date

    from rich.table import Table

    _work_folder(workdir)
    from .bench import web_latency

    rows = web_latency(articles, repeat, workdir)
    table = Table("page", "median ms", "p95 ms", title=f"workbench latency, {articles} articles — dossier {__version__}, "
                                                        f"{date.today().isoformat()}")
    for r in rows:
        table.add_row(r["page"], f"{r['median_ms']:.1f}", f"{r['p95_ms']:.1f}")
    console.print(table)


@app.command()
def status(db: DbOption = DEFAULT_DB):
    """Counts of what the store holds."""
    from rich.table import Table

    store = _open(db)
    table = Table("what", "count")
    for k, v in store.counts().items():
        table.add_row(k, str(v))
    console.print(table)


@app.command()
def watch(sources: Annotated[list[str], typer.Argument(help="RSS/Atom feed or sitemap URLs (http/https), or "
                                                              "folders where a scraper drops files.")],
          db: DbOption = DEFAULT_DB,
          once: Annotated[bool, typer.Option("--once", help="Poll once and stop.")] = False,
          every: Annotated[str, typer.Option(help="Poll on this interval (15m, 1h, 90s).")] = "15m",
          delay: Annotated[float, typer.Option(help="Seconds between two requests to the same host.")] = 1.0,
          timeout: Annotated[float, typer.Option(help="Seconds before a request is given up.")] = 20.0,
          max_mb: Annotated[int, typer.Option(help="Largest page or feed read, in megabytes.")] = 10,
          webhook: Annotated[str | None, typer.Option(help="POST a JSON notification of each new alert here "
                                                           "(else DOSSIER_WEBHOOK_URL).")] = None,
          email_to: Annotated[list[str] | None, typer.Option(help="E-mail each new alert to this address "
                                                                  "(SMTP from DOSSIER_SMTP_HOST...).")] = None,
          workers: Annotated[int | None, typer.Option(help="Worker processes for the models.")] = None):
    """Follow feeds, sitemaps and folders: fetch new articles, extract them, raise alerts for urgent happenings
    (detention, abduction, extradition, deportation, border refusal) and notify.

    Pages that fail are reported and retried on later polls; a restart goes on where the last poll stopped.
    """
    import time

    from .fetch import Fetcher
    from .notify import Channels
    from .watch import check_sources, parse_every, poll

    check_sources(sources)
    interval = None if once else parse_every(every)
    if not 0 <= delay <= 3600 or not 0 < timeout <= 600 or not 1 <= max_mb <= 1024:
        raise DossierError("--delay is 0-3600 s, --timeout 0-600 s, --max-mb 1-1024")
    channels = Channels.from_env(webhook, email_to)
    store = _open(db, create=True)
    with Fetcher(timeout=timeout, max_bytes=max_mb * 1024 * 1024, delay=delay) as fetcher:
        while True:
            started = time.monotonic()
            report = poll(store, sources, fetcher, max_bytes=max_mb * 1024 * 1024, channels=channels, workers=workers)
            for url, reason in report.source_errors + report.item_errors:
                err.print(f"[yellow]failed[/] {escape(url)}: {escape(reason)}", highlight=False)
            for name, reason in report.ingest.skipped:
                err.print(f"[yellow]skipped[/] {escape(name)}: {escape(reason)}", highlight=False)
            for problem in report.notify_errors:
                err.print(f"[yellow]notification failed[/] {escape(problem)}", highlight=False)
            console.print(f"{report.listings} listing(s) read, {report.not_modified} unchanged, "
                          f"{len(report.source_errors)} failed; {report.new_items} new item(s), {report.fetched} "
                          f"fetched, {len(report.item_errors)} failed; {report.ingest.articles} new article(s), "
                          f"{report.extracted} extracted; {len(report.alerts)} new alert(s), {report.notified} "
                          f"notification(s) sent.", highlight=False)
            if interval is None:
                return
            time.sleep(max(0.0, interval - (time.monotonic() - started)))


@app.command()
def alerts(db: DbOption = DEFAULT_DB,
           all_: Annotated[bool, typer.Option("--all", help="Also acknowledged alerts.")] = False,
           ack: Annotated[int | None, typer.Option(help="Acknowledge this alert.")] = None):
    """Urgent alerts, newest first: person, what happened, where, when and how many sources."""
    store = _open(db)
    from rich.table import Table

    from .alerts import acknowledge, list_alerts

    if ack is not None:
        acknowledge(store, ack, f"cli:{os.environ.get('USER', 'unknown')}")
        console.print(f"alert {ack} acknowledged")
        return
    found = list_alerts(store, "admin", status=None if all_ else "open")
    table = Table("id", "raised", "person", "event", "date", "country", "sources", "status", "assigned",
                  title=f"{len(found)} alert(s)")
    for a in found:
        table.add_row(str(a.id), a.raised_at[:16], escape(a.person or f"person {a.person_id}"), a.type, a.date or "",
                      a.country or "", str(len(a.sources)), a.status, a.assigned_to or "")
    console.print(table)


@app.command()
def version():
    """Print the version."""
    console.print(f"dossier {__version__}")


def main(argv: list[str] | None = None) -> int:  # noqa: C901
    """Entry point with Dossier's exit codes (Click's own would give 2 for a usage error).
    The console script passes the returned code to sys.exit."""
    command = typer.main.get_command(app)
    level = os.environ.get("DOSSIER_LOG", "").upper()
    if level in ("DEBUG", "INFO", "WARNING", "ERROR"):  # e.g. DOSSIER_LOG=debug: why each trigger was dropped
        import logging

        logging.basicConfig(level=getattr(logging, level), format="%(levelname)s %(name)s: %(message)s")
    try:
        command.main(args=argv if argv is not None else sys.argv[1:], prog_name="dossier", standalone_mode=False)
    except DossierError as exc:
        err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)  # one line, however long
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("aborted")
        return 1
    except KeyboardInterrupt:
        err.print("interrupted; everything stored before the interruption is kept")
        return 1
    except Exception as exc:
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # Click's usage errors (Typer may vendor Click)
            exc.show()
            return 1
        err.print_exception(show_locals=False)
        err.print("error: this is a bug in Dossier; please report it with the lines above")
        return 2
    return 0



if __name__ == "__main__":
    sys.exit(main())
