import datetime

import factory
from factory.django import DjangoModelFactory

from debates.models import Contribution, Debate, House, Party, Speaker, Topic


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ["name"]

    name = "Labour"
    short_name = "Lab"
    slug = factory.LazyAttribute(lambda party: party.name.lower().replace(" ", "-"))


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Member Number{n}")
    slug = factory.Sequence(lambda n: f"member-number{n}")
    house = House.COMMONS
    party = factory.SubFactory(PartyFactory)
    constituency = factory.Sequence(lambda n: f"Constituency {n}")


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    description = "A topic."


class DebateFactory(DjangoModelFactory):
    class Meta:
        model = Debate

    title = factory.Sequence(lambda n: f"Debate {n}")
    slug = factory.Sequence(lambda n: f"2010-02-23-debate-{n}")
    date = datetime.date(2010, 2, 23)
    house = House.COMMONS
    location = "Commons Chamber"


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = Contribution

    key = factory.Sequence(lambda n: f"2010-02-23-hc-{n:010d}")
    fingerprint = factory.Sequence(lambda n: f"{n:064d}")
    debate = factory.SubFactory(DebateFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    speaker = factory.SubFactory(SpeakerFactory)
    display_name = factory.LazyAttribute(lambda c: c.speaker.name)
    party = factory.LazyAttribute(lambda c: c.speaker.party)
    paragraphs = factory.LazyFunction(lambda: [{"kind": "speech", "text": "I beg to move."}])
