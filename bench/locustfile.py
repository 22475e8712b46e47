"""The people of the load run (bench/load.py), as locust users against the demo company.

    managers           the company dashboard, a service path page, a touchpoint page
    frontline (page)   the quick log: the form, the customer type-ahead, the POST with its CSRF token
    frontline (API)    POST /api/v1/encounters/ with an API token, as a till or booking system would
    customers          a survey link from their email: the form, the answers, the thank-you page

bench/load.py starts this with LOAD_FIXTURE (the JSON of bench/load_fixture.py) and
LOAD_HOST (the company's host name) in the environment. Every request checks what a
person would see (the status, and the page or body it expects); anything else counts
as a failure.

Staff log in once per account through the login page, and the locust users of the
same account share that session, as one person's browser tabs do. Each customer
answers once, from a loopback address of their own (127.0.x.y): the survey POST is
rate-limited per address, and real customers do not share one.
"""

import itertools
import json
import os
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from gevent.lock import Semaphore
from locust import HttpUser, between, task
from locust.clients import HttpSession, LocustHttpAdapter
from locust.exception import StopUser

FIXTURE: dict[str, Any] = json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text())
HOST = os.environ["LOAD_HOST"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOUCHPOINT_OPTION = re.compile(r'<option value="(\d+)"')
SCALE_INPUT = re.compile(r'type="radio" name="(q\d+)" value="(\d+)"')
TEXT_INPUT = re.compile(r'<textarea id="(q\d+)"')
COMMENTS = ["", "", "", "Nopea ja ystävällinen palvelu.", "Jonotin liian kauan.", "Kiitos!"]

_tokens = list(FIXTURE["tokens"])
_sessions: dict[str, dict[str, str]] = {}
_api_tokens: dict[str, str] = {}
# One lock per account: its first user logs in while the others of that account wait.
_account_locks: defaultdict[str, Semaphore] = defaultdict(Semaphore)
# 127.0.1.1 onwards: every customer a loopback address of their own.
_addresses = (f"127.0.{high}.{low}" for high, low in itertools.product(range(1, 255), range(1, 255)))


class LoopbackSession(HttpSession):
    """Sends the Secure session and CSRF cookies back over plain http, as browsers do for
    http://*.localhost (a secure context); production settings mark them Secure, and
    requests would otherwise keep them for https only."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        response = super().request(*args, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


class KokemusUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = LoopbackSession(base_url=self.host, request_event=self.environment.events.request, user=self)
        self.client.trust_env = False
        self.client.headers["Host"] = HOST


def csrf_token(html: str) -> str | None:
    match = CSRF_INPUT.search(html)
    return match.group(1) if match else None


def session_login(client: HttpSession, email: str) -> None:
    """Log `email` in through the login page once; later users of the same account reuse its cookies."""
    with _account_locks[f"session:{email}"]:
        if email not in _sessions:
            form = client.get("/accounts/login/", name="login: form")
            with client.post(
                "/accounts/login/",
                data={"username": email, "password": FIXTURE["password"], "csrfmiddlewaretoken": csrf_token(form.text)},
                allow_redirects=False,
                name="login",
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"login of {email} gave {response.status_code}")
                    raise StopUser
            _sessions[email] = client.cookies.get_dict()
    for name, value in _sessions[email].items():
        client.cookies.set(name, value)


def api_token(client: HttpSession, email: str) -> str:
    """The Authorization header value for `email`'s API calls: the one place that knows how tokens are had."""
    with _account_locks[f"token:{email}"]:
        if email not in _api_tokens:
            with client.post(
                "/api/v1/auth/token/",
                json={"email": email, "password": FIXTURE["password"]},
                name="API: token",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"token for {email} gave {response.status_code}")
                    raise StopUser
                _api_tokens[email] = f"Token {response.json()['token']}"
    return _api_tokens[email]


class Manager(KokemusUser):
    weight = 2

    def on_start(self) -> None:
        session_login(self.client, random.choice(FIXTURE["managers"]))

    def _page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200 or "<main" not in response.text:
                response.failure(f"{response.status_code}, not the page")

    @task(2)
    def company(self) -> None:
        self._page("/dashboard/", "dashboard: company")

    @task(2)
    def path(self) -> None:
        path_id = random.choice(FIXTURE["paths"])
        self._page(f"/dashboard/paths/{path_id}/", "dashboard: path")

    @task(3)
    def touchpoint(self) -> None:
        touchpoint_id = random.choice(FIXTURE["touchpoints"])
        self._page(f"/dashboard/touchpoints/{touchpoint_id}/", "dashboard: touchpoint")


class FrontlinePage(KokemusUser):
    weight = 3

    def on_start(self) -> None:
        session_login(self.client, random.choice(FIXTURE["frontline"]))

    @task
    def log_encounter(self) -> None:
        with self.client.get("/encounters/log/", name="encounter page: form", catch_response=True) as form:
            token = csrf_token(form.text)
            touchpoints = TOUCHPOINT_OPTION.findall(form.text)
            if form.status_code != 200 or not token or not touchpoints:
                form.failure(f"{form.status_code}, no form")
                return
        word = random.choice(FIXTURE["search_words"])
        url, name = "/encounters/log/customers/", "encounter page: customer search"
        with self.client.get(url, params={"q": word}, name=name, catch_response=True) as search:
            results = search.json().get("results") if search.status_code == 200 else None
            if not results:
                search.failure(f"{search.status_code}, no customer for {word!r}")
                return
        data = {
            "csrfmiddlewaretoken": token,
            "action": "log",
            "customer": results[0]["id"],
            "touchpoint": random.choice(touchpoints),
            "outcome": random.choice(["resolved", "resolved", "resolved", "unresolved", "escalated"]),
            "peak_feeling": random.choice([-1, 0, 1, 1, 2]),
            "end_feeling": random.choice([-1, 0, 1, 2, 2]),
            "note": random.choice(["", "", "Kysyi jälkitarkastuksesta."]),
        }
        with self.client.post(
            "/encounters/log/", data=data, allow_redirects=False, name="encounter page: log", catch_response=True
        ) as response:
            if response.status_code != 302 or "/encounters/log/" not in response.headers.get("Location", ""):
                response.failure(f"{response.status_code}, not logged")


class FrontlineApi(KokemusUser):
    weight = 2

    def on_start(self) -> None:
        self.client.headers["Authorization"] = api_token(self.client, random.choice(FIXTURE["frontline"]))

    @task
    def log_encounter(self) -> None:
        body: dict[str, Any] = {
            "touchpoint": random.choice(FIXTURE["touchpoints"]),
            "outcome": random.choice(["resolved", "resolved", "unresolved"]),
            "peak_feeling": random.choice([-1, 0, 1, 2]),
            "end_feeling": random.choice([0, 1, 2]),
        }
        if random.random() < 0.8:
            body["customer"] = random.choice(FIXTURE["customers"])
        else:
            number = random.randrange(10**9)
            body |= {"customer_email": f"kuorma.{number}@example.fi", "customer_name": f"Kuorma Asiakas {number}"}
        with self.client.post(
            "/api/v1/encounters/", json=body, name="encounter API: log", catch_response=True
        ) as response:
            if response.status_code != 201 or "id" not in response.json():
                response.failure(f"{response.status_code}: {response.text[:200]}")


class LoopbackSourceAdapter(LocustHttpAdapter):
    """Connects from a given loopback address instead of 127.0.0.1."""

    def __init__(self, address: str) -> None:
        self.source_address = (address, 0)
        super().__init__(pool_manager=None)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, source_address=self.source_address, **kwargs)


class Customer(KokemusUser):
    weight = 3

    def _new_customer(self) -> None:
        """A fresh browser on its own address: no cookies, no kept-alive connection."""
        self.client.adapters["http://"].close()
        self.client.mount("http://", LoopbackSourceAdapter(next(_addresses)))
        self.client.cookies.clear()

    def _answers(self, html: str) -> dict[str, str]:
        scales: dict[str, list[str]] = {}
        for key, value in SCALE_INPUT.findall(html):
            scales.setdefault(key, []).append(value)
        # Mostly content, some not: the poor ones open follow-up cases and their emails.
        answers = {key: random.choice(values[len(values) // 2 :] * 4 + values) for key, values in scales.items()}
        answers |= {key: random.choice(COMMENTS) for key in TEXT_INPUT.findall(html)}
        return answers

    @task
    def answer_survey(self) -> None:
        if not _tokens:
            raise StopUser  # every prepared link is answered
        token = _tokens.pop()
        self._new_customer()
        with self.client.get(f"/s/{token}/", name="survey: open", catch_response=True) as form:
            answers = self._answers(form.text)
            if form.status_code != 200 or not answers:
                form.failure(f"{form.status_code}, no survey form")
                return
        data = {"csrfmiddlewaretoken": csrf_token(form.text) or "", **answers}
        with self.client.post(
            f"/s/{token}/", data=data, allow_redirects=False, name="survey: answer", catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}, not accepted")
                return
        with self.client.get(f"/s/{token}/thanks/", name="survey: thanks", catch_response=True) as thanks:
            if thanks.status_code != 200:
                thanks.failure(f"{thanks.status_code}, no thanks")
