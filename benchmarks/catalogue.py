"""Load benchmark of the exercise catalogue, with ``/api/v2/version/`` as the ceiling.

.venv/bin/python -m benchmarks.catalogue            # starts gunicorn itself (2 workers)
.venv/bin/python -m benchmarks.catalogue --url http://127.0.0.1:8000
"""

from __future__ import annotations

import contextlib

from benchmarks.harness import common_arguments, measure, print_table, server

TARGETS = [
    ("version (ceiling)", "/api/v2/version/"),
    ("muscle list", "/api/v2/muscle/"),
    ("exercise list", "/api/v2/exercise/"),
    ("exercise detail", "/api/v2/exercise/9/"),
    ("exerciseinfo list", "/api/v2/exerciseinfo/"),
    ("exerciseinfo detail", "/api/v2/exerciseinfo/9/"),
    ("exerciseinfo search", "/api/v2/exerciseinfo/?name__search=curl&language__code=en"),
    ("exercise-translation list", "/api/v2/exercise-translation/"),
]


def main() -> None:
    parser = common_arguments(__doc__)
    args = parser.parse_args()
    env = {"WEB_CONCURRENCY": str(args.workers), "GUNICORN_THREADS": str(args.threads)}
    context = contextlib.nullcontext(args.url) if args.url else server(env, args.database_url)
    with context as url:
        print(
            f"server {url}: {args.workers} workers × {args.threads} threads, "
            f"{args.connections} clients, {args.duration} s per target"
        )
        results = measure(url, TARGETS, args.duration, args.connections, args.tool)
    print_table("Exercise catalogue", results, ceiling="version (ceiling)")


if __name__ == "__main__":
    main()
