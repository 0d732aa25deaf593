"""Why the PostgreSQL suite cannot run here, printed for ``make test`` (nothing when it can).

``python -m tests.postgres_status`` prints one line naming the server it tried and how to fix
it, or nothing at all when PostgreSQL answers.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_ADMIN_URL, postgres_reachable


def main() -> None:
    if not postgres_reachable():
        shown = make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)
        print(
            f"no PostgreSQL server answers at {shown} (start PostgreSQL or set TEST_POSTGRES_URL)"
        )


if __name__ == "__main__":
    main()
