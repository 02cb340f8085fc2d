"""Education content: the shipped topics, their loader's checks, the pages built from the
knowledge data (rates, screening rules), and the small markup with hostile input."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taut.clinical.education import (
    MAX_BODY,
    NOT_PUBLICATIONS,
    REQUIRED_TOPICS,
    Block,
    BlockKind,
    Generated,
    PageSources,
    RuleGroupKind,
    load_education,
    markup_problems,
    natural_frequency,
    page_sources,
    parse_markup,
    render_markup,
    risk_groups,
    screening_groups,
)
from taut.clinical.knowledge import DEFAULT_DIRECTORY, KnowledgeError, load_knowledge
from taut.clinical.practice import Level

K = load_knowledge()
DATA = load_education()
ALLOWED_TAGS = re.compile(r"</?(h2|h3|p|ul|ol|li)>")


def copy_knowledge(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    return directory


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the shipped topics -----------------------------------------------------------------------


def test_the_required_topics_exist_in_reading_order():
    assert tuple(topic.slug for topic in DATA.topics) == REQUIRED_TOPICS
    assert [topic.order for topic in DATA.topics] == sorted(t.order for t in DATA.topics)


def test_every_topic_cites_sources_of_the_knowledge_base():
    for topic in DATA.topics:
        assert topic.source, topic.slug
        for key in topic.source:
            assert K.source(key).key == key


def test_the_risks_and_screening_topics_carry_their_generated_parts():
    assert DATA.topic("risks").generated is Generated.RISK_RATES
    assert DATA.topic("who-should-not-have-it").generated is Generated.SCREENING_RULES


def test_the_shipped_bodies_are_clean_markup_with_headings_and_lists():
    for topic in DATA.topics:
        assert markup_problems(topic.body) == [], topic.slug
        assert parse_markup(topic.body), topic.slug


def test_cost_and_insurance_names_no_price_and_asks_the_clinic_for_its_own_text():
    topic = DATA.topic("cost-and-insurance")
    assert "your prices" in topic.clinic_prompt
    assert not re.search(r"[$£€]\s?\d|\d\s?(dollars|pounds|euros)", topic.body, re.IGNORECASE)


def test_no_topic_retypes_an_adverse_event_percentage():
    """Rates belong to adverse_events.toml; the prose must not carry its own copies."""
    for topic in DATA.topics:
        assert not re.search(r"\d+(\.\d+)?\s?%", topic.body), topic.slug


# --- who should not have it ---------------------------------------------------------------------


def test_every_absolute_contraindication_is_said_in_patient_language():
    covered = {code for statement in DATA.rule_texts for code in statement.rules}
    absolute = {r.code for r in K.contraindications if r.level is Level.CONTRAINDICATED}
    assert absolute <= covered


def test_every_screening_rule_has_a_patient_statement_exactly_once():
    codes = [code for statement in DATA.rule_texts for code in statement.rules]
    assert sorted(codes) == sorted(rule.code for rule in K.contraindications)


def test_absolute_contraindications_are_grouped_as_no_needling_at_all():
    groups = {group.kind: group for group in screening_groups()}
    not_at_all = groups[RuleGroupKind.NOT_AT_ALL].statements
    assert "You have a strong fear of needles." in not_at_all
    assert len(not_at_all) == sum(r.level is Level.CONTRAINDICATED for r in K.contraindications)
    assert any("electrical needling" in s for s in groups[RuleGroupKind.NOT_THERE].statements)
    assert any("blood thinner" in s for s in groups[RuleGroupKind.TELL_FIRST].statements)


def test_a_new_absolute_contraindication_without_patient_text_fails_loudly(tmp_path):
    directory = copy_knowledge(tmp_path)
    edit(
        directory / "education.toml",
        '[[rule_text]]\nrules = ["needle_phobia"]\ntext = "You have a strong fear of needles."\n\n',
        "",
    )
    with pytest.raises(KnowledgeError, match="needle_phobia' has no patient text"):
        load_education(knowledge=load_knowledge(directory))


# --- risks: published rates come from the knowledge data --------------------------------------


def test_the_risks_page_shows_every_published_rate_once():
    shown = [f.rate_id for g in risk_groups() for row in g.rows for f in row.figures]
    assert sorted(shown) == sorted(rate.id for rate in K.reference_rates)


def test_rates_read_as_round_numbers_and_as_published():
    figures = {f.rate_id: f for g in risk_groups() for row in g.rows for f in row.figures}
    assert figures["brady14_bruising"].plain == "about 8 in 100 treatments"
    assert figures["brady14_bruising"].detail == "7.55% of 7,629 treatments"
    assert figures["white01_fainting"].detail == "6 in 31,822 consultations"
    assert figures["brady14_pneumothorax"].plain == "none seen in 7,629 treatments"
    assert figures["acupuncture_pneumothorax"].plain == "about 1 in 100,000 treatments"
    assert figures["acupuncture_pneumothorax"].patient_text.startswith("Measured in acupuncture")


def test_rates_are_grouped_by_the_events_typical_severity():
    groups = {str(g.severity): {row.event_id for row in g.rows} for g in risk_groups()}
    assert "pneumothorax" in groups["serious"]
    assert "fainting" in groups["significant"]
    assert "bruising" in groups["mild"]


def test_a_rate_corrected_in_the_knowledge_data_changes_the_page(tmp_path):
    directory = copy_knowledge(tmp_path)
    edit(
        directory / "adverse_events.toml",
        'id = "white01_fainting"\nevent = "fainting"\nnumerator = 6',
        'id = "white01_fainting"\nevent = "fainting"\nnumerator = 9',
    )
    knowledge = load_knowledge(directory)
    groups = risk_groups(knowledge=knowledge, data=load_education(knowledge=knowledge))
    figures = {f.rate_id: f for g in groups for row in g.rows for f in row.figures}
    assert figures["white01_fainting"].detail == "9 in 31,822 consultations"


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 7629, "none seen"),
        (576, 7629, "about 8 in 100"),
        (100, 10000, "about 1 in 100"),
        (20, 7629, "about 1 in 380"),
        (1, 7629, "about 1 in 7,600"),
        (1, 100000, "about 1 in 100,000"),
        (7629, 7629, "about 100 in 100"),
    ],
)
def test_natural_frequencies_round_to_two_significant_figures(numerator, denominator, expected):
    assert natural_frequency(numerator, denominator) == expected


def test_page_sources_add_the_rates_sources_and_leave_out_non_publications():
    risks = page_sources(DATA.topic("risks"))
    keys = [source.key for source in risks.sources]
    assert {"Brady14", "Boyce20", "White01", "Witt09", "MacP04"} <= set(keys)
    assert len(keys) == len(set(keys))
    wear = page_sources(DATA.topic("what-to-wear"))
    assert wear.sources == () and wear.rests_on_unpublished
    assert page_sources(DATA.topic("what-to-wear"), shipped_text=False) == PageSources((), False)
    rewritten = page_sources(DATA.topic("risks"), shipped_text=False)
    assert "Ghent" not in {s.key for s in rewritten.sources}  # cited by the prose only
    assert "Brady14" in {s.key for s in rewritten.sources}  # the rates are still shown
    rules = page_sources(DATA.topic("who-should-not-have-it"))
    assert not {s.key for s in rules.sources} & NOT_PUBLICATIONS
    assert rules.rests_on_unpublished  # e.g. recent surgery: no source found


# --- the loader refuses bad data ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('source = ["Gawenda20"', 'source = ["Gawenda2O"', "unknown source 'Gawenda2O'"),
        ('rules = ["heart_valve"]', 'rules = ["heart_valves"]', "unknown screening rule"),
        (
            'rules = ["metal_allergy"]',
            'rules = ["heart_valve"]',
            "rule 'heart_valve' is said twice",
        ),
        ('event = "seizure"', 'event = "seizures"', "unknown adverse event 'seizures'"),
        ('slug = "what-to-wear"', 'slug = "does-it-hurt"', "duplicate slug 'does-it-hurt'"),
        ("order = 9", "order = 8", "duplicate order 8"),
        ('slug = "what-to-wear"', 'slug = "What To Wear"', "slug"),
        ("Wear loose, comfortable", "<b>Wear</b> loose, comfortable", "looks like HTML"),
        (
            'label = "Collapsed lung (pneumothorax)"',
            'label = "x"\n\n[extras]\nnote = "x"',
            "unknown",
        ),
    ],
)
def test_the_loader_refuses_bad_education_data(tmp_path, old, new, message):
    directory = copy_knowledge(tmp_path)
    edit(directory / "education.toml", old, new)
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        load_education(knowledge=load_knowledge(directory))


# --- the markup -----------------------------------------------------------------------------


def test_paragraphs_headings_and_lists_become_their_blocks():
    text = (
        "First line\nstill the first paragraph.\n\n## Heading\n### Smaller\n"
        "- one\n- two\n  continued\n\n1. step\n2) step two\nAfter the list."
    )
    assert parse_markup(text) == (
        Block(BlockKind.PARAGRAPH, text="First line still the first paragraph."),
        Block(BlockKind.HEADING, text="Heading"),
        Block(BlockKind.SUBHEADING, text="Smaller"),
        Block(BlockKind.BULLETS, items=("one", "two continued")),
        Block(BlockKind.NUMBERS, items=("step", "step two")),
        Block(BlockKind.PARAGRAPH, text="After the list."),
    )


def test_it_renders_only_its_own_tags():
    assert render_markup("## Hi\n\n- a\n- b\n\nText") == (
        "<h2>Hi</h2>\n<ul><li>a</li><li>b</li></ul>\n<p>Text</p>"
    )


def test_a_bullet_list_then_a_numbered_list_are_two_lists():
    kinds = [block.kind for block in parse_markup("- a\n1. b")]
    assert kinds == [BlockKind.BULLETS, BlockKind.NUMBERS]


def test_windows_line_endings_and_blank_input():
    assert parse_markup("a\r\n\r\nb") == (
        Block(BlockKind.PARAGRAPH, text="a"),
        Block(BlockKind.PARAGRAPH, text="b"),
    )
    assert parse_markup("") == () and parse_markup(" \n\t\n") == ()
    assert render_markup("-  \n## ") == "<p>- ##</p>"  # markers without text are text


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "## <svg onload=alert(1)>",
        "- <a href='javascript:alert(1)'>click</a>",
        "1. </li></ol><script>x</script>",
        "&lt;script&gt; already escaped",
        "<!-- comment --><style>body{}</style>",
    ],
)
def test_hostile_input_is_shown_as_typed_never_as_markup(hostile):
    rendered = render_markup(hostile)
    assert "<script" not in rendered and "<img" not in rendered and "<svg" not in rendered
    assert "<a " not in rendered and "<style" not in rendered and "<!--" not in rendered
    shown = ALLOWED_TAGS.sub("", rendered)
    assert "<" not in shown
    assert html.unescape(shown) == re.sub(r"^(##|-|1\.) ", "", hostile)


def test_markup_problems_name_the_line_of_html_and_of_a_near_miss_heading():
    problems = markup_problems("Fine.\n<b>bold</b>\n#Heading\n# Heading\n#### Deep\n5 < 6 > 4")
    assert problems[0].startswith("Line 2: “<b>” looks like HTML")
    assert [p.split(":")[0] for p in problems[1:]] == ["Line 3", "Line 4", "Line 5"]
    assert markup_problems("Less than 1 in 100 (<1%) and a -> b") == []


def test_overlong_text_is_refused_by_the_check_and_still_renders_escaped():
    long = "<i>" + "x" * (MAX_BODY * 3)
    assert any("limit is 20,000" in p for p in markup_problems(long))
    rendered = render_markup(long)
    assert rendered.startswith("<p>&lt;i&gt;xxx") and len(rendered) == len(long) + 6 + 7


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_renders_with_no_tag_but_its_own(text):
    rendered = render_markup(text)
    stripped = ALLOWED_TAGS.sub("", rendered)
    assert "<" not in stripped and ">" not in stripped
    assert '"' not in stripped and "'" not in stripped  # attributes cannot be opened either


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["## ", "### ", "- ", "* ", "1. ", "2) ", "  ", "", "#", "<", ">"]),
            st.text(alphabet="ab <>&\"'/=", max_size=12),
        ),
        max_size=30,
    ).map("\n".join)
)
def test_markup_shaped_text_keeps_every_word(text):
    """Nothing typed is lost: every word of the input appears, escaped, in the output."""
    rendered = html.unescape(ALLOWED_TAGS.sub(" ", render_markup(text)))
    for word in text.split():
        if word.strip("#-*") and not re.fullmatch(r"#{2,3}|[-*]|\d{1,3}[.)]", word):
            assert word in rendered
