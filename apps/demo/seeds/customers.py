"""The demo vehicle-inspection chain's customers (a year's worth of visitors), deterministic from the context's seed."""

import datetime as dt
from random import Random

from django.utils import timezone

from apps.customers.consent import consent_event_build, consent_wording_current
from apps.customers.models import ConsentEvent, ConsentKind, ConsentSource, ConsentWording, Customer, Language
from apps.customers.phones import phone_normalize
from apps.customers.services import segment_get_or_create
from apps.demo.seeds.context import DemoContext

DEMO_CUSTOMER_COUNT = 1500

FIRST_NAMES = [
    "Aino", "Eino", "Helmi", "Väinö", "Aada", "Onni", "Sofia", "Leo", "Olivia", "Elias",
    "Lilja", "Oliver", "Emma", "Eetu", "Venla", "Juho", "Ella", "Matias", "Iida", "Lauri",
    "Anneli", "Jukka", "Tuula", "Pertti", "Marja", "Seppo", "Päivi", "Timo", "Sirpa", "Heikki",
    "Kaisa", "Mikko", "Sanna", "Jari", "Riikka", "Antti", "Hanna", "Ville", "Maija", "Tapio",
]  # fmt: skip
LAST_NAMES = [
    "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
    "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi",
    "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen",
    "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen", "Ahonen", "Kärkkäinen", "Räsänen",
]  # fmt: skip
ENGLISH_NAMES = [
    ("James", "Wilson"), ("Emily", "Clarke"), ("Lukas", "Schmidt"), ("Anna", "Svensson"),
    ("Olga", "Ivanova"), ("Daniel", "Nowak"), ("Maria", "Garcia"), ("Ahmed", "Hassan"),
]  # fmt: skip
COMPANIES = ["Rakennus Lahtinen Oy", "Kuljetus Mäki Ky", "Sähkö-Salo Oy", "Putkiremontti Niemi", "Pihatyö Koski Oy"]
EMAIL_DOMAINS = ["gmail.com", "outlook.com", "hotmail.fi", "luukku.com", "elisanet.fi", "kolumbus.fi"]
SEGMENT_CONSUMER = "kuluttaja"
SEGMENT_BUSINESS = "yritys"


def _ascii(text: str) -> str:
    return text.lower().replace("ä", "a").replace("ö", "o").replace("å", "a").replace(" ", "")


def demo_customer_rows(random: Random, count: int) -> list[dict[str, object]]:
    """Plain rows (name, email, phone, language, business?) of realistic Finnish customers."""
    rows: list[dict[str, object]] = []
    used_emails: set[str] = set()
    for number in range(count):
        english = random.random() < 0.1
        first, last = (
            random.choice(ENGLISH_NAMES) if english else (random.choice(FIRST_NAMES), random.choice(LAST_NAMES))
        )
        business = not english and random.random() < 0.18
        if business:
            company = random.choice(COMPANIES)
            email = f"{_ascii(first)}.{_ascii(last)}@{_ascii(company.split()[0])}.fi"
        else:
            email = f"{_ascii(first)}.{_ascii(last)}@{random.choice(EMAIL_DOMAINS)}"
        if email in used_emails:
            local, domain = email.split("@")
            email = f"{local}{number}@{domain}"
        used_emails.add(email)
        phone = f"04{random.choice('01456')} {random.randint(100, 999)} {random.randint(1000, 9999)}"
        rows.append(
            {
                "full_name": f"{first} {last}",
                "email": email,
                "phone": phone if random.random() < 0.85 else "",
                "language": Language.EN if english else Language.FI,
                "business": business,
            }
        )
    return rows


def seed(*, context: DemoContext) -> None:
    if Customer.objects.exists():
        context.customers_seeded = Customer.objects.count()
        return
    random = context.random
    consumer = segment_get_or_create(name=SEGMENT_CONSUMER)
    business = segment_get_or_create(name=SEGMENT_BUSINESS)
    personas = context.personas
    family = personas.get("Kiireinen perheellinen")
    van = personas.get("Yrittäjä jolla pakettiauto")
    senior = personas.get("Eläkeläinen, tarkka ajoneuvostaan")
    first_car = personas.get("Ensimmäisen auton ostaja")
    now = timezone.now()
    wording = consent_wording_current()
    customers = []
    unsubscribed: list[bool] = []
    events: list[ConsentEvent | None] = []
    for number, row in enumerate(demo_customer_rows(random, DEMO_CUSTOMER_COUNT), start=1):
        is_business = bool(row["business"])
        if is_business:
            persona = van if random.random() < 0.8 else None
        else:
            persona = random.choice([family, family, senior, first_car, None])
        consent = random.random() < 0.8
        customer = Customer(
            full_name=str(row["full_name"]),
            email=str(row["email"]),
            phone=str(row["phone"]),
            phone_normalized=phone_normalize(str(row["phone"])) or "",
            language=str(row["language"]),
            segment=business if is_business else consumer,
            persona=persona,
            external_id=f"KIVI-{10000 + number}",
        )
        if consent:
            # The same draws, in the same order, as when the columns were written directly.
            given_at = now - timezone.timedelta(days=random.randint(1, 700))
            source = random.choice([ConsentSource.FRONTLINE, ConsentSource.WEB_FORM])
            events.append(_consent(customer, ConsentKind.GIVEN, source=source, at=given_at, wording=wording))
        unsubscribed.append(random.random() < 0.03)
        customers.append(customer)
    for customer, unsubscribes in zip(customers, unsubscribed, strict=True):
        if unsubscribes:
            at = now - timezone.timedelta(days=random.randint(1, 90))
            events.append(
                _consent(customer, ConsentKind.UNSUBSCRIBED, source=ConsentSource.SURVEY_LINK, at=at, wording=wording)
            )
    Customer.objects.bulk_create(customers)
    ConsentEvent.objects.bulk_create([event for event in events if event is not None])
    context.customers_seeded = len(customers)


def _consent(
    customer: Customer, kind: ConsentKind, *, source: ConsentSource, at: dt.datetime, wording: ConsentWording
) -> ConsentEvent | None:
    """A seeded customer's consent as a ledger event; the customer's columns follow from it."""
    return consent_event_build(customer=customer, kind=kind, source=source, actor=None, wording=wording, at=at)
