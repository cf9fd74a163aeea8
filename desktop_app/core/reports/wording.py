"""The letter's third step: sentences written only from facts, and the clerk's texts with named values filled in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from .. import vocab
from ..db import models
from . import named_values
from .dates import long_date
from .document import AnswerText, Appendix, Enclosure, Letter, Table
from .facts import (
    SMALLEST_SHOWN_COUNT,
    Catalogue,
    Facts,
    LawCase,
    Statement,
    activity_totals,
    money,
    participant_cell,
    suppressed,
)
from .narratives import current_closing, current_introduction, current_narrative

# More item numbers than this in one sentence are replaced by the appendix's name.
CITE_UP_TO = 12
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
}  # fmt: skip
ONE_OF = {
    "partnerships": "partnership",
    "agreements": "agreement",
    "activities under the partnerships": "activity under the partnerships",
}
WITHHELD_KINDS = {
    "partnership": ("partnership", "partnerships"),
    "agreement": ("agreement", "agreements"),
    "activity": ("activity", "activities"),
    "oversight": ("oversight action", "oversight actions"),
    "policy": ("policy", "policies"),
    "counts": ("table of participant counts", "tables of participant counts"),
    "attachment": ("enclosed document", "enclosed documents"),
}
APPENDIX_TITLES = {
    "A": "Partnerships on record",
    "B": "Agreements",
    "C": "Activities under the partnerships",
    "D": "Oversight log",
    "E": "Policies",
    "F": "Visa precautions: participants counted, never named",
    "G": "Enclosed documents and their fingerprints",
}


def state_name(code: str) -> str:
    return US_STATES.get(code.strip().upper(), code.strip())


def letterhead_title(home: models.Jurisdiction, kind_label: str) -> str:
    """'City of Kansas City', or the name alone when it already says what it is ('Jackson County')."""
    if home.kind in ("county", "state") and kind_label.lower() in home.name.lower().split():
        return home.name
    return f"{kind_label} of {home.name}"


def jurisdiction_display(home: models.Jurisdiction) -> str:
    """'Kansas City, Missouri'."""
    return f"{home.name}, {state_name(home.state)}" if home.state else home.name


def plural(number: int, one: str, many: str | None = None) -> str:
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def cite(numbers: Sequence[str], appendix: str = "") -> str:
    """'A1–A3, A5', or the appendix's name when there are too many numbers to read."""
    if not numbers:
        return f"Appendix {appendix}" if appendix else ""
    if len(numbers) > CITE_UP_TO:
        return f"Appendix {numbers[0][0]}"
    runs: list[list[str]] = []
    for number in numbers:
        if (
            runs
            and number[0] == runs[-1][-1][0]
            and number[1:].isdigit()
            and runs[-1][-1][1:].isdigit()
            and (int(number[1:]) == int(runs[-1][-1][1:]) + 1)
        ):
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(
        run[0] if len(run) == 1 else f"{run[0]}–{run[-1]}" if len(run) > 2 else f"{run[0]}, {run[1]}" for run in runs
    )


def join_words(words: Sequence[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def _topic_words(topics: Sequence[str]) -> str:
    ordered = [topic for topic in vocab.TOPICS if topic in topics] + [t for t in topics if t not in vocab.TOPICS]
    return join_words([vocab.label(vocab.TOPICS, topic).lower() for topic in ordered], "or")


class Writer:
    """Turns statements into sentences in the letter's date style and the jurisdiction's word for itself."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        gathered = facts.gathered
        self.style = gathered.date_style
        self.kind = vocab.label(vocab.JURISDICTION_KINDS, gathered.home.kind)
        self.as_of = long_date(gathered.letter_date, self.style)

    def date(self, value: dt.date | None) -> str:
        return long_date(value, self.style)

    def _ended(self, figures: dict[str, Any]) -> str:
        """Which partnerships are terminated and which suspended, each with its date and basis, and the notices."""
        parts: list[str] = []
        for status in ("terminated", "suspended"):
            rows = figures[status]
            if not rows:
                parts.append(f"none is {status}")
            elif len(rows) > CITE_UP_TO:
                parts.append(f"{len(rows):,} are {status} (each with its date in Appendix A)")
            else:
                listed = join_words([_ended_one(number, since, basis, self) for number, since, basis in rows])
                parts.append(f"{len(rows):,} {'is' if len(rows) == 1 else 'are'} {status}: {listed}")
        text = f"Of the {plural(int(figures['listed']), 'partnership')} listed in Appendix A, {'; '.join(parts)}."
        notices = figures["notices"]
        if notices:
            text += f" Termination notices on record: {cite(notices, 'B')}."
        else:
            text += " No termination notice is recorded among the agreements."
        return text

    def _law_requires(self, figures: dict[str, Any]) -> str:
        """'Under Tex. Gov't Code ch. 795 (“...”), the City had to end its partnerships ... by October 1, 2025.'"""
        under = f"Under {figures['citation']} (“{figures['title']}”)"
        countries = join_words(list(figures["countries"]), "or")
        deadline = figures["deadline"]
        if figures["terminate_existing"]:
            if deadline is None:
                return (
                    f"{under}, the {self.kind} has to end its partnerships with communities in {countries}; the law "
                    "sets no deadline."
                )
            verb = "had" if deadline < self.facts.gathered.letter_date else "has"
            return (
                f"{under}, the {self.kind} {verb} to end its partnerships with communities in {countries} by "
                f"{self.date(deadline)}."
            )
        acts = [word for word, on in (("establish", figures["no_new"]), ("renew", figures["no_renewal"])) if on]
        since = f"Since {self.date(figures['effective'])}, under" if figures["effective"] else "Under"
        under = f"{since} {figures['citation']} (“{figures['title']}”)"
        clauses = join_words(list(figures["clauses"]), "or")
        if acts:
            acting = join_words(acts, "or")
            text = (
                f"{under}, the {self.kind} may not {acting} a partnership or agreement with a community in {countries}."
            )
            if clauses:
                text += f" Nor may it sign an agreement that {clauses}."
            return text
        return f"{under}, the {self.kind} may sign no agreement with a community in {countries} that {clauses}."

    def _law_evidence(self, case: LawCase) -> str:
        """'with evidence on record of a council ... resolution and notice to the partner community (G1, G2)'."""
        if not case.steps:
            return ""
        where = [cite(case.enclosed)] if case.enclosed else []
        if case.files_withheld:
            files = plural(case.files_withheld, "document")
            where.append(f"{files} withheld from this letter")
        shown = f" ({'; '.join(where)})" if where else ""
        return f"with evidence on record of {join_words(list(case.steps))}{shown}"

    def _law_terminated(self, case: LawCase, subject: str, deadline: dt.date | None) -> str:
        if case.terminated_on is None:
            return f"{subject} is recorded as terminated (the date it ended is not recorded)"
        late = f", after the deadline of {self.date(deadline)}" if case.late and deadline else ""
        return f"the {self.kind} terminated {subject} on {self.date(case.terminated_on)}{late}"

    def _state_law(self, figures: dict[str, Any], refs: Sequence[str]) -> str:
        """What the rule requires, which partnerships it concerns, and for each the records' answer."""
        text = self._law_requires(figures)
        count, withheld = int(figures["count"]), int(figures["withheld"])
        held = count + withheld
        partnerships = f"{held:,} of the {self.kind}'s partnerships"
        numbers = [number for number in refs if number.startswith("A")]
        if withheld == held:
            aside = ", withheld from this letter" if held == 1 else ", all withheld from this letter"
            return f"{text} It concerns {partnerships}{aside}."
        aside = f", {withheld:,} of them withheld from this letter" if withheld else ""
        text += f" It concerns {partnerships}{aside} ({cite(numbers, 'A')})"
        single = count == 1 and not withheld
        said: list[str] = []
        for case in figures["cases"]:
            subject = "it" if single else case.number
            if case.result == "complied" and figures["terminate_existing"]:
                evidence = self._law_evidence(case)
                said.append(
                    self._law_terminated(case, subject, figures["deadline"]) + (f", {evidence}" if evidence else "")
                )
            elif case.result == "complied":
                said.append(
                    f"{subject} was terminated on {self.date(case.terminated_on)}"
                    if case.terminated_on
                    else f"{subject} is recorded as terminated (the date it ended is not recorded)"
                )
            elif case.result == "no_new_allowed":
                after = f" after {self.date(figures['effective'])}" if figures["effective"] else ""
                said.append(
                    f"{subject} is recorded as {case.status}, with no new agreement or renewal{after} on record"
                )
            elif case.result == "clauses_clear":
                whose = "its" if single else f"{case.number}'s"
                said.append(f"the clause checklist of {whose} agreements shows none of the clauses the law names")
        if said:
            text += "; " + "; ".join(said)
        return text + "."

    def _state_law_due(self, figures: dict[str, Any]) -> str:
        """A partnership the rule reaches whose records do not show it complied: overdue, action needed, evidence."""
        case = figures["case"]
        citation, deadline = figures["citation"], figures["deadline"]
        number = case.number
        if case.result == "overdue":
            return (
                f"{number} is overdue under {citation}: it is recorded as {case.status} on {self.as_of}, and "
                f"partnerships had to be terminated by {self.date(deadline)}."
            )
        if case.result == "evidence_missing":
            text = f"Under {citation}, " + self._law_terminated(case, number, deadline)
            evidence = self._law_evidence(case)
            text += f", {evidence}, but" if evidence else ","
            return text + f" without evidence of {join_words(list(case.missing), 'or')} in the records."
        if case.result == "clause_review":
            if case.agreements:
                return (
                    f"Under {citation}, the clauses of agreements under {number} ({cite(case.agreements, 'B')}) need "
                    "review: the checklist notes a clause the law names."
                )
            return f"Under {citation}, the records hold no agreement of {number} whose clauses could be checked."
        # Action needed.
        if figures["terminate_existing"]:
            by = f" by {self.date(deadline)}" if deadline else " (the law sets no deadline)"
            return (
                f"Action is needed on {number} under {citation}: it is recorded as {case.status}, and partnerships "
                f"must be terminated{by}."
            )
        effective = self.date(figures["effective"]) if figures["effective"] else ""
        if case.agreements:
            return (
                f"Action is needed on {number} under {citation}: an agreement or renewal under it "
                f"({cite(case.agreements, 'B')}) was signed after the law took effect on {effective}."
            )
        if case.established_after:
            return (
                f"Action is needed on {number} under {citation}: the partnership was established after the law "
                f"took effect on {effective}."
            )
        if case.status == "proposed":
            return f"Action is needed on {number} under {citation}: a proposed partnership may not be established."
        return (
            f"Action is needed on {number} under {citation}: an agreement or renewal under it, withheld from this "
            f"letter, was signed after the law took effect on {effective}."
        )

    def sentence(self, statement: Statement) -> str:
        figures, refs = statement.figures, statement.backing
        kind = statement.kind
        count = int(figures.get("count", 0))
        withheld = int(figures.get("withheld", 0))
        # "3 partnerships, 1 of them withheld from this letter": what the records hold, and what the letter leaves out.
        held = count + withheld
        if withheld == held:
            aside = ", withheld from this letter" if held == 1 else ", all withheld from this letter"
        else:
            aside = f", {withheld:,} of them withheld from this letter" if withheld else ""
        if withheld:
            others = "the other one" if count == 1 else f"the other {count:,}"
        else:
            others = "it" if count == 1 else f"these {count:,}"
        if kind == "none_held":
            return f"The {self.kind}'s records hold no {figures['what']} as of {self.as_of}."
        if kind == "all_withheld" and count == 1:
            one = ONE_OF.get(str(figures["what"]), str(figures["what"]))
            return f"The {self.kind}'s records hold 1 {one} as of {self.as_of}; it is withheld from this letter."
        if kind == "all_withheld":
            return (
                f"The {self.kind}'s records hold {count:,} {figures['what']} as of {self.as_of}, all withheld from "
                "this letter."
            )
        if kind == "partnerships":
            parts = [f"{number:,} {label}" for label, number in figures["by_status"]]
            if count == 1:
                status = next(label for label, number in figures["by_status"] if number)
                lead = f"As of {self.as_of}, the {self.kind}'s records hold {plural(held, 'partnership')}{aside}"
                if withheld:
                    return f"{lead}; the other one ({cite(refs, 'A')}) is {status}."
                return f"{lead} ({cite(refs, 'A')}); it is {status}."
            if withheld:
                return (
                    f"As of {self.as_of}, the {self.kind}'s records hold {plural(held, 'partnership')}{aside}; "
                    f"{others} ({cite(refs, 'A')}) {'is' if count == 1 else 'are'}: {join_words(parts)}."
                )
            return (
                f"As of {self.as_of}, the {self.kind}'s records hold {plural(count, 'partnership')} "
                f"({cite(refs, 'A')}): {join_words(parts)}."
            )
        if kind == "agreements":
            published, linked = int(figures["published"]), int(figures["linked"])
            where = f", {linked:,} at a public address given in Appendix B" if linked and linked < published else ""
            where = ", at a public address given in Appendix B" if linked and linked == published else where
            if withheld:
                text = (
                    f"The records hold {plural(held, 'agreement')} under these partnerships{aside}; of {others} "
                    f"({cite(refs, 'B')}), {published:,} {'is' if published == 1 else 'are'} recorded as published"
                )
            elif count == 1:
                text = f"The records hold 1 agreement under these partnerships ({cite(refs, 'B')}); it is "
                text += "recorded as published" if published else "not recorded as published"
            else:
                text = (
                    f"The records hold {plural(count, 'agreement')} under these partnerships ({cite(refs, 'B')}); "
                    f"{published:,} of them {'is' if published == 1 else 'are'} recorded as published"
                )
            text += where + "."
            without = int(figures["partnerships_without"])
            if without:
                text += f" {plural(without, 'partnership')} {'has' if without == 1 else 'have'} no agreement on record."
            return text
        if kind == "expired":
            return f"{plural(count, 'agreement')} expired before the date of this letter ({cite(refs, 'B')})."
        if kind == "clauses":
            having = [f"{label} in {n:,} ({cite(numbers, 'B')})" for label, n, numbers in figures["clauses"] if n]
            none = join_words([label for label, n, _ in figures["clauses"] if not n], "or")
            if count == 1:
                if not having:
                    return f"The agreement listed in Appendix B is not recorded to contain {none}."
                having = [label.split(" in ")[0] for label in having]
                number = cite(refs, "B")
                text = f"The agreement listed in Appendix B ({number}) is recorded to contain {join_words(having)}"
                return text + (f"; it is not recorded to contain {none}." if none else ".")
            text = f"Of the {plural(count, 'agreement')} listed in Appendix B, "
            if having:
                text += "the records note " + join_words(having)
                if none:
                    text += f"; none is recorded to contain {none}"
            else:
                text += f"none is recorded to contain {none}"
            return text + "."
        if kind == "activities":
            listed = int(figures["listed"])
            text = f"The records hold {plural(held, 'activity', 'activities')} under the partnerships{aside}"
            first, last = figures["first"], figures["last"]
            if isinstance(first, dt.date) and isinstance(last, dt.date):
                lead = f"; {others} {'is' if count == 1 else 'are'} dated" if withheld else ", dated"
                span = f"from {self.date(first)} to {self.date(last)}" if first != last else self.date(first)
                text += f"{lead} {span}"
            undated = int(figures["undated"])
            if undated and (first or last):
                text += f" ({undated:,} undated)"
            if listed < count:
                return text + f"; the {listed:,} most recent are listed in Appendix C, where all are counted by kind."
            return text + f" ({cite(refs, 'C')})."
        if kind == "funding":
            totals: dict[tuple[str, str], int] = figures["totals"]
            if not totals:
                return "No funding is recorded for these activities."
            parts = [f"{money(cents, currency)} from {label}" for (label, currency), cents in totals.items()]
            return f"Funding recorded for them: {join_words(parts)} (totals in Appendix C)."
        if kind == "foreign_government":
            if not count:
                return "No activity under the partnerships is recorded as involving a foreign government."
            if int(figures["of"]) == 1:
                return f"The activity counted is recorded as involving a foreign government ({cite(refs, 'C')})."
            return (
                f"{count:,} of the {plural(int(figures['of']), 'activity', 'activities')} counted "
                f"{'is' if count == 1 else 'are'} recorded as involving a "
                f"foreign government ({cite(refs, 'C')})."
            )
        if kind == "gifts":
            if not count:
                return "No gift is recorded for any activity under the partnerships."
            if int(figures["of"]) == 1:
                return f"Gifts are recorded for the activity counted ({cite(refs, 'C')})."
            of = plural(int(figures["of"]), "activity", "activities")
            return f"Gifts are recorded for {count:,} of the {of} ({cite(refs, 'C')})."
        if kind == "intermediaries":
            partnerships = plural(int(figures["of"]), "partnership")
            if not count:
                if int(figures["of"]) == 1:
                    return "No intermediary organisation is recorded for the partnership."
                return f"No intermediary organisation is recorded for any of the {partnerships}."
            return (
                f"Intermediary organisations are named for {count:,} of the {partnerships} "
                f"({cite(refs, 'A')}; listed in Appendix C)."
            )
        if kind == "participants":
            return (
                f"The records hold {plural(count, 'participant')} in partnership activities. Of them, "
                f"{suppressed(figures['visa'], count)} have a visa category recorded, "
                f"{suppressed(figures['sponsor'], count)} a program sponsor and "
                f"{suppressed(figures['vetted'], count)} at least one vetting step (Appendix F, "
                "which counts and names no one)."
            )
        if kind == "participants_withheld":
            return "The counts of participants are withheld from this letter (see above)."
        if kind == "policies":
            topics = _topic_words(figures["topics"])
            if not held:
                return f"The {self.kind}'s records hold no policies concerning {topics} as of {self.as_of}."
            where = f" ({cite(refs, 'E')})" if count else ""
            return f"The records hold {plural(held, 'policy', 'policies')} concerning {topics}{aside}{where}."
        if kind == "oversight":
            topics = _topic_words(figures["topics"])
            if not held:
                return f"The {self.kind}'s records hold no oversight actions concerning {topics} as of {self.as_of}."
            if not count:
                actions = plural(held, "oversight action")
                return f"The records hold {actions} concerning {topics}, all withheld from this letter."
            still_open = int(figures.get("open", 0))
            listed = int(figures["listed"])
            where = cite(refs, "D") if listed == count else "Appendix D"
            verb = "is" if held == 1 else "are"
            text = f"{plural(held, 'oversight action')} concerning {topics} {verb} recorded{aside} ({where})"
            if held == 1:
                return text + ("; it is planned or open." if still_open else "; it is closed.")
            return text + (f", {still_open:,} of them planned or open." if still_open else ", all of them closed.")
        if kind == "overdue":
            where = f" ({cite(refs, 'D')})" if refs else " (Appendix D)"
            return f"{plural(count, 'follow-up')} on these topics {'is' if count == 1 else 'are'} overdue{where}."
        if kind == "ended":
            return self._ended(figures)
        if kind == "state_law":
            return self._state_law(figures, refs)
        if kind == "state_law_due":
            return self._state_law_due(figures)
        if kind == "stale_reviews":
            in_force = plural(int(figures["in_force"]), "partnership")
            if count == int(figures["in_force"]) == 1:
                said = "The partnership in force has no review"
            elif count == int(figures["in_force"]):
                said = f"None of the {in_force} in force has a review"
            else:
                said = f"{count:,} of the {in_force} in force {'has' if count == 1 else 'have'} no review"
            return f"{said} on record in the 12 months before this letter ({cite(refs, 'A')})."
        raise ValueError(f"no wording for a statement of kind {kind!r}")


def _ended_one(number: str, since: dt.date | None, basis: str, writer: Writer) -> str:
    said = f"{number} since {writer.date(since)}" if since else f"{number} (no dated change of status recorded)"
    return f"{said} ({basis})" if basis else said


def named_value_table(facts: Facts, writer: Writer, signatory: str) -> dict[str, str]:
    """The values a clerk's text may name: each one a count or date the appendices show."""
    gathered = facts.gathered
    inquiry = gathered.inquiry
    statuses = {status: 0 for status in vocab.PARTNERSHIP_STATUSES}
    by_id = {p.id: p.status for p in gathered.partnerships}
    for item in facts.partnerships.items:
        statuses[by_id[item.record_id]] += 1
    agreements = gathered.agreement_by_id
    published = sum(
        1
        for item in facts.agreements.items
        if agreements[item.record_id].published_on or agreements[item.record_id].public_url.strip()
    )
    countries = sorted(
        {
            p.partner.country_name
            for p in gathered.partnerships
            if p.partner.country_name and f"partnership:{p.id}" not in gathered.withheld
        }
    )
    reviews = [d for d in gathered.oversight.latest_reviews.values()]
    reviews += [p.last_reviewed_on for p in gathered.partnerships if p.last_reviewed_on]
    still_open = sum(n for what, value, n in facts.oversight.facet_counts if what == "Status" and value != "Closed")
    return {
        "jurisdiction_name": jurisdiction_display(gathered.home),
        "jurisdiction_kind": writer.kind,
        "as_of_date": writer.as_of,
        "inquiry_reference": inquiry.reference or inquiry.subject,
        "inquiry_date": writer.date(inquiry.sent_on or inquiry.received_on) or "undated",
        "signatory_name": signatory,
        "total_partnerships": str(len(facts.partnerships.items)),
        **{f"{status}_partnerships": str(number) for status, number in statuses.items()},
        "unconfirmed_partnerships": str(len(facts.unconfirmed)),
        "partner_countries": ", ".join(countries) if countries else "none recorded",
        "agreements_total": str(len(facts.agreements.items)),
        "agreements_published": str(published),
        "agreements_unpublished": str(len(facts.agreements.items) - published),
        "policies_total": str(len(facts.policies.items)),
        "oversight_actions_total": str(facts.oversight.counted),
        "open_oversight_actions": str(still_open),
        "last_review_date": writer.date(max(reviews)) if reviews else "none recorded",
        "activities_total": str(facts.activities.counted),
        "participants_total": str(facts.participants_total),
        "question_policies": "0",
        "question_oversight_actions": "0",
    }


def _signatory(response: models.Response, home: models.Jurisdiction) -> tuple[str, str]:
    if response.signatory_name.strip():
        return response.signatory_name.strip(), response.signatory_title.strip()
    if home.signatory_name.strip():
        return home.signatory_name.strip(), home.signatory_title.strip()
    return home.clerk_name.strip(), home.clerk_title.strip()


def address_blocks(text: str) -> list[str]:
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def compose(facts: Facts, created: dt.datetime | None) -> Letter:
    """The whole letter as plain data: every sentence from a statement of the facts or from the clerk."""
    gathered = facts.gathered
    response, inquiry, home = gathered.response, gathered.inquiry, gathered.home
    writer = Writer(facts)
    signatory_name, signatory_title = _signatory(response, home)
    values = named_value_table(facts, writer, signatory_name)
    title = letterhead_title(home, writer.kind)
    answers_by_question = {answer.question_id: answer for answer in response.answers}
    answers: list[AnswerText] = []
    questions = {question.position: question for question in inquiry.questions}
    for question_facts in facts.questions:
        question = questions[question_facts.position]
        stored = answers_by_question.get(question.id)
        question_values = {
            **values,
            "question_policies": str(
                next((s.figures["count"] for s in question_facts.statements if s.kind == "policies"), 0)
            ),
            "question_oversight_actions": str(
                next((s.figures["count"] for s in question_facts.statements if s.kind == "oversight"), 0)
            ),
        }
        narrative = named_values.fill(current_narrative(stored.narrative if stored else ""), question_values)
        paragraphs = [block.strip() for block in narrative.replace("\r\n", "\n").split("\n\n") if block.strip()]
        # What the records hold is one paragraph, but for the state law that applies: a paragraph of its own.
        held: list[str] = []
        for statement in question_facts.statements:
            if statement.warning:
                continue
            if statement.kind == "state_law":
                paragraphs += [" ".join(held)] if held else []
                paragraphs.append(writer.sentence(statement))
                held = []
            else:
                held.append(writer.sentence(statement))
        if held:
            paragraphs.append(" ".join(held))
        answers.append(
            AnswerText(
                position=question_facts.position,
                title=question_facts.short_title or f"Question {question_facts.position}",
                question=question_facts.text,
                paragraphs=tuple(paragraphs),
                warnings=tuple(writer.sentence(s) for s in question_facts.statements if s.warning),
            )
        )
    letterhead = [state_name(home.state)] if home.state else []
    letterhead += [line.strip() for line in home.postal_address.splitlines() if line.strip()]
    phone_email = " · ".join(part for part in (home.phone.strip(), home.email.strip()) if part)
    if phone_email:
        letterhead.append(phone_email)
    recipients = address_blocks(inquiry.recipients)
    optional = address_blocks(inquiry.optional_recipients)
    if response.include_optional_recipients:
        recipients += optional
        optional = []
    if not recipients and inquiry.from_whom.strip():
        recipients = [inquiry.from_whom.strip()]
    issued = response.issued_on is not None
    status_line = f"Response No. {response.id} · Issued {writer.date(response.issued_on)}" if issued else ""
    return Letter(
        draft=not issued,
        jurisdiction_name=values["jurisdiction_name"],
        letterhead_title=title,
        letterhead_lines=tuple(letterhead),
        logo=gathered.logo,
        status_line=status_line,
        date_text=writer.date(gathered.letter_date),
        recipients=tuple(recipients),
        reference=inquiry.reference.strip() or inquiry.subject.strip(),
        salutation=inquiry.salutation.strip() or "Dear Sir or Madam:",
        opening=tuple(_opening(facts, writer, values, title)),
        answers=tuple(answers),
        other_warnings=tuple(writer.sentence(s) for s in facts.flags_unplaced),
        closing=tuple(
            block.strip()
            for block in named_values.fill(current_closing(response.closing), values).split("\n\n")
            if block.strip()
        ),
        signatory_name=signatory_name,
        signatory_title=signatory_title,
        contact=_contact(home),
        cc=tuple(", ".join(block.splitlines()[:2]) for block in optional),
        enclosures=tuple(
            Enclosure(number, gathered.attachments[attachment_id].title)
            for number, attachment_id, _ in facts.enclosures
        ),
        attached="Appendices: "
        + "; ".join(f"{letter}, {APPENDIX_TITLES[letter].split(':')[0].lower()}" for letter in "ABCDEFG")
        + ".",
        appendices=tuple(_appendices(facts, writer)),
        footer=f"{values['jurisdiction_name']} · Response to the letter of {values['inquiry_date']}",
        title=f"Response of the {title} to the letter of {values['inquiry_date']}",
        subject=inquiry.subject.strip() or inquiry.reference.strip(),
        created=created,
    )


def _contact(home: models.Jurisdiction) -> str:
    parts = [
        part
        for part in (home.clerk_name.strip(), home.clerk_title.strip(), home.phone.strip(), home.email.strip())
        if part
    ]
    return "Contact: " + ", ".join(parts) if parts else ""


def _opening(facts: Facts, writer: Writer, values: dict[str, str], title: str) -> list[str]:
    gathered = facts.gathered
    inquiry, response = gathered.inquiry, gathered.response
    sent = inquiry.sent_on or inquiry.received_on
    letter_of = f"your letter of {writer.date(sent)}" if sent else "your letter"
    addressed = f", addressed to {inquiry.to_whom.strip()}," if inquiry.to_whom.strip() else ""
    about = (
        f" concerning {inquiry.subject.strip()[0].lower()}{inquiry.subject.strip()[1:]}"
        if inquiry.subject.strip()
        else ""
    )
    paragraphs = [f"The {title} answers {letter_of}{addressed}{about}."]
    if gathered.superseded is not None:
        previous = gathered.superseded
        paragraphs.append(
            f"This letter supersedes our letter of {writer.date(previous.letter_date or previous.issued_on)} "
            f"(Response No. {previous.id})."
        )
    introduction = named_values.fill(current_introduction(response.introduction), values)
    paragraphs += [block.strip() for block in introduction.split("\n\n") if block.strip()]
    if facts.state_law_unplaced:
        # No question concerns termination or transparency: the state law that applies is its own paragraph.
        paragraphs.append(" ".join(writer.sentence(statement) for statement in facts.state_law_unplaced))
    if facts.unconfirmed:
        count = len(facts.unconfirmed)
        listed = len(facts.partnerships.items)
        if count == listed:
            which = (
                "The partnership in Appendix A comes"
                if count == 1
                else f"All {count:,} partnerships in Appendix A come"
            )
            paragraphs.append(
                f"{which} from a public list and {'has' if count == 1 else 'have'} not yet been confirmed against "
                f"the {writer.kind}'s own records; {'it is' if count == 1 else 'each is'} marked unconfirmed, with "
                "its source."
            )
        else:
            paragraphs.append(
                f"Of the {plural(listed, 'partnership')} in Appendix A, {count:,} ({cite(facts.unconfirmed, 'A')}) "
                f"{'comes' if count == 1 else 'come'} from a public list and {'has' if count == 1 else 'have'} not "
                f"yet been confirmed against the {writer.kind}'s own records; each is marked unconfirmed, with its "
                "source."
            )
    if facts.withheld:
        count = len(facts.withheld)
        kinds: dict[str, int] = {}
        for item in facts.withheld:
            kinds[item.ref.split(":", 1)[0]] = kinds.get(item.ref.split(":", 1)[0], 0) + 1
        what = join_words(
            [plural(number, *WITHHELD_KINDS.get(kind, (kind, kind + "s"))) for kind, number in kinds.items()]
        )
        reason = response.withheld_reason.strip() or "(the reason has not been given yet)"
        reason = reason if reason.endswith((".", "!", "?")) else reason + "."
        verb = "is" if count == 1 else "are"
        paragraphs.append(f"{plural(count, 'item')} ({what}) {verb} withheld from this letter: {reason}")
    return paragraphs


def _withheld_note(catalogue: Catalogue, one: str) -> str:
    """' 2 agreements withheld from this letter are not listed.', or nothing."""
    if not catalogue.withheld:
        return ""
    verb = "is" if catalogue.withheld == 1 else "are"
    return f" {plural(catalogue.withheld, one, catalogue.what)} withheld from this letter {verb} not listed."


def _table(catalogue: Catalogue, headers: tuple[str, ...], widths: tuple[float, ...], heading: str = "") -> Table:
    return Table(headers, widths, tuple(item.cells for item in catalogue.items), catalogue.numbers(), heading)


def _appendices(facts: Facts, writer: Writer) -> list[Appendix]:
    kind = writer.kind
    as_of = writer.as_of
    found: list[Appendix] = []

    def add(letter: str, notes: list[str], tables: list[Table], empty: str, catalogue: Catalogue) -> None:
        # "holds no ..." only of what the records do not hold: what is withheld is said in the notes.
        if not tables and not catalogue.held:
            notes.append(empty)
        found.append(
            Appendix(letter, APPENDIX_TITLES[letter], tuple(n.strip() for n in notes if n.strip()), tuple(tables))
        )

    partnerships = facts.partnerships
    add(
        "A",
        [
            f"The partnerships of {jurisdiction_display(facts.gathered.home)} as recorded on {as_of}, every status "
            "included. A partnership marked unconfirmed comes from a public list and has not yet been checked against "
            f"the {kind}'s own records; its source is given. A review older than 12 months is marked."
            + _withheld_note(partnerships, "partnership")
        ],
        [
            _table(
                partnerships,
                ("No.", "Partner", "Status", "Established", "Last reviewed", "Record and source"),
                (0.06, 0.24, 0.17, 0.13, 0.13, 0.27),
            )
        ]
        if partnerships.items
        else [],
        f"The {kind}'s records hold no partnerships as of {as_of}.",
        partnerships,
    )
    agreements = facts.agreements
    add(
        "B",
        [
            "Each agreement with where it is published, when it expires and the clauses of concern the records note "
            "(political clauses, restrictions on speech or curriculum, data sharing, confidentiality, funding "
            "obligations, binding terms, termination)." + _withheld_note(agreements, "agreement")
        ],
        [
            _table(
                agreements,
                ("No.", "Agreement", "Publication", "Expiry", "Clauses of concern"),
                (0.06, 0.28, 0.22, 0.14, 0.3),
            )
        ]
        if agreements.items
        else [],
        f"The {kind}'s records hold no agreements as of {as_of}.",
        agreements,
    )
    found.append(_activities_appendix(facts, writer))
    oversight_catalogue = facts.oversight
    notes = [
        "Every review, assessment, briefing and other oversight action on record, with its finding and status; a "
        "follow-up past its due date is marked OVERDUE." + _withheld_note(oversight_catalogue, "oversight action")
    ]
    tables: list[Table] = []
    if oversight_catalogue.summarised and oversight_catalogue.items:
        notes.append(
            f"The records hold {oversight_catalogue.counted:,} oversight actions, too many to list in a letter: all "
            f"are counted below by kind, status and risk, and the {len(oversight_catalogue.items)} most recent are "
            "listed. The others are held in the records and can be provided on request."
        )
        tables.append(
            Table(
                ("Counted by", "Value", "Number"),
                (0.25, 0.55, 0.2),
                tuple((what, value, f"{number:,}") for what, value, number in oversight_catalogue.facet_counts),
            )
        )
    if oversight_catalogue.items:
        tables.append(
            _table(
                oversight_catalogue,
                ("No.", "Date", "Kind and partnership", "Finding", "Status"),
                (0.06, 0.13, 0.2, 0.43, 0.18),
            )
        )
    add("D", notes, tables, f"The {kind}'s records hold no oversight actions as of {as_of}.", oversight_catalogue)
    policies = facts.policies
    add(
        "E",
        ["The policies, ordinances, procedures and training the records hold." + _withheld_note(policies, "policy")],
        [_table(policies, ("No.", "Policy", "Adopted", "Topics", "Summary"), (0.06, 0.26, 0.16, 0.16, 0.36))]
        if policies.items
        else [],
        f"The {kind}'s records hold no policies as of {as_of}.",
        policies,
    )
    found.append(_participants_appendix(facts, writer))
    found.append(_enclosures_appendix(facts))
    return found


def _activities_appendix(facts: Facts, writer: Writer) -> Appendix:
    catalogue = facts.activities
    notes = [
        "Each exchange, delegation, event or gift under a partnership, with its dates, funding by source, gifts and "
        "any involvement of a foreign government." + _withheld_note(catalogue, "activity")
    ]
    tables: list[Table] = []
    if catalogue.summarised and catalogue.items:
        undated = f" ({catalogue.undated:,} of them undated)" if catalogue.undated else ""
        notes.append(
            f"The records hold {catalogue.counted:,} activities{undated}, too many to list in a letter: all are "
            f"counted below by kind and in the funding totals, and the {len(catalogue.items)} most recent are listed."
        )
        tables.append(
            Table(
                ("Kind", "Number"),
                (0.75, 0.25),
                tuple((value, f"{number:,}") for _, value, number in catalogue.facet_counts),
            )
        )
    if catalogue.items:
        tables.append(
            _table(
                catalogue,
                ("No.", "Dates", "Activity", "Funding by source", "Gifts and foreign government"),
                (0.06, 0.14, 0.3, 0.22, 0.28),
            )
        )
    if catalogue.counted:
        totals: dict[tuple[str, str], int] = activity_totals(facts.gathered)["funding"]
        rows = tuple(
            (f"{label[0].upper()}{label[1:]}", money(cents, currency)) for (label, currency), cents in totals.items()
        )
        tables.append(
            Table(
                ("Source of funding", "Total over the activities counted"),
                (0.6, 0.4),
                rows or (("None recorded", "–"),),
                heading="Funding totals",
            )
        )
    by_id = {p.id: p for p in facts.gathered.partnerships}
    named = [
        (item.number, item.cells[1].split("\n")[0], by_id[item.record_id].intermediaries.strip())
        for item in facts.partnerships.items
        if by_id[item.record_id].intermediaries.strip()
    ]
    if named:
        tables.append(
            Table(
                ("Partnership", "Intermediary organisations named"),
                (0.3, 0.7),
                tuple((f"{number}, {name}", text) for number, name, text in named),
                heading="Intermediaries",
            )
        )
    if not tables and not catalogue.held:
        notes.append(f"The {writer.kind}'s records hold no activities under the partnerships as of {writer.as_of}.")
    return Appendix("C", APPENDIX_TITLES["C"], tuple(notes), tuple(tables))


def _participants_appendix(facts: Facts, writer: Writer) -> Appendix:
    notes = [
        "Participants in partnership activities, counted by what the records note of the precautions taken; no "
        f'participant is named. A count under {SMALLEST_SHOWN_COUNT} is printed as "fewer than '
        f'{SMALLEST_SHOWN_COUNT}", and a count that would give away such a small remainder as "more than", so that '
        "no person can be singled out."
    ]
    if facts.participants_withheld:
        notes.append("These counts are withheld from this letter (see the first page).")
        return Appendix("F", APPENDIX_TITLES["F"], tuple(notes), ())
    if not facts.participants:
        notes.append(
            f"The {writer.kind}'s records hold no participants in partnership activities as of {writer.as_of}."
        )
        return Appendix("F", APPENDIX_TITLES["F"], tuple(notes), ())
    total = facts.participants_total
    tables = tuple(
        Table(
            (counted_by, "Participants"),
            (0.7, 0.3),
            tuple((value, participant_cell(number, total)) for value, number in rows),
        )
        for counted_by, rows in facts.participants
    )
    return Appendix("F", APPENDIX_TITLES["F"], tuple(notes), tables)


def _enclosures_appendix(facts: Facts) -> Appendix:
    notes = [
        "Each enclosed document is identified by its SHA-256 fingerprint: any copy whose fingerprint matches is "
        "exactly the document kept in the records."
    ]
    if not facts.enclosures:
        notes.append("No documents are enclosed with this letter.")
        return Appendix("G", APPENDIX_TITLES["G"], tuple(notes), ())
    rows = []
    for number, attachment_id, concerns in facts.enclosures:
        row = facts.gathered.attachments[attachment_id]
        rows.append(
            (
                number,
                f"{row.title}\nFile: {row.file_name}, {_size(row.size)}\nConcerns: {concerns}",
                f"SHA-256:\n{row.sha256}",
            )
        )
    return Appendix(
        "G",
        APPENDIX_TITLES["G"],
        tuple(notes),
        (
            Table(
                ("No.", "Document", "Fingerprint"),
                (0.06, 0.5, 0.44),
                tuple(rows),
                tuple(n for n, _, _ in facts.enclosures),
            ),
        ),
    )


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
