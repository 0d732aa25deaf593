"""The media and language libraries are loaded where they are used, not with the app: a worker
that never receives an upload or checks a language does not carry them (PyAV alone maps tens
of megabytes). A served app does not load the migration tool (alembic, mako: about 11 MB)
either."""

import subprocess
import sys

from wger_flask.testing import REPO

HEAVY = ("av", "PIL", "lingua", "alembic", "flask_migrate", "mako")


def loaded_after(code: str) -> set[str]:
    """The heavy libraries in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "k" * 48, "WGER_INSTANCE_PATH": "/tmp/lazy"},
    )
    assert result.returncode == 0, result.stderr
    last_line = result.stdout.rstrip("\n").rpartition("\n")[2]
    return set(filter(None, last_line.split(",")))


def test_building_the_app_loads_no_media_or_language_library():
    assert loaded_after("from wger_flask import create_app\ncreate_app()") <= {
        "alembic",
        "flask_migrate",
        "mako",
    }  # the commands and tests migrate


def test_a_served_app_loads_no_migration_tool_either():
    assert loaded_after("from wger_flask import create_app\ncreate_app(serving=True)") == set()


def test_each_library_is_loaded_by_the_code_that_uses_it():
    decode = (
        "import io\nfrom wger_flask.services import media\n"
        "try:\n    media.decode_image(io.BytesIO(b'not an image'), 100)\n"
        "except media.UploadRejected:\n    pass"
    )
    assert loaded_after(decode) == {"PIL"}
    assert loaded_after(
        "from wger_flask.services.catalogue import language\n"
        "language.check('Beuge die Arme langsam und kontrolliert', 'de')"
    ) == {"lingua"}
