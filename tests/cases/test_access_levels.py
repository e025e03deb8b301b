"""A complaint handler without a level of their own works at their role's default level
(3, the complaint centre, in the shipped pyramid): they see complaints up to level 3 and
the customers of those complaints, not the level-4 ones."""
from __future__ import annotations

from tests.cases.builders import add_customer, open_case, set_case


def test_role_default_level_decides_which_complaints_a_handler_sees(client_as, engine):
    add_customer(engine)
    at_three, at_four = open_case(engine), open_case(engine)
    set_case(engine, at_three, authority_level=3)
    set_case(engine, at_four, authority_level=4)
    handler = client_as("complaint_handler")  # no authority_level of their own
    assert handler.get(f"/api/v1/cases/{at_three}").status_code == 200
    assert handler.get(f"/api/v1/cases/{at_four}").status_code == 404
    listed = {c["case_ref"] for c in handler.get("/api/v1/cases?queue=all&status=open").json()["items"]}
    assert at_three in listed and at_four not in listed
    assert handler.get("/api/v1/customers/C-WANG").status_code == 200
