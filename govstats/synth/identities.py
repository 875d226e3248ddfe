"""Reference identities (templates.md §2) over a truth dict, used to state which checks a
generated report is expected to pass or fail.

This is an independent, deliberately simple statement of the arithmetic the forms imply; the
project's own checks live in ``govstats.checks``. Each :class:`Identity` is ``sum(lhs) op
sum(rhs)`` over truth keys. Evaluated on a truth dict it gives ``pass``, ``fail`` or
``not_assessable`` (a key is missing from the report: blank or ``-``).
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping, Optional

from ..model import APPLICANTS
from . import forms
from .forms import applicant_key

Truth = Mapping[str, Optional[float]]


@dataclass(frozen=True)
class Identity:
    id: str  # templates.md §2 id: I1, I2, I3, I3', I8, I10, O-a … O-k, N (narrative sums)
    name: str  # the check name govstats.checks uses (codebook/identities.csv), e.g. "sec3.balance"
    applicant: str  # "total" or an applicant column (per-column identities)
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    op: str = "="  # "=" or "<="


@dataclass(frozen=True)
class Outcome:
    """An identity evaluated on a truth dict."""

    identity: Identity
    status: str  # pass | fail | not_assessable
    left: Optional[float]
    right: Optional[float]

    def to_json(self) -> dict[str, Any]:
        d = asdict(self.identity)
        d.update(status=self.status, left=self.left, right=self.right)
        return d


# --------------------------------------------------------------------------- definitions
@functools.lru_cache(maxsize=None)
def _gov(edition: str, collapsed_other: bool) -> tuple[Identity, ...]:
    leaves = forms.outcome_leaves(edition, collapsed_other)
    i3 = "I3" if edition == "gov2019" or collapsed_other else "I3'"
    out: list[Identity] = []
    for a in forms.COLUMNS:
        k = lambda code: applicant_key(code, a)  # noqa: E731
        out.append(Identity("I1", "sec3.balance", a, (k("requests.new"), k("requests.carried_over")),
                            (k("outcome.total"), k("requests.carried_forward"))))
        out.append(Identity(i3, "sec3.outcome_total", a, (k("outcome.total"),), tuple(map(k, leaves))))
    for code in forms.sec3_codes(edition, collapsed_other):
        out.append(Identity("I2", f"sec3.row_sum.{code}", "total", (code,),
                            tuple(applicant_key(code, a) for a in APPLICANTS)))
    for block, name in zip(forms.SEC4_BLOCKS, ("review_total", "direct_total", "after_review_total")):
        out.append(Identity("I8", f"sec4.{name}", "total", (f"{block}.total",),
                            tuple(f"{block}.{p}" for p in forms.SEC4_PARTS[:4])))
    if edition == "gov2019":
        for kind in ("regulations", "normative_docs"):
            out.append(Identity("I10", f"sec2.{kind}_published_le_valid", "total",
                                (f"rules.{kind}.published",), (f"rules.{kind}.valid",), "<="))
    return tuple(out)


_LEGACY: tuple[Identity, ...] = (
    Identity("O-a", "legacy.requests_channels", "total", ("requests.new",), tuple(
        f"requests.by_channel.{c}" for c in ("in_person", "fax", "online", "letter"))),
    Identity("O-b", "legacy.completed", "total", ("requests.completed",),
             ("requests.completed.on_time", "requests.completed.extended")),
    Identity("O-c", "legacy.answered", "total", ("outcome.total",), (
        "outcome.already_public", "outcome.granted", "outcome.partial", "outcome.denied",
        "outcome.not_this_agency", "outcome.not_exist", "outcome.correction_requested", "outcome.other_route")),
    Identity("O-d", "legacy.denied_reasons", "total", ("outcome.denied",), tuple(
        f"outcome.denied.{c}" for c in ("state_secret", "commercial_secret", "privacy", "security_stability",
                                        "not_gov_info", "other_law"))),
    Identity("O-e", "legacy.review_total", "total", ("review.total",), ("review.upheld", "review.corrected", "review.other")),
    Identity("O-e", "legacy.litigation_total", "total", ("litigation.total",),
             ("litigation.upheld", "litigation.corrected", "litigation.other")),
    Identity("O-f", "legacy.staff", "total", ("staff.total",), ("staff.fulltime", "staff.parttime")),
    Identity("O-g", "legacy.press_head_share", "total", ("response.press_conferences_head",),
             ("response.press_conferences",), "<="),
    Identity("O-g", "legacy.interview_head_share", "total", ("response.online_interviews_head",),
             ("response.online_interviews",), "<="),
    Identity("O-g", "legacy.normative_docs_share", "total", ("proactive.normative_docs",), ("proactive.total",), "<="),
    Identity("O-k", "legacy.opinions_rejected", "total", ("consultation.rejected",), ("consultation.opinions",), "<="),
)

#: sums a narrative states in full (templates.md §2.5); only kept when every key is stated
_NARRATIVE: tuple[Identity, ...] = (
    Identity("N", "narrative.requests_channels", "total", ("requests.new",), tuple(
        f"requests.by_channel.{c}" for c in ("online", "letter", "in_person", "fax"))),
    Identity("N", "narrative.applicants", "total", ("requests.new",),
             ("requests.new@natural_person", "requests.new@legal_entities")),
    Identity("N", "narrative.outcome_total", "total", ("outcome.total",), (
        "outcome.granted", "outcome.partial", "outcome.denied", "outcome.unable.not_held",
        "outcome.unable.need_create", "outcome.unable.unclear", "outcome.not_processed", "outcome.other")),
    Identity("N", "narrative.outcome_total", "total", ("outcome.total",), (
        "outcome.granted", "outcome.partial", "outcome.denied", "outcome.unable", "outcome.not_processed",
        "outcome.other")),
    Identity("N", "narrative.review_total", "total", ("review.total",),
             ("review.upheld", "review.corrected", "review.other", "review.pending")),
)


def identities(edition: str, keys: Iterable[str], collapsed_other: bool = False,
               legacy_appendix: bool = False) -> list[Identity]:
    """The identities that apply to a report of ``edition`` whose truth has ``keys``.

    An identity is kept when every key it names is in the truth (a blank or ``-`` cell is in the
    truth with value None, so its identities stay and evaluate as ``not_assessable``); narrative
    sums that repeat a table identity are dropped.
    """
    present = set(keys)
    pool: list[Identity] = []
    if edition in ("gov2019", "gov2021"):
        pool += _gov(edition, collapsed_other)
    if edition == "legacy":
        pool += _LEGACY
    elif legacy_appendix:  # only the identities of the appended Guizhou table itself
        appendix = set(forms.legacy_codes(True))
        pool += [i for i in _LEGACY if set(i.lhs + i.rhs) <= appendix]
    out: list[Identity] = []
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for i in pool + list(_NARRATIVE):
        if (i.lhs, i.rhs) not in seen and all(k in present for k in i.lhs + i.rhs):
            seen.add((i.lhs, i.rhs))
            out.append(i)
    return out


def evaluate(identity: Identity, truth: Truth) -> Outcome:
    """``pass`` / ``fail``, or ``not_assessable`` when a key is missing or NA."""
    vals = [truth.get(k) for k in identity.lhs + identity.rhs]
    if any(v is None for v in vals):
        return Outcome(identity, "not_assessable", None, None)
    left = sum(vals[: len(identity.lhs)])
    right = sum(vals[len(identity.lhs):])
    ok = abs(left - right) < 1e-6 if identity.op == "=" else left <= right + 1e-6
    return Outcome(identity, "pass" if ok else "fail", left, right)


def evaluate_all(edition: str, truth: Truth, collapsed_other: bool = False,
                 legacy_appendix: bool = False) -> list[Outcome]:
    return [evaluate(i, truth) for i in identities(edition, truth, collapsed_other, legacy_appendix)]
