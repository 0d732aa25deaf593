"""``flask user grant/revoke``: an administrator gives and takes the catalogue permissions."""

from __future__ import annotations


def test_grant_and_revoke(app, client, user, auth_headers):
    runner = app.test_cli_runner()
    headers = auth_headers(user)
    assert (
        client.post("/api/v2/exercise/", json={"category": 10}, headers=headers).status_code == 403
    )

    granted = runner.invoke(args=["user", "grant", "alice", "exercise.add"])
    assert granted.exit_code == 0, granted.output
    assert "now holds exercises.add_exercise" in granted.output
    again = runner.invoke(args=["user", "grant", "alice", "exercises.add_exercise"])
    assert "already held" in again.output
    assert (
        client.post("/api/v2/exercise/", json={"category": 10}, headers=headers).status_code == 201
    )

    revoked = runner.invoke(args=["user", "revoke", "alice", "exercise.add"])
    assert revoked.exit_code == 0 and "no longer holds" in revoked.output
    assert (
        client.post("/api/v2/exercise/", json={"category": 10}, headers=headers).status_code == 403
    )


def test_grant_refuses_unknown_permissions_and_users(app, user):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["user", "grant", "alice", "exercise.fly"])
    assert unknown.exit_code == 1 and "unknown permission" in unknown.output
    nobody = runner.invoke(args=["user", "grant", "nobody", "exercise.add"])
    assert nobody.exit_code == 1 and "no user" in nobody.output
