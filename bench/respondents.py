"""Many people sending their consultation responses at once, over HTTP: the load client for the submissions
benchmark.

A submission is the POST that stores a response: "send" on the check-your-answers page, answered by a redirect
(302) to the confirmation. Only that request is timed. What a respondent does before it is done first, untimed
(``prepare``): ``clients`` shares of payloads, one share per client, each share made by its own session on one
of a few threads (``PREPARE_THREADS``): GET the form (which sets the CSRF cookie and carries the token and a
fresh submission key), POST the answers (the check-your-answers page comes back with them signed in its hidden
``answers`` field, beside the CSRF token and the form's action). A payload is single-use: its submission key
makes a second send of it a duplicate (the first response, not a new one).

Then ``send``: ``clients`` threads, each with its own connection (``http.client``: kept alive where the server
keeps it, opened again where it closes it, as sync workers do), carrying the cookies of the session that
prepared its share (the CSRF cookie matches the token in its payloads), start together on a barrier and each
sends its share back to back; every body and header is made before the clock starts. Every answer is valid: a
choice from each list, text for each text question. Anything but a 302 to the confirmation, or a failure to
connect, is an error.
"""

import http.client
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import requests

PREPARE_STEPS = ("GET form", "POST answers")
PREPARE_THREADS = 8
TIMEOUT = 60  # seconds, for any one request


class Form(HTMLParser):
    """The first POST form on a page: its action and its fields, as (name, type, value) in page order."""

    def __init__(self, html):
        super().__init__()
        self.action, self.fields, self._inside, self._done = None, [], False, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and (attrs.get("method") or "").lower() == "post":
            self.action, self._inside = attrs.get("action"), True
        elif self._inside and tag in ("input", "textarea", "select") and attrs.get("name"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            self.fields.append((attrs["name"], kind, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._inside:
            self._inside, self._done = False, True


def answers(form, n):
    """Valid answers for the form's fields: the nth respondent picks the nth option of each list."""
    options = {}
    for name, kind, value in form.fields:
        if kind in ("radio", "checkbox"):
            options.setdefault(name, []).append(value)
    data = []
    for name, kind, value in form.fields:
        if kind == "hidden":
            data.append((name, value))
        elif kind in ("text", "textarea") and name.startswith("question-"):
            data.append((name, f"Answer {n} from the load test: clearer grades, please."))
        elif kind == "text" and name in ("name", "organisation"):
            data.append((name, f"Load test {n}" if name == "name" else ""))
    for name, values in options.items():
        data.append((name, values[n % len(values)]))
    return data


@dataclass
class Share:
    """One client's payloads, each (url, form data) for the send POST, and the cookie jar they go with."""

    cookies: requests.cookies.RequestsCookieJar = field(default_factory=requests.cookies.RequestsCookieJar)
    payloads: list = field(default_factory=list)


class Record:
    """Times in ms by step, and errors as (step, message), from many threads."""

    def __init__(self, steps):
        self.times = {step: [] for step in steps}
        self.errors = []
        self._lock = threading.Lock()

    def time(self, step, ms):
        with self._lock:
            self.times[step].append(ms)

    def error(self, step, message):
        with self._lock:
            self.errors.append((step, message[:200]))


def _timed(record, step, method, url, expected, **kwargs):
    """The response when its status is ``expected`` (its time recorded), else None (an error recorded)."""
    start = time.perf_counter()
    try:
        response = method(url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    except requests.RequestException as error:
        record.error(step, f"{step}: {type(error).__name__}: {error}")
        return None
    took = (time.perf_counter() - start) * 1000
    if response.status_code != expected:
        record.error(step, f"{step}: {response.status_code} from {url}")
        return None
    record.time(step, took)
    return response


def _prepare_share(base, slug, numbers, record):
    session = requests.Session()
    respond = f"{base}/consultations/{slug}/respond/"
    share = Share()
    for n in numbers:
        page = _timed(record, "GET form", session.get, respond, 200)
        if page is None:
            continue
        form = Form(page.text)
        if not form.action:
            record.error("GET form", "GET form: the page has no form to post")
            continue
        check = _timed(record, "POST answers", session.post, base + form.action, 200, data=answers(form, n))
        if check is None:
            continue
        send = Form(check.text)
        if not (send.action or "").endswith("/respond/send/"):
            record.error("POST answers", "POST answers: the form came back (an answer was refused)")
            continue
        share.payloads.append((base + send.action, answers(send, n)))
    share.cookies = session.cookies.copy()
    session.close()
    return share


def prepare(base, slug, *, submissions, clients, threads=PREPARE_THREADS):
    """([Share] for each client, summary): ``submissions`` payloads split as evenly as can be between
    ``clients`` shares, prepared by ``threads`` threads."""
    record = Record(PREPARE_STEPS)
    # Client c's share holds respondents c, c + clients, c + 2 × clients, … (each has its own options).
    numbers = [list(range(c, submissions, clients)) for c in range(clients)]
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        shares = list(pool.map(lambda mine: _prepare_share(base, slug, mine, record), numbers))
    elapsed = time.perf_counter() - began
    return shares, {
        "threads": threads,
        "seconds": round(elapsed, 2),
        "payloads": sum(len(share.payloads) for share in shares),
        "errors": len(record.errors),
        "errors_by_step": {step: sum(1 for s, _ in record.errors if s == step) for step in PREPARE_STEPS},
        "error_samples": sorted({message for _, message in record.errors})[:5],
        "rows": {step: summary(record.times[step], elapsed) for step in PREPARE_STEPS},
    }


def _wire(share):
    """A share's sends as (host, port, [(path, body, headers)]), made before the clock starts: each body
    encoded and each header written once, so that the client's own work while timed is small."""
    cookie = "; ".join(f"{c.name}={c.value}" for c in share.cookies)
    sends = []
    for url, data in share.payloads:
        parts = urlsplit(url)
        body = urlencode(data, doseq=True).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(len(body)),
            "Cookie": cookie,
        }
        sends.append((parts.path, body, headers))
    first = urlsplit(share.payloads[0][0]) if share.payloads else urlsplit("http://127.0.0.1")
    return first.hostname, first.port, sends


def _post(connection, path, body, headers):
    """(status, Location) of one send on a client's connection. A connection the server had closed is
    opened again and the send repeated once: safe, since a repeated submission key stores nothing new."""
    for attempt in (1, 2):
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("Location", "")
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def send(shares, meter=None):
    """Every share sent at once, one thread and one connection per share (``http.client``: far
    lighter than a ``requests`` session, which matters when the client shares the server's cores); the timed
    phase's summary, with the cores used while it lasted when given a ``bench.cpu.Meter``."""
    barrier = threading.Barrier(len(shares) + 1)
    times = [[] for _ in shares]  # ms of each send that stored a response, per client
    errors = [[] for _ in shares]  # messages, per client
    wired = [_wire(share) for share in shares]

    def client(index, share):
        host, port, sends = wired[index]
        connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            return
        for path, body, headers in sends:
            start = time.perf_counter()
            try:
                status, location = _post(connection, path, body, headers)
            except OSError as error:
                errors[index].append(f"POST send: {type(error).__name__}: {error}"[:200])
                continue
            took = (time.perf_counter() - start) * 1000
            if status == 302 and "/respond/sent/" in location:
                times[index].append(took)
            else:
                errors[index].append(f"POST send: {status} from {path}")
        connection.close()

    threads = [threading.Thread(target=client, args=pair, daemon=True) for pair in enumerate(shares)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    began = time.perf_counter()
    if meter:
        meter.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cores = meter.stop() if meter else None
    sent = sorted(t for client_times in times for t in client_times)
    messages = [message for client_errors in errors for message in client_errors]
    return {
        "clients": len(shares),
        "seconds": round(elapsed, 2),
        "errors": len(messages),
        "error_samples": sorted(set(messages))[:5],
        # The clients' mean number of sends in flight (busy time over wall time): below ``clients`` as the
        # clients with the shortest waits finish their shares first.
        "in_flight": round(sum(sent) / 1000 / elapsed, 1) if elapsed else None,
        "cores": cores,
        **summary(sent, elapsed),
    }


def percentile(times, fraction):
    """The nearest-rank percentile of sorted ``times``."""
    return times[round(fraction * (len(times) - 1))]


def summary(times, elapsed):
    times = sorted(times)
    if not times:
        return {"count": 0, "per_second": 0.0, "median_ms": None, "p95_ms": None, "p99_ms": None}
    return {
        "count": len(times),
        "per_second": round(len(times) / elapsed, 1),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
    }
