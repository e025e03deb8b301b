"""The README promises only what a route does: every path it names in code (`/api/v1/…`,
pages such as `/cases/monitor`), with its method where it gives one, is answered by a route
of the application as built, read from the app's own route table, not from a list kept here.
A capability whose issue has not landed must not be in the README (issue 13)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
_SPAN = re.compile(r"`((?:GET|POST|PUT|PATCH|DELETE) )?(/[^`\s]*)")
#: README fragments written relative to the path before them, resolved as the text reads
_RELATIVE = {
    "/versions": ["/api/v1/kb/articles/{id}/versions"],
    "/{submit|approve|reject|retire}": [f"/api/v1/kb/articles/{{id}}/{a}"
                                        for a in ("submit", "approve", "reject", "retire")],
}


def readme_paths() -> list[tuple[str | None, str]]:
    out = []
    for method, path in _SPAN.findall(README.read_text("utf-8")):
        path = path.split("?")[0].rstrip(".,;:")
        for p in _RELATIVE.get(path, [path]):
            out.extend((method.strip() or None, q) for q in _alternatives(p))
    return sorted(set(out), key=lambda mp: (mp[1], mp[0] or ""))


def _alternatives(path: str) -> list[str]:
    """``/a/b|c`` (or ``/a/{b|c}``) written for several paths: each of them."""
    head, _, last = path.rpartition("/")
    if "|" not in last:
        return [path]
    return [f"{head}/{alt}" for alt in last.strip("{}").split("|")]


def _concrete(path: str) -> str:
    """A path a client could send: placeholders and an elided id (CS…) become a value."""
    return re.sub(r"\{[^}/]*\}|…", "x1", path)


def test_the_readme_names_paths():
    paths = readme_paths()
    assert len(paths) > 20 and ("POST", "/api/v1/me/password") in paths


def routed(app, method: str | None, path: str) -> bool:
    """Whether a route of the app answers ``path`` (and ``method``, when given): Starlette's
    own matching of a request, as the server does it."""
    from starlette.routing import Match

    scope = {"type": "http", "path": _concrete(path), "root_path": "", "method": method or "GET",
             "headers": [], "query_string": b""}
    wanted = (Match.FULL,) if method else (Match.FULL, Match.PARTIAL)
    return any(route.matches(dict(scope))[0] in wanted for route in app.routes)


def test_every_path_the_readme_names_has_a_route(app):
    missing = [f"{m or ''} {p}".strip() for m, p in readme_paths() if not routed(app, m, p)]
    assert not missing, f"the README names paths no route answers: {missing}"


@pytest.mark.parametrize(("method", "path"), [(None, "/api/v1/nothing-here"), (None, "/cases/queues/expert/x"),
                                              ("DELETE", "/api/v1/health")])
def test_a_path_or_method_without_a_route_is_found_missing(app, method, path):
    """The check itself: a made-up path, or a method a path does not take, matches nothing."""
    assert routed(app, "GET", "/api/v1/health") and not routed(app, method, path)
