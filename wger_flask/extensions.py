"""The Flask extensions, created unbound here and bound in ``create_app`` in a fixed order.

``db`` (and the models' ``Base``) live in ``database.py`` and the rate limiter in
``rest/throttling.py``: the generic layer uses them, and it never imports this module. The
OpenAPI ``Api`` is made per app by ``create_app`` (flask-smorest binds one to one app; its
document lives in ``app.extensions``, ``rest.smorest.current_api``). Flask-Migrate is bound by
``create_app`` only where migrations are run (the ``flask`` commands, tests), never in a served
app: it imports alembic, mako and pygments.
"""

from flask_jwt_extended import JWTManager
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from wger_flask.database import Base, db
from wger_flask.rest.throttling import limiter

jwt = JWTManager()
login_manager = LoginManager()
csrf = CSRFProtect()

__all__ = ["Base", "csrf", "db", "jwt", "limiter", "login_manager"]
