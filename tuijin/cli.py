"""The `tuijin` command.

    tuijin demo [--scale N] [--seed S]   build the demo data set into the configured database
    tuijin serve [--port P] [--host H]   serve with gunicorn (migrates and collects static first)
    tuijin manage ARGS...                any Django management command
    tuijin assess ...                    score a data file with a scheme (no database needed)
    tuijin worker                        run the background queue and, once a minute, the schedule
    tuijin backup --out FILE             the database and the stored files in one archive
    tuijin restore FILE [--force]        bring a fresh instance to the state of a backup
    tuijin <command> ARGS...             any other management command, e.g. import, export,
                                         dispatch, bulletin, standing
"""
from __future__ import annotations

import os
import sys


def _django_main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["tuijin", *argv])
    except Exception as exc:
        from tuijin.core.middleware import busy_cli_message, is_lock_timeout

        if not is_lock_timeout(exc):
            raise
        # Another write held the database longer than the lock timeout: nothing was saved, say so plainly.
        print(busy_cli_message(), file=sys.stderr)
        return 75  # EX_TEMPFAIL
    return 0


def serve(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="tuijin serve", description="Serve tuijin with gunicorn.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    # Processes, not threads: a thread holding SQLite's write lock waits for the GIL behind its process's other
    # threads, while writers in the other processes sleep in SQLite's busy handler and the cores stand idle (16
    # clients on 2 cores: 3 processes × 4 threads served 66 requests a second, 4 × 1 served 121). Two per core, so
    # one waiting for the database or a lock leaves the core to another. One thread is gunicorn's sync worker: a
    # connection per request, so every request goes to a free process (kept-alive connections stay with the process
    # that took them, and 16 clients on 4 processes left one busy and another idle: 103 against 124 requests a
    # second). It expects a buffering proxy (nginx) in front of it on a network (docs/operations.md).
    parser.add_argument("--workers", type=int,
                        default=int(os.environ.get("WEB_CONCURRENCY", "0")) or 2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("TUIJIN_THREADS", "1")))
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connections

    # gunicorn forks its workers from this process: a connection the migration left open would be shared by all of
    # them (one socket, interleaved queries) until its age ran out. Each worker opens its own.
    connections.close_all()
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn", "tuijin.wsgi:application",
        "--bind", f"{args.host}:{args.port}",
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--timeout", "300",
        "--access-logfile", "-",
    ]
    print(f"tuijin: serving on http://{args.host}:{args.port}/", flush=True)
    return run() or 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "serve":
        return serve(rest)
    if command == "manage":
        return _django_main(rest)
    if command == "assess":
        # Works on a plain data file without a database or Django set-up. Without a Monte Carlo run nothing is big
        # enough for BLAS threads, and starting OpenBLAS's pool costs about 50 ms of a 0.3 s command.
        if not any(a.startswith("--uncertainty") for a in rest):
            os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        from tuijin.engine.assessment.cli import main as assess_main

        return assess_main(rest)
    return _django_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
