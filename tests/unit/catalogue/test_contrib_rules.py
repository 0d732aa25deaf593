"""The pure rules of contributions: the description allow-list and language detection."""

from __future__ import annotations

import pytest

from wger_flask.services.catalogue import language, sanitize


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("Plain text", "<p>Plain text</p>\n"),
        ("**bold** and *em*", "<p><strong>bold</strong> and <em>em</em></p>\n"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"),
        ("<b>b</b><i>i</i>", "<p><b>b</b><i>i</i></p>\n"),
        ("<script>alert(1)</script>", ""),
        ('<p onclick="x()">t</p>', "<p>t</p>"),
        ('<img src="x" onerror="alert(1)">', ""),
        ("[link](https://example.com)", "<p>link</p>\n"),
        ("[link](javascript:alert(1))", "<p>[link](javascript:alert(1))</p>\n"),
        ("# Title", "Title\n"),
        (
            '<p style="text-decoration: underline; color: red">u</p>',
            '<p style="text-decoration:underline">u</p>',
        ),
        ("<!-- hidden -->text", "text"),
    ],
)
def test_descriptions_keep_only_the_allow_list(source, html):
    assert sanitize.render_description(source) == html


def test_clean_html_is_idempotent():
    html = sanitize.render_description("**x** <u>y</u> <table><tr><td>z</td></tr></table>")
    assert sanitize.clean_html(html) == html


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Lie on the bench and press the bar up until your arms are straight.", "en"),
        ("Lege dich auf die Bank und drücke die Stange nach oben.", "de"),
        ("Allongez-vous sur le banc et poussez la barre vers le haut.", "fr"),
        ("Túmbate en el banco y empuja la barra hacia arriba con fuerza.", "es"),
    ],
)
def test_detection(text, code):
    assert language.detect(text) == code
    assert language.check(text, code).result
    assert not language.check(text, "it" if code != "it" else "en").result


def test_a_language_the_detector_does_not_know_passes():
    assert language.check("whatever text at all", "xx").result
