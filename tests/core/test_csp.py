"""Content-Security-Policy (issue 8, item 8): every main page, as the role that uses it, carries a strict
CSP and has no inline script, style or event handler that such a policy would block."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.assessments.helpers import assessment_of
from tests.assessments.test_review_support import in_review
from tests.surveys.core_helpers import make_campaign
from zona.assessments.models import Assessment

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


class InlineFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' / 'unsafe-eval' would refuse to run or apply."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script: tuple[str, ...] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...> handler")
            elif name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            kind = (names.get("type") or "").lower()
            if not names.get("src") and kind != "application/json":
                self.problems.append(f"inline <script type={kind!r}>")
        if tag == "meta" and (names.get("name") or "") == "htmx-config":
            self.htmx_config = names.get("content") or ""


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


def assert_strict_csp(response) -> None:
    policy = response["Content-Security-Policy"]
    directives = {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.fixture
def pages(regency):
    """(user, url) for every main page, each requested as a role whose work it is."""
    cache.clear()
    reviewed = in_review(regency)  # unit A: submitted, in TPI review; unit B: still a draft
    draft = assessment_of(reviewed.period, regency.unit_b)
    assert draft.status == Assessment.Status.DRAFT
    campaign = make_campaign(regency)
    campaign.status = campaign.Status.OPEN
    campaign.save()
    a, b, period = regency.unit_a.pk, regency.unit_b.pk, reviewed.period.pk
    koordinator = [
        "/",
        "/unit/",
        "/unit/baru/",
        f"/unit/{a}/",
        f"/unit/{a}/ubah/",
        f"/unit/{a}/tim/",
        f"/unit/{a}/tahapan/",
        "/akun/pengguna/",
        "/akun/pengguna/baru/",
        f"/akun/pengguna/{regency.operator_a.pk}/",
        "/akun/otp/atur/",
        "/akun/sandi/ubah/",
        "/audit/",
        "/kalender/",
        "/penilaian/periode/",
        "/penilaian/periode/baru/",
        f"/penilaian/periode/{period}/",
        f"/penilaian/{reviewed.pk}/nilai/",
        f"/penilaian/{draft.pk}/ajukan/",
        f"/penilaian/{reviewed.pk}/unduh/",
        "/survei/",
        "/survei/baru/",
        f"/survei/{campaign.pk}/",
        f"/survei/unit/{a}/{campaign.year}/",
        f"/survei/isi/{campaign.pk}/kertas/",
        f"/survei/isi/{campaign.pk}/impor/",
        f"/survei/isi/{campaign.pk}/kode/",
    ]
    return {
        None: ["/akun/masuk/", "/akun/sandi/lupa/", f"/s/{campaign.short_code}/"],
        regency.koordinator: koordinator,
        regency.operator_b: [
            "/",
            f"/penilaian/{draft.pk}/lembar-kerja/",
            f"/penilaian/{draft.pk}/nilai/",
            f"/unit/{b}/",
        ],
        regency.evaluator: ["/", f"/penilaian/{reviewed.pk}/reviu/", f"/penilaian/{reviewed.pk}/nilai/"],
        regency.pimpinan: ["/", f"/penilaian/periode/{period}/"],
        regency.pengawas: ["/", f"/unit/{b}/"],
    }


def test_every_main_page_has_a_strict_csp_and_nothing_inline(client, pages):
    checked, problems = 0, {}
    for user, urls in pages.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            who = user.username if user is not None else "anonymous"
            assert response.status_code == 200, (who, url, response.status_code)
            assert_strict_csp(response)
            found = inline_problems(response.content.decode())
            if found:
                problems[f"{who} {url}"] = found
            checked += 1
    assert checked >= 40
    assert problems == {}


def test_htmx_fragments_have_nothing_inline_either(client, regency):
    reviewed = in_review(regency)
    draft = assessment_of(reviewed.period, regency.unit_b)
    client.force_login(regency.operator_b)
    url = reverse("assessments:answer_save", kwargs={"pk": draft.pk, "code": "B.I.a"})
    response = client.post(url, {"value": "3.6", "version": "0"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="total"' in html  # the out-of-band totals came along
    assert_strict_csp(response)
    assert inline_problems(html) == []


def test_htmx_is_configured_to_inject_no_style_and_eval_nothing(client, regency):
    client.force_login(regency.koordinator)
    finder = InlineFinder()
    finder.feed(client.get("/").content.decode())
    config = json.loads(finder.htmx_config)
    assert config == {"includeIndicatorStyles": False, "allowEval": False, "allowScriptTags": False}


def test_the_finder_sees_what_csp_would_block():
    html = (
        '<div style="width: 3%"></div><select onchange="x()"></select><style>a{}</style>'
        '<script>alert(1)</script><script type="application/json">{}</script><script src="/a.js"></script>'
        '<a href="javascript:void(0)">x</a><button hx-on:click="y()">y</button>'
    )
    assert len(inline_problems(html)) == 6


def test_evidence_preview_may_be_framed_by_zona_itself_only(client, regency, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zona.assessments.models import Evidence
    from zona.demo.regency import minimal_pdf

    reviewed = in_review(regency)
    draft = assessment_of(reviewed.period, regency.unit_b)
    client.force_login(regency.operator_b)
    upload = reverse("assessments:evidence_upload", kwargs={"pk": draft.pk, "code": "A.I.1.i.a"})
    pdf = SimpleUploadedFile("bukti.pdf", minimal_pdf("Bukti"), content_type="application/pdf")
    client.post(upload, {"title": "Bukti", "uploads": pdf})
    evidence = Evidence.objects.get(assessment=draft, document__isnull=False)
    response = client.get(
        reverse("assessments:evidence_download", kwargs={"pk": draft.pk, "evidence_pk": evidence.pk})
    )
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_percent_filter_gives_the_width_class_number_clamped_to_0_100():
    from zona.core.templatetags.zona_ui import percent

    assert [percent(v) for v in ("37.6", 12, 140, -3, "", None, "1e400")] == [38, 12, 100, 0, 0, 0, 0]
