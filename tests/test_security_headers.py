"""No inline script or style anywhere, and the security headers on every page.

The Content-Security-Policy refuses inline scripts and styles (``CONTENT_SECURITY_POLICY``), so
a page that still carried one would silently lose it in the browser. Two nets: every template
file is read for inline script, ``<style>``, ``style=`` and ``on…=`` handlers; and the pages
themselves are walked, link by link, as a coach, an athlete and a staff member (the admin
included) on the demo data, every HTML answer checked for the same and for its headers.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from athletes.models import Athlete, Clearance, Role, User
from tests.athletes.samples import PDF, upload

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineFinder(HTMLParser):
    """Collects every inline script, style element, style attribute and event handler."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, _ in attrs:
            if name == "style" or re.fullmatch(r"on[a-z]+", name):
                self.found.append(f"{name}= on <{tag}> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def without_template_comments(source: str) -> str:
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    return re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", source, flags=re.S)


def test_no_template_file_carries_inline_script_or_style():
    # E-mail templates (every ``email/`` folder) are exempt: an e-mail is never served under
    # the CSP, and e-mail clients drop <style> blocks, so e-mails are styled inline.
    files = sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if "email" not in path.relative_to(TEMPLATES).parts
    )
    assert len(files) > 30

    found = {
        str(path.relative_to(ROOT)): inline_code(without_template_comments(path.read_text()))
        for path in files
    }

    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_finder_finds_what_it_looks_for():
    html = (
        '<script>alert(1)</script><script src="/a.js"></script>'
        '<script type="application/json">{"a": 1}</script><style>p{}</style>'
        '<p style="color:red" onclick="x()">hi</p><a href="#" onmouseover="y()">'
    )
    assert len(inline_code(html)) == 5


# --- the pages, walked ------------------------------------------------------------------------

SKIP = re.compile(
    r"^/(static/|accounts/logout/|admin/logout/|admin/r/|admin/jsi18n/|api/schema/)|"
    r"(export\.json|\.csv|\.ics)$|^/documents/"
)


def assert_headers(response, url: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    directives = dict(
        [*part.split(" ", 1), ""][:2] for part in (p.strip() for p in csp.split(";")) if part
    )
    assert directives.get("script-src") == "'self'", (url, csp)
    assert directives.get("style-src") == "'self'", (url, csp)
    assert directives.get("default-src") == "'self'", (url, csp)
    assert directives.get("object-src") == "'none'", (url, csp)
    assert directives.get("frame-ancestors") == "'none'", (url, csp)
    assert "unsafe" not in csp, (url, csp)
    policy = response.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy, (url, policy)
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin", url
    assert response.get("X-Content-Type-Options") == "nosniff", url


def walk(client: Client, start: list[str], *, per_route: int = 2, limit: int = 120) -> dict:
    """Follow same-site links breadth-first, at most ``per_route`` pages per URL pattern."""
    seen: set[str] = set()
    per: Counter[str] = Counter()
    queue = deque(start)
    pages: dict[str, list[str]] = {}
    while queue and len(pages) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            route = resolve(urlsplit(url).path).route
        except Resolver404:
            continue
        if per[route] >= per_route:
            continue
        per[route] += 1
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        assert_headers(response, url)
        html = response.content.decode()
        pages[url] = inline_code(html)
        for href in re.findall(r'href="([^"]+)"', html):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if href.startswith("/") and not href.startswith("//") and not SKIP.search(href):
                queue.append(href)
    return pages


@pytest.fixture
def demo(db, password):
    call_command("seed_demo", force=True, stdout=StringIO())
    User.objects.create_user(
        "root@example.org",
        password,
        role=Role.COACH,
        name="Root",
        is_staff=True,
        is_superuser=True,
    )
    athlete = Athlete.objects.get(user__email="athlete@example.com")
    Clearance.objects.create(
        athlete=athlete,
        cleared_on=athlete.today(),
        clinician_name="Dr Reid",
        clinician_role="gp",
        scope="exercise",
        document=upload("letter.pdf", PDF),
        document_name="letter.pdf",
    )


def signed_in(email: str, password: str) -> Client:
    client = Client()
    assert client.login(email=email, password=password)
    return client


@pytest.mark.parametrize(
    ("who", "start", "at_least"),
    [
        ("anonymous", ["/", "/accounts/login/", "/accounts/signup/", "/api/docs/"], 4),
        ("coach", ["/home/", "/coach/", "/coach/flags/"], 12),
        ("athlete", ["/home/", "/me/", "/me/checkin/", "/me/symptoms/new/"], 6),
        ("staff", ["/admin/", "/admin/athletes/clearance/"], 12),
    ],
)
def test_every_page_reached_has_no_inline_code_and_the_security_headers(
    demo, password, who, start, at_least
):
    client = {
        "anonymous": lambda: Client(),
        "coach": lambda: signed_in("coach@example.com", "demo-coach-pass"),
        "athlete": lambda: signed_in("athlete@example.com", "demo-athlete-pass"),
        "staff": lambda: signed_in("root@example.org", password),
    }[who]()

    pages = walk(client, start)

    assert len(pages) >= at_least, sorted(pages)
    assert {url: hits for url, hits in pages.items() if hits} == {}


def test_the_error_pages_have_no_inline_code_either(db):
    for name in ("403.html", "404.html", "500.html"):
        assert inline_code((TEMPLATES / name).read_text()) == [], name
