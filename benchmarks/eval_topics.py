"""How often the built-in taxonomy finds a topic: planted demo topics, and real texts.

    python benchmarks/eval_topics.py [--customers 400] [--days 30] [--sample 2000] [--data-dir ../shared/data]

1. Demo texts: the demo generator (``xinsheng.demo.generator.generate_bank``, in process,
   nothing stored) plants a ground-truth topic on every customer text
   (``attributes["topic"]``, 30 demo codes). ``ACCEPT`` below maps each demo code to the
   taxonomy leaves (or a whole family, ``family.*``) that name it; a text counts as found
   when any of its analysed topics is accepted. Per demo topic and overall.
   Caveat: the taxonomy is edited by people who can read the demo's topic list, so this
   is a check that planted topics are reachable, not a held-out accuracy.
2. Real texts (``../shared/data``, skipped when absent): the share of texts of each kind
   that get any topic at all (a sample of ``--sample`` texts per kind, evenly spread).
   The Chinese sets are not about banking (e-commerce reviews and chats, Weibo posts,
   Baidu Zhidao questions), so their share is a noise floor rather than a target; the
   banking sets are English (Banking77 queries, CFPB complaint narratives).
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"

ACCEPT: dict[str, tuple[str, ...]] = {
    "credit_card_frozen": ("cards.frozen", "credit_card.*"),
    "debit_card_loss": ("cards.lost_card",),
    "card_fraud": ("cards.fraud",),
    "credit_card_annual_fee": ("fees.unexpected_fee",),
    "installment_fee": ("fees.unexpected_fee", "credit_card.billing"),
    "points_redemption": ("credit_card.points",),
    "social_security_card": ("cards.social_security",),
    "mobile_login_failure": ("mobile_banking.*",),
    "face_recognition_failure": ("mobile_banking.login_failure",),
    "sms_code_missing": ("mobile_banking.login_failure",),
    "password_reset": ("account.password", "mobile_banking.login_failure"),
    "transfer_limit": ("transfer.limit",),
    "transfer_failure": ("transfer.not_received",),
    "interbank_transfer_fee": ("fees.unexpected_fee",),
    "account_statement": ("account.balance",),
    "branch_queue": ("service.branch",),
    "hotline_unreachable": ("service.hotline",),
    "marketing_harassment": ("service.marketing",),
    "advisor_attitude": ("service.attitude",),
    "service_praise": ("service.*",),
    "elderly_service": ("service.elderly", "mobile_banking.usability"),
    "wealth_redemption_delay": ("wealth.redemption",),
    "fund_loss": ("wealth.loss",),
    "large_deposit_certificate": ("wealth.redemption", "wealth.deposit_rate"),
    "deposit_rate": ("wealth.deposit_rate",),
    "overseas_remittance": ("transfer.cross_border",),
    "mortgage_prepayment": ("loans.mortgage",),
    "loan_progress": ("loans.*",),
    "loan_document_upload": ("loans.application",),
    "wealth_mis_selling": ("wealth.mis_selling",),
}


def accepted(planted: str, codes: list[str]) -> bool:
    for want in ACCEPT.get(planted, ()):
        if any(c == want or (want.endswith(".*") and c.startswith(want[:-1])) for c in codes):
            return True
    return False


def demo_share(customers: int, days: int) -> tuple[dict[str, tuple[int, int]], float]:
    from xinsheng.demo.generator import generate_bank
    from xinsheng.voc.pipeline import get_analyzer

    bank = generate_bank(customers=customers, days=days, seed=42, end=date(2026, 6, 30))
    recs = [r for r in bank.interactions if r["text"] and r["attributes"].get("topic")]
    t0 = time.perf_counter()
    res = get_analyzer().analyze_many([r["text"] for r in recs])
    secs = time.perf_counter() - t0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r, a in zip(recs, res):
        planted = r["attributes"]["topic"]
        per[planted][0] += accepted(planted, [t["code"] for t in a["topics"]])
        per[planted][1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(per.items())}, secs


def _csv(path: Path, col: str) -> list[str]:
    csv.field_size_limit(2**31 - 1)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r[col] for r in csv.DictReader(fh) if (r.get(col) or "").strip()]


def _jddc_customer_turns(path: Path) -> list[str]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 7 and parts[2] == "0" and parts[6].strip():
                out.append(parts[6])
    return out


KINDS = {
    "e-commerce reviews (zh, online_shopping)":
        lambda d: _csv(d / "online_shopping_9_cats/online_shopping_9_cats.csv", "review"),
    "customer chat turns (zh, JDDC)": lambda d: _jddc_customer_turns(d / "jddc2019_chat_sample/chat_0.1per.txt"),
    "social-media posts (zh, SMP2020)": lambda d: _csv(d / "smp2020_ewect/dev_fold0.csv", "content"),
    "questions (zh, LCQMC)": lambda d: _csv(d / "lcqmc/dev.csv", "sentence1"),
    "banking queries (en, Banking77)": lambda d: _csv(d / "banking77/train.csv", "text"),
    "complaint narratives (en, CFPB)":
        lambda d: _csv(d / "cfpb/complaints_sample_2020.csv", "Consumer complaint narrative"),
}


def real_shares(d: Path, sample: int) -> list[tuple[str, int, int]]:
    from xinsheng.voc.pipeline import get_analyzer

    out = []
    for kind, read in KINDS.items():
        try:
            texts = read(d)
        except FileNotFoundError:
            continue
        step = max(1, len(texts) // sample)
        texts = texts[::step][:sample]
        res = get_analyzer().analyze_many(texts)
        out.append((kind, sum(bool(r["topics"]) for r in res), len(texts)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=400)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DIR)
    args = ap.parse_args()
    per, secs = demo_share(args.customers, args.days)
    found, total = sum(v[0] for v in per.values()), sum(v[1] for v in per.values())
    print(f"Demo texts ({args.customers} customers × {args.days} days, seed 42): planted topic found")
    print(f"{'planted demo topic':<28} {'found':>6} {'texts':>6} {'share':>7}")
    for code, (f, n) in per.items():
        print(f"{code:<28} {f:>6} {n:>6} {f / n:>7.1%}")
    print(f"{'ALL':<28} {found:>6} {total:>6} {found / max(1, total):>7.1%}   ({secs:.1f} s to analyse)")
    if not args.data_dir.is_dir():
        print(f"\nreal texts skipped: {args.data_dir} not found", file=sys.stderr)
        return 0
    print(f"\nReal texts ({args.data_dir.name}): share with at least one topic (sample of ≤{args.sample} per kind)")
    print(f"{'kind of text':<44} {'with topic':>10} {'texts':>6} {'share':>7}")
    for kind, k, n in real_shares(args.data_dir, args.sample):
        print(f"{kind:<44} {k:>10} {n:>6} {k / max(1, n):>7.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
