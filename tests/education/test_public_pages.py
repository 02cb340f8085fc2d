"""The public education pages: no login, the clinic's details and booking button, shipped or
edited text, hidden topics, and the parts built from the knowledge data."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from taut.clinical.education import REQUIRED_TOPICS, load_education, screening_groups
from taut.clinical.knowledge import load_knowledge
from taut.education import services
from tests.conftest import World


def index_url(world: World) -> str:
    return reverse("education:index", kwargs={"clinic_slug": world.clinic_a.slug})


def topic_url(world: World, topic: str) -> str:
    return reverse("education:topic", kwargs={"clinic_slug": world.clinic_a.slug, "topic": topic})


def save(world: World, topic: str, **fields: Any) -> None:
    shipped = load_education().topic(topic)
    assert shipped is not None
    data: dict[str, Any] = {
        "title": shipped.title,
        "summary": shipped.summary,
        "body": shipped.body,
        "is_published": True,
        **fields,
    }
    services.education_page_save(
        request=None, actor=world.owner_a, clinic=world.clinic_a, topic=topic, **data
    )


def test_an_anonymous_visitor_reads_the_index_with_every_topic_and_the_booking_button(
    world: World,
) -> None:
    world.clinic_a.address = "12 High Street\nDenver, CO 80202"
    world.clinic_a.phone = "(303) 555-0100"
    world.clinic_a.save()
    response = Client().get(index_url(world))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>About dry needling at Clinic A</h1>" in page
    assert "12 High Street<br>Denver, CO 80202" in page and 'href="tel:(303)555-0100"' in page
    booking = reverse("booking:start", kwargs={"clinic_slug": "a"})
    assert f'href="{booking}">Book an appointment</a>' in page
    for slug in REQUIRED_TOPICS:
        assert topic_url(world, slug) in page


def test_the_page_title_names_the_topic_and_the_clinic(world: World) -> None:
    page = Client().get(topic_url(world, "does-it-hurt")).content.decode()
    assert "<title>Does it hurt? — Clinic A</title>" in page
    assert '<html lang="en">' in page


def test_an_unknown_clinic_or_topic_is_not_found(world: World) -> None:
    client = Client()
    assert client.get(reverse("education:index", args=["nowhere"])).status_code == 404
    assert client.get(reverse("education:topic", args=["nowhere", "risks"])).status_code == 404
    assert client.get(topic_url(world, "acupuncture-for-cats")).status_code == 404


def test_a_hidden_topic_is_gone_from_the_index_and_answers_404(world: World) -> None:
    save(world, "what-to-wear", is_published=False)
    client = Client()
    assert client.get(topic_url(world, "what-to-wear")).status_code == 404
    assert topic_url(world, "what-to-wear") not in client.get(index_url(world)).content.decode()
    # another clinic still shows it
    other = reverse("education:topic", args=[world.clinic_b.slug, "what-to-wear"])
    assert client.get(other).status_code == 200


def test_the_risks_page_shows_the_published_rates_with_their_sources(world: World) -> None:
    page = Client().get(topic_url(world, "risks")).content.decode()
    assert "About 8 in 100 treatments (7.55% of 7,629 treatments)" in page
    assert "6 in 31,822 consultations" in page
    brady = load_knowledge().source("Brady14")
    listed = re.findall(r'<li id="source-(\w+)">', page)
    number = listed.index("Brady14") + 1  # figures cite the numbered list, not the source key
    assert f'<a href="#source-Brady14">{number}</a>' in page
    assert f'<li id="source-Brady14">{brady.citation}' in page
    assert ">Brady14<" not in page
    assert "https://doi.org/" in page


def test_who_should_not_have_it_lists_every_screening_statement(world: World) -> None:
    page = Client().get(topic_url(world, "who-should-not-have-it")).content.decode()
    assert "Dry needling is not done when" in page
    for group in screening_groups():
        for statement in group.statements:
            assert statement.replace("'", "&#x27;") in page
    assert "no published study or guideline was found" in page


def test_a_topic_without_publications_says_so_instead_of_listing_a_placeholder(
    world: World,
) -> None:
    page = Client().get(topic_url(world, "what-to-wear")).content.decode()
    assert "No supporting source was found" not in page
    assert "no published study or guideline was found" in page


def test_the_clinics_own_text_replaces_the_shipped_text_on_its_pages_only(world: World) -> None:
    save(
        world,
        "cost-and-insurance",
        title="Prices",
        summary="What we charge.",
        body="A first visit is 90 minutes.\n\n- We take cards",
    )
    client = Client()
    page = client.get(topic_url(world, "cost-and-insurance")).content.decode()
    assert "<h1>Prices</h1>" in page and "<li>We take cards</li>" in page
    assert "Ask us about our prices" not in page
    assert "Clinic A wrote the text of this page in its own words." in page
    assert "Gawenda20" not in page  # the shipped text's sources left with the shipped text
    assert "What we charge." in client.get(index_url(world)).content.decode()
    other = reverse("education:topic", args=[world.clinic_b.slug, "cost-and-insurance"])
    assert "Ask us about our prices" in client.get(other).content.decode()


def test_markup_saved_past_the_form_is_still_shown_escaped(world: World) -> None:
    save(world, "what-to-wear", body='<script>alert("x")</script>\n\n## <img src=x onerror=y>')
    page = Client().get(topic_url(world, "what-to-wear")).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>" in page
    assert "<h2>&lt;img src=x onerror=y&gt;</h2>" in page


def test_topics_link_to_their_neighbours_in_reading_order(world: World) -> None:
    page = Client().get(topic_url(world, "risks")).content.decode()
    assert f'rel="prev" href="{topic_url(world, "does-it-hurt")}"' in page
    assert f'rel="next" href="{topic_url(world, "who-should-not-have-it")}"' in page


def test_a_rewritten_risks_page_keeps_the_published_rates_and_their_sources(world: World) -> None:
    save(world, "risks", title="Risks", body="Our own summary of the risks.")
    page = Client().get(topic_url(world, "risks")).content.decode()
    assert "<p>Our own summary of the risks.</p>" in page
    assert "7.55% of 7,629 treatments" in page and 'id="source-Brady14"' in page
    assert 'id="source-Ghent"' not in page  # cited only by the shipped prose
