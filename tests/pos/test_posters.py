"""The poster PDF: A4 and A5 in three languages, and its QR code opens the printed link."""

import io
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from apps.pos.posters import poster_pdf

pytestmark = pytest.mark.django_db

URL = "http://alpha.testserver/s/q/ABCD2345/"


def _qr_texts(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize(
    ("size", "language", "width_mm", "wording"),
    [("a4", "fi", 210, "Skannaa"), ("a5", "sv", 148, "Skanna"), ("a4", "en", 210, "Scan the code")],
)
def test_the_poster_is_a_pdf_page_of_its_size_whose_qr_code_opens_the_link(
    size: str, language: str, width_mm: int, wording: str
) -> None:
    pdf = poster_pdf(
        company="Katsastus Oy \u2013 Kemi",
        question="Kuinka todennäköisesti suosittelisit meitä?",
        url=URL,
        short_url="alpha.testserver/s/q/ABCD2345",
        code="ABCD2345",
        place="Tarkastus · Kemin asema",
        size=size,
        language=language,
    )

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == width_mm
    text = reader.pages[0].extract_text()
    assert "alpha.testserver/s/q/ABCD2345" in text
    assert "Katsastus Oy - Kemi" in text
    assert "todennäköisesti" in text
    assert wording in text
    assert _qr_texts(pdf) == [URL]


def test_the_poster_page_downloads_the_pdf_for_a_manager(client_for: Any, manager: Any, open_link: Any) -> None:
    response = client_for(manager).get(f"/point-of-service/links/{open_link.pk}/poster/?size=a5&language=sv")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _qr_texts(response.content) == [f"http://alpha.testserver/s/q/{open_link.code}/"]
    assert "Tarkastus" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


def test_a_bad_size_is_sent_back_with_a_message_not_an_error(client_for: Any, manager: Any, open_link: Any) -> None:
    response = client_for(manager).get(f"/point-of-service/links/{open_link.pk}/poster/?size=a3&language=fi")

    assert response.status_code == 302


def test_frontline_staff_and_other_companies_get_no_poster(
    client_for: Any, frontline: Any, outsider: Any, open_link: Any
) -> None:
    address = f"/point-of-service/links/{open_link.pk}/poster/?size=a4&language=fi"

    assert client_for(frontline).get(address).status_code == 403
    # The same id in another company's schema is another table's row: there is none.
    assert client_for(outsider).get(address).status_code == 404
