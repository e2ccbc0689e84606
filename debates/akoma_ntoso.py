"""A debate as an Akoma Ntoso 3.0 document (OASIS LegalDocML, the XML standard for
parliamentary records), for tools that read Hansard from many parliaments alike.

One <debate> holding one <debateSection> of <speech>es, one per contribution the archive
holds, in Hansard's order. Each paragraph is one <p> whose text is the paragraph's text:
quotations and procedural lines keep their kind in @class. Identification follows the AKN
naming convention: the work is /akn/gb/debateRecord/<house>/<sitting date>/<slug>.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable

from django.utils.text import slugify

from .models import Contribution, Debate, House

NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
# "+xml" (RFC 7303) lets any XML tool take it as XML; the type itself says which XML.
MEDIA_TYPE = "application/akn+xml"
ARCHIVE_NAME = "Safeguarding Debates Archive"
# XML 1.0 cannot carry these characters at all, even escaped; they are never words.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _element(parent: ET.Element | None, tag: str, text: str | None = None, **attributes):
    attributes = {
        name: _NOT_XML.sub("", value) for name, value in attributes.items() if value is not None
    }
    element = (
        ET.Element(tag, attributes) if parent is None else ET.SubElement(parent, tag, attributes)
    )
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _house_eid(house: str) -> str:
    return slugify(House(house).label)  # "house-of-commons"


def _role_eid(role: str) -> str:
    return f"role-{slugify(role)}"


def _frbr(parent, level: str, uri: str, this: str, day: datetime.date, date_name: str, author):
    frbr = _element(parent, level)
    _element(frbr, "FRBRthis", value=this)
    _element(frbr, "FRBRuri", value=uri)
    _element(frbr, "FRBRdate", date=day.isoformat(), name=date_name)
    _element(frbr, "FRBRauthor", href=f"#{author}")
    return frbr


def debate_document(
    debate: Debate,
    contributions: Iterable[Contribution],
    *,
    absolute_url: Callable[[str], str],
    generated: datetime.date,
) -> bytes:
    """The debate and ``contributions`` (its speeches, in order, with their speakers) as
    an Akoma Ntoso document; ``generated`` is when the archive's data last changed."""
    contributions = list(contributions)
    house = _house_eid(debate.house)
    work = f"/akn/gb/debateRecord/{debate.house}/{debate.date.isoformat()}/{debate.slug}"
    expression = f"{work}/eng@"

    # Every element is in AKN's namespace, declared once as the default. (ElementTree's own
    # default_namespace option refuses unprefixed attributes, which AKN uses throughout.)
    root = _element(None, "akomaNtoso", xmlns=NAMESPACE)
    document = _element(root, "debate", name="hansard")
    meta = _element(document, "meta")
    identification = _element(meta, "identification", source="#archive")
    # The House reported the debate; this archive made the XML.
    frbr_work = _frbr(
        identification, "FRBRWork", work, f"{work}/!main", debate.date, "sitting", house
    )
    _element(frbr_work, "FRBRcountry", value="gb")
    frbr_expression = _frbr(
        identification,
        "FRBRExpression",
        expression,
        f"{expression}/!main",
        debate.date,
        "sitting",
        house,
    )
    _element(frbr_expression, "FRBRlanguage", language="eng")
    _frbr(
        identification,
        "FRBRManifestation",
        f"{expression}.akn",
        f"{expression}/!main.xml",
        generated,
        "generation",
        "archive",
    )

    references = _element(meta, "references", source="#archive")
    _element(
        references, "TLCOrganization", eId="archive", href=absolute_url("/"), showAs=ARCHIVE_NAME
    )
    _element(
        references,
        "TLCOrganization",
        eId=house,
        href=f"/ontology/organization/gb/{house}",
        showAs=debate.get_house_display(),
    )
    speakers = {c.speaker.slug: c.speaker for c in contributions}
    for slug, speaker in speakers.items():
        _element(
            references,
            "TLCPerson",
            eId=slug,
            href=absolute_url(speaker.get_absolute_url()),
            showAs=speaker.name,
        )
    roles = {_role_eid(c.role): c.role for c in contributions if c.role}
    for eid, role in roles.items():
        _element(
            references, "TLCRole", eId=eid, href=f"/ontology/role/gb/{slugify(role)}", showAs=role
        )

    preface = _element(document, "preface")
    _element(_element(preface, "p"), "docTitle", debate.title)
    sitting = debate.date.isoformat()
    _element(_element(preface, "p"), "docDate", f"{debate.date:%-d %B %Y}", date=sitting)
    _element(_element(preface, "p"), "docAuthority", debate.get_house_display())

    body = _element(document, "debateBody")
    section = _element(body, "debateSection", eId="dbsect_1", name=debate.kind or "debate")
    _element(section, "heading", debate.title)
    for contribution in contributions:
        speech = _element(
            section,
            "speech",
            eId=f"dbsect_1__speech_{contribution.sequence}",
            GUID=absolute_url(contribution.get_absolute_url()),
            by=f"#{contribution.speaker.slug}",
            **{"as": f"#{_role_eid(contribution.role)}" if contribution.role else None},
        )
        _element(speech, "from", contribution.display_name)
        for paragraph in contribution.paragraphs:
            # A quotation or a procedural line says so; a plain <p> is the member's words.
            kind = None if paragraph["kind"] == "speech" else paragraph["kind"]
            _element(speech, "p", paragraph["text"], **{"class": kind})

    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
