"""Pages that lead somewhere: a dead reset link offers a new one, a verified address leads
back to the page it was asked from, a settings mistake is shown at the top and by the field
with what was typed, and the forms' addresses answer a GET."""

from __future__ import annotations

import re

import pytest

from tests.api.accounts.test_web_pages import csrf_of, web_login
from wger_flask.services.accounts import mail


@pytest.fixture(autouse=True)
def empty_outbox():
    mail.outbox.clear()
    yield
    mail.outbox.clear()


def link_in(message, path: str) -> str:
    return re.search(rf"http://localhost(/user/{path}/[^/\s]+/)", mail.text_of(message)).group(1)


def test_a_used_reset_link_links_to_a_new_request(client, user):
    page = client.get("/user/password/reset/")
    client.post("/user/password/reset/", data={"csrf_token": csrf_of(page), "email": user.email})
    link = link_in(mail.outbox[-1], "password/reset")
    form = client.get(link)
    new = "stormy harbour lantern"
    done = client.post(
        link, data={"csrf_token": csrf_of(form), "new_password": new, "new_password2": new}
    )
    assert done.status_code == 302
    used = client.get(link)
    assert used.status_code == 400
    assert 'href="/user/password/reset/"' in used.get_data(as_text=True)


@pytest.mark.parametrize(
    "asked_from,onward",
    [
        ("/user/2fa/", "Continue to two-factor authentication"),
        ("/user/account/", "Back to your account"),
    ],
)
def test_a_verified_address_leads_back_where_it_was_asked(client, make_user, asked_from, onward):
    make_user("nina", email="nina@example.com")
    web_login(client, "nina")
    token = csrf_of(client.get(asked_from))
    client.post("/user/account/verify-email/", data={"csrf_token": token, "next": asked_from})
    page = client.get(link_in(mail.outbox[-1], "verify-email")).get_data(as_text=True)
    assert "is verified" in page and f'<a href="{asked_from}">{onward}</a>' in page


def test_a_settings_mistake_is_at_the_top_and_by_the_field_with_the_typed_value(client, user):
    web_login(client)
    token = csrf_of(client.get("/user/account/"))
    answer = client.post(
        "/user/account/profile/",
        data={"csrf_token": token, "weight_unit": "lb", "num_days_weight_reminder": "45"},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#num_days_weight_reminder"' in summary and "0 to 30" in summary
    assert 'id="num_days_weight_reminder-error"' in html
    assert 'value="45"' in html  # what was typed, not the stored 0
    assert re.search(r'<option value="lb" selected>', html)


@pytest.mark.parametrize("form", ["profile", "email", "verify-email", "deactivate", "delete"])
def test_the_forms_addresses_answer_a_get_with_the_account_page(client, user, form):
    web_login(client)
    answer = client.get(f"/user/account/{form}/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/user/account/"


def test_the_favicon_is_served(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert 'rel="icon"' in client.get("/user/login").get_data(as_text=True)
