"""Authentication costs one indexed statement: a Bearer or Token request sends at most one
statement more than the same request without credentials (the user, with the token's
session and family liveness checks, or the key's digest joined to its user), and that
statement reads by index, never by a scan of the table, whatever the number of users."""

import pytest
from sqlalchemy import event

from tests.accounts_helpers import bearer, login, tokens_of
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.rest.owner_answers import owner_answers
from wger_flask.services.accounts import api_keys

PUBLIC = "/api/v2/exercise/9/"
PROFILE = "/api/v2/userprofile/"


@pytest.fixture(params=["bearer", "token"])
def credentials(request, app, client, user):
    if request.param == "bearer":
        access, _ = tokens_of(login(client, "alice"))  # with its session and family claims
        return bearer(access)
    with app.app_context():
        key = api_keys.issue(db.session.get(User, user.id))
        db.session.commit()
    return {"Authorization": f"Token {key}"}


def statements(client, count_queries, path, headers=None) -> list[str]:
    client.get(path, headers=headers)  # warm: a key's first use notes its time once
    with count_queries() as counter:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_json()
    return counter.statements


def test_an_authenticated_request_costs_one_statement_more(client, credentials, count_queries):
    anonymous = statements(client, count_queries, PUBLIC)
    authenticated = statements(client, count_queries, PUBLIC, credentials)
    assert len(authenticated) <= len(anonymous) + 1, authenticated
    assert "auth_user" in authenticated[0]


def test_the_profile_is_the_look_up_and_the_profile_row(app, client, credentials, count_queries):
    client.get(PROFILE, headers=credentials)  # warm: a key's first use notes its time once
    owner_answers(app).clear()
    with count_queries() as counter:
        assert client.get(PROFILE, headers=credentials).status_code == 200
    assert len(counter.statements) == 2, counter.statements
    assert "auth_user" in counter.statements[0]
    # kept under the user's data stamp, which the look-up read: nothing else is sent
    with count_queries() as counter:
        assert client.get(PROFILE, headers=credentials).status_code == 200
    assert len(counter.statements) == 1, counter.statements
    assert "data_stamp" in counter.statements[0]


def test_the_look_up_reads_by_index(app, client, credentials, make_user):
    with app.app_context():
        engine = db.engine
    for number in range(30):  # more users than the one asking
        make_user(f"crowd{number}")
    client.get(PROFILE, headers=credentials)  # warm
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        client.get(PROFILE, headers=credentials)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    look_up, parameters = next((s, p) for s, p in sent if "auth_user" in s)
    with app.app_context():
        connection = db.session.connection()
        if engine.dialect.name == "sqlite":
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {look_up}", parameters)
            details = [row[-1] for row in plan]
            scans = [d for d in details if d.startswith("SCAN")]
        else:  # tiny tables are scanned by choice: ask whether an index could serve instead
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = connection.exec_driver_sql(f"EXPLAIN {look_up}", parameters)
            details = [row[0] for row in plan]
            scans = [d for d in details if "Seq Scan" in d]
    assert details and not scans, details
