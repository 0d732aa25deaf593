"""PowerSync routes: the token, the key set, the upload of the app's local changes; and the
``flask powersync`` commands."""

from wger_flask.blueprints.powersync import commands, upload  # noqa: F401  (add to blp)
from wger_flask.blueprints.powersync.routes import blp

__all__ = ["blp"]
