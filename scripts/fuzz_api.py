"""Property-based fuzzing of the HTTP API with schemathesis, authenticated.

    .venv/bin/python scripts/fuzz_api.py [--max-examples 100] [--database-url URL]

Loads the OpenAPI document of a fresh app (a throwaway SQLite database unless
``--database-url``), seeds a few customers, and for every operation draws valid
(positive) and invalid (negative) requests, sent with a token whose role or scopes
allow that operation (a system token with every scope, else an administrator's,
else the first role that may call it). Counts requests and server errors (5xx, the
gate: there must be none) and, for information, responses that do not match the
document. ``tests/test_api_fuzz.py`` runs a short bounded run of the same code.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@dataclass
class FuzzReport:
    operations: int = 0
    requests: int = 0
    status: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    nonconforming: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict:
        return {"operations": self.operations, "requests": self.requests,
                "server_errors": len(self.server_errors), "status": dict(sorted(self.status.items())),
                "nonconforming": dict(self.nonconforming), "server_error_samples": self.server_errors[:20]}


def _tokens(engine) -> list[tuple[frozenset, dict]]:
    """Tokens to try, broadest first: (permissions, headers)."""
    from tests.auth import make_token
    from xinsheng.identity.permissions import ROLE_PERMISSIONS, SCOPES, permissions_for

    out = [(permissions_for("system", list(SCOPES)), make_token(engine, "system"))]
    for role in ["admin", *ROLE_PERMISSIONS]:
        if role != "system":
            out.append((permissions_for(role), make_token(engine, role)))
    return [(perms, {"Authorization": f"Bearer {tok}"}) for perms, tok in out]


def _seed(app, headers: dict) -> None:
    from fastapi.testclient import TestClient

    from tests.factories import elderly_customer_wang, interaction, private_banking_client_li

    with TestClient(app, headers=headers) as c:
        c.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
        c.post("/api/v1/interactions", json=[interaction(i, text="手机13812345678") for i in range(5)])


def fuzz(app, engine, *, max_examples: int = 25, seed: int | None = 0) -> FuzzReport:
    """Fuzz every operation of ``app``'s API document; see the module doc."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import GenerationMode

    from xinsheng.identity.auth import PUBLIC, iter_routes

    tokens = _tokens(engine)
    _seed(app, tokens[0][1])
    needs = {(m, p): d for m, p, d, _ in iter_routes(app) if m != "MOUNT"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=tokens[0][1])
    report = FuzzReport()
    for result in schema.get_all_operations():
        op = result.ok()
        decision = needs.get((op.method.upper(), op.path))
        wanted = set() if decision is PUBLIC or decision is None else set(decision)
        headers = next((h for perms, h in tokens if wanted <= perms), tokens[0][1])
        report.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(op, mode, headers, report, max_examples, seed, given, settings, HealthCheck, Phase)
    return report


def _fuzz_operation(op, mode, headers, report, max_examples, seed, given, settings, HealthCheck, Phase):
    from hypothesis import seed as hypothesis_seed
    from hypothesis.errors import Unsatisfiable

    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=seed is not None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case):
        report.requests += 1
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the test client re-raises what the app did not handle: a 500
            report.status[500] += 1
            report.server_errors.append(f"{op.label} [{mode}] -> unhandled {type(exc).__name__}: {exc}"[:400])
            return
        report.status[response.status_code] += 1
        if response.status_code >= 500:
            body = response.text[:300] if hasattr(response, "text") else ""
            report.server_errors.append(f"{op.label} [{mode}] -> {response.status_code}: {body}")
        for check in (status_code_conformance, response_schema_conformance):
            try:
                case.validate_response(response, checks=[check])
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 — counted, not raised
                report.nonconforming[f"{op.label}: {check.__name__}: {_what(exc)}"] += 1

    if seed is not None:
        run = hypothesis_seed(seed)(run)
    try:
        run()
    except Unsatisfiable:  # nothing to negate (an operation without inputs)
        pass


def _what(exc: BaseException) -> str:
    """The first line that says what did not conform (e.g. 'Received: 404')."""
    inner = getattr(exc, "exceptions", None) or [exc]
    text = " ".join(str(e) for e in inner)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    received = next((ln for ln in lines if ln.startswith("Received")), None)
    return received or (lines[0][:80] if lines else type(exc).__name__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=100, help="per operation and mode")
    parser.add_argument("--database-url", default=None, help="default: a throwaway SQLite file")
    args = parser.parse_args()
    os.environ.setdefault("XINSHENG_PII_KEYS", __import__("cryptography.fernet").fernet.Fernet.generate_key().decode())
    os.environ.setdefault("XINSHENG_AUDIT_KEY", __import__("secrets").token_urlsafe(32))
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='xinsheng-fuzz-')}/fuzz.db"
    from xinsheng.app import create_app
    from xinsheng.db import get_engine

    app = create_app(url)
    report = fuzz(app, get_engine(url), max_examples=args.max_examples, seed=None)
    d = report.to_dict()
    print(f"operations {d['operations']}, requests {d['requests']}, server errors {d['server_errors']}")
    print("status codes:", d["status"])
    for line in d["server_error_samples"]:
        print("  5xx:", line)
    for what, n in sorted(d["nonconforming"].items()):
        print(f"  not as documented ({n}): {what}")
    sys.exit(1 if report.server_errors else 0)


if __name__ == "__main__":
    main()
