"""What the browser tests share: Debian's Chromium, how it is started, a live server, the CSP listener.

Playwright drives /usr/bin/chromium (never a browser of its own download). Company
domains end in .localhost, which Chromium resolves itself; the operators' domain of
the test database is mapped to 127.0.0.1.
"""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread

from tests.conftest import PUBLIC_DOMAIN

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    f"--host-resolver-rules=MAP {PUBLIC_DOMAIN} 127.0.0.1",
]

# Reports each violation to the test; an init script runs outside the page's CSP.
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
    + `at ${event.sourceFile || ""}:${event.lineNumber} (${(event.sample || "").slice(0, 80)})`);
});
"""


def chromium_require() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")


def chromium_launch(playwright: Any, *, operators_url: str) -> Any:
    """Chromium for a test. The operators' domain is not *.localhost, so Chromium would take it for an
    insecure origin and ignore (and warn about) the Cross-Origin-Opener-Policy; in production it is https."""
    args = [*CHROMIUM_ARGS, f"--unsafely-treat-insecure-origin-as-secure={operators_url}"]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)


def live_server_start() -> LiveServerThread:
    """The app (with its static files) on a free port of 127.0.0.1, in a thread of this process."""
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        server.terminate()
        raise server.error
    return server
