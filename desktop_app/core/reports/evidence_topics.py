"""Which of the letter's appendices bear on a question, by its topics: the workspace's checklist and the chart."""

from __future__ import annotations

from collections.abc import Collection

# The appendices (A partnerships, B agreements, C activities, F visa precautions, G enclosures) whose items every
# question on a topic draws on; oversight actions (D) and policies (E) count under a question by their own topics.
SECTIONS_BY_TOPIC = {
    "transparency": {"A", "B", "C", "G"},
    "free_expression": {"B", "G"},
    "espionage": {"B", "C", "G"},
    "economic_coercion": {"B", "C", "G"},
    "visa_programs": {"C", "F", "G"},
    "termination": {"A", "B", "G"},
}
BY_OWN_TOPICS = "DE"


def bears_on(appendix: str, item_topics: Collection[str], question_topics: set[str]) -> bool:
    """Whether an item of that appendix, with those topics, is evidence for a question on those topics."""
    if not question_topics:
        return appendix == "A"  # a question with no topic is answered with the partnerships alone
    appendices = set().union(*(SECTIONS_BY_TOPIC.get(topic, set()) for topic in question_topics))
    return appendix in appendices or (appendix in BY_OWN_TOPICS and bool(question_topics & set(item_topics)))
