"""The IVR page in one language (the rules of tests/web/language.py), for a designer, with a
caller shown, a refused field, stored replay results and the A/B table."""
import pytest

from tests.ivr.builders import at, customer, ingest, ivr_choice
from tests.web.language import leaks, visible_text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ivr_page_speaks_one_language(engine, client_as, lang):
    ingest(engine, [customer("C-T"), customer("C-OLD", birth_year=1940, segment="private")],
           [ivr_choice("C-T", "transfer", at(d)) for d in ("2026-09-01", "2026-10-02", "2026-11-03")])
    designer = client_as("ivr_designer")
    designer.cookies.set("lang", lang)
    designer.post("/ivr/replay")
    problems = []
    for url in ("/ivr", "/ivr?caller=C-T&at=2026-12-02T10:00:00%2B08:00", "/ivr?caller=C-OLD", "/ivr?caller=NOBODY",
                "/ivr?caller=C-T&at=tomorrow", "/"):
        res = designer.get(url, headers={"accept": "text/html"})
        problems += [f"{url}: {leak!r}" for leak in leaks(visible_text(res.text), lang)]
    res = designer.post("/ivr/tree", data={"source": "nodes: [broken"})
    problems += [f"tree: {leak!r}" for leak in leaks(visible_text(res.text), lang)]
    assert not problems, "\n".join(problems)
