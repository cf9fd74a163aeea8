"""The columns each list shows, derived from core's field descriptions."""

from __future__ import annotations

from ...core import vocab
from ...core.records.fields import Field, display_value
from ...core.records.kinds import kind_named
from ...core.records.names import PARTNERSHIP_LINK
from ...core.records.service import PARTNERSHIP_ORDER
from .table_model import Column, Row

SHOWN_FIRST = {
    "partnership": ("kind", "status", "established_on", "established_year", "confirmed", "last_reviewed_on"),
    "agreement": ("title", "kind", "signed_on", "expires_on", "topics", "published_on"),
    "activity": ("title", "kind", "starts_on", "place", "participant_count"),
    "participant": ("role", "nationality", "visa_category", "program_sponsor", "vetting_steps"),
    "policy": ("title", "kind", "adopted_on", "reference_number", "topics"),
    "oversight": ("kind", "action_on", "officer", "topics", "risk_level", "status", "due_on"),
    "inquiry": ("subject", "sent_on", "received_on", "due_on", "from_whom"),
    "response": ("inquiry_id", "letter_date", "signatory_name"),
    "jurisdiction": ("name", "state", "kind", "is_home"),
    "partner": ("name", "native_name", "region", "country_name"),
}


def _field_column(field: Field, hidden: bool) -> Column:
    def show(row: Row, field: Field = field) -> str:
        value = row.get(field.name)
        if field.type == "ref":
            return "" if value is None else f"{field.ref_kind.capitalize() if field.ref_kind else ''} {value}"
        return display_value(field, value)

    return Column(field.name, field.label, show, field.name, hidden_by_default=hidden)


def _partner(row: Row) -> str:
    native = f" ({row['partner_native_name']})" if row.get("partner_native_name") else ""
    return f"{row.get('partner_name', '')}{native}"


def _jurisdiction(row: Row) -> str:
    state = f", {row['jurisdiction_state']}" if row.get("jurisdiction_state") else ""
    return f"{row.get('jurisdiction_name', '')}{state}"


def _response_status(row: Row) -> str:
    return vocab.label(vocab.RESPONSE_STATUSES, row.get("status"))


def columns_for(kind_name: str, *, with_partnership: bool = False) -> list[Column]:
    """The columns of a kind's list: its identifying ones first, the rest available but hidden.

    With ``with_partnership``, records that belong to a partnership show its name (rows carry
    ``partnership_name``, see core.records.names.with_partnership_names)."""
    kind = kind_named(kind_name)
    columns = [Column("id", "No.", lambda row: str(row.get("id", "")), "id")]
    if kind.name == "partnership":
        columns += [
            Column("jurisdiction", "US jurisdiction", _jurisdiction, "jurisdiction"),
            Column("partner", "Partner community", _partner, "partner"),
            Column("country", "Country", lambda row: str(row.get("country_name") or ""), "country"),
        ]
    if with_partnership and kind.name in PARTNERSHIP_LINK:
        columns.append(
            Column("partnership", "Partnership", lambda row: str(row.get("partnership_name") or ""), PARTNERSHIP_ORDER)
        )
    if kind.name == "response":
        columns.append(Column("status", "Status", _response_status, "status"))
    first = SHOWN_FIRST.get(kind.name, ())
    by_name = {field.name: field for field in kind.fields}
    for name in first:
        columns.append(_field_column(by_name[name], hidden=False))
    for field in kind.fields:
        if field.name in first or field.name in ("jurisdiction_id", "partner_id"):
            continue
        columns.append(_field_column(field, hidden=True))
    return columns
