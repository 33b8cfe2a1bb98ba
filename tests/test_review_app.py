"""The review app, end to end: ``extract review`` served by uvicorn in its own process, driven in Debian's
Chromium through ChromeDriver (Selenium), and probed over raw HTTP for what a browser would not send
(path traversal, other hosts and origins, bad decisions), with an ingest writing the same ledger."""

from __future__ import annotations

import http.client
import json
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.ingest.ledger import FileResult, Ledger
from extract.records.codec import loads

from .conftest import JINZHONG, SAMPLES

runner = CliRunner()
AUDIT = SAMPLES / "jinzhong-2022-audit-bureau.pdf"
UNBALANCED = SAMPLES / "jinzhong-2021-unbalanced-budget.pdf"
JZ = "4d912117016751d2p1"  # the Jinzhong justice bureau form: its narrative is 3,000.00 元 short
MISREAD = "amounts_in_text[1].amount"
CHECK = "text_expenditure_by_function"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture()
def ledger(tmp_path: Path) -> Path:
    db = tmp_path / "l.sqlite"
    files = [str(JINZHONG), str(AUDIT), str(UNBALANCED)]
    r = runner.invoke(app, ["ingest", "-q", *files, "--db", str(db), "-j", "1"])
    assert r.exit_code == 1, r.stderr
    return db


class Server:
    """``extract review`` in a process of its own, on a free port."""

    def __init__(self, db: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "extract", "review", "--db", str(db), "--port", "0", *args],
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()

        def read() -> None:
            for line in self.proc.stderr or ():
                lines.put(line)

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        self.log: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert self.proc.poll() is None, "\n".join(self.log)
                continue
            self.log.append(line)
            if " at http://" in line:
                self.url = line.split(" at ")[1].split()[0].rstrip("/")
                parts = urlsplit(self.url)
                self.host, self.port = parts.hostname or "", parts.port or 0
                return
        raise AssertionError("the app did not start: " + "".join(self.log))

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """A raw request: the path is sent exactly as given (no client tidies it)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
            if body is not None:
                sent.setdefault("Content-Length", str(len(body)))
            for k, v in sent.items():
                conn.putheader(k, v)
            conn.endheaders(body)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def decide(self, form: str, **body: str) -> tuple[int, dict]:
        status, _, data = self.request(
            "POST", f"/forms/{form}/decisions", json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        return status, json.loads(data)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)
        self.reader.join(timeout=20)
        if self.proc.stderr:
            self.proc.stderr.close()


@pytest.fixture()
def server(ledger: Path) -> Iterator[Server]:
    s = Server(ledger, "--reviewer", "e2e")
    yield s
    s.stop()


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM.is_file() and CHROMEDRIVER.is_file(), "make test installs chromium and chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1500,1000",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def wait(driver, css: str, text: str | None = None, timeout: float = 30):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    w = WebDriverWait(driver, timeout)
    if text is None:
        return w.until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))
    w.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
    return driver.find_element(By.CSS_SELECTOR, css)


def reloaded(driver, old, timeout: float = 30) -> None:
    """Wait for the page that held ``old`` to be replaced (a decision loads the form again). Asked about an
    element of a page being torn down, Chrome answers either "stale element" or, mid-navigation, "node
    does not belong to the document" (an unknown error): both say the old page is gone."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def gone(_: object) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    WebDriverWait(driver, timeout).until(gone)


def test_a_reviewer_corrects_a_misread_amount_in_the_browser_and_the_export_carries_it(
    server: Server, browser, ledger: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = browser
    # the queue: flagged forms first, the failed check named
    d.get(server.url + "/")
    rows = d.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
    statuses = [r.get_attribute("class") for r in rows]
    assert statuses == ["flagged", "flagged", "clean"], statuses
    jz = d.find_element(By.CSS_SELECTOR, f'#queue tr[data-form="{JZ}"]')
    assert CHECK in jz.text and "晋中市司法局" in jz.text
    # filtered by the failed check: only that form
    d.get(server.url + f"/?check={CHECK}")
    assert [r.get_attribute("data-form") for r in d.find_elements(By.CSS_SELECTOR, "#queue tbody tr")] == [JZ]
    d.find_element(By.CSS_SELECTOR, f'#queue tr[data-form="{JZ}"] a.form-link').click()

    # the form: its pages drawn, the failed check with expected / actual / difference / unit
    wait(d, "#failed-checks", CHECK)
    failed = d.find_element(By.CSS_SELECTOR, f'#failed-checks tr[data-check="{CHECK}"]').text
    assert "11216943.56" in failed and "11213943.56" in failed and "3000.00" in failed and "元" in failed
    images = d.find_elements(By.CSS_SELECTOR, ".sheet img")
    assert len(images) == 2
    for img in images:  # rendered and loaded
        assert d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) > 500
    assert d.find_elements(By.CSS_SELECTOR, f'rect.box.flagged[data-field="{MISREAD}"]')
    assert len(d.find_elements(By.CSS_SELECTOR, "rect.box.field")) > 50  # every field's box
    marks = d.find_elements(By.CSS_SELECTOR, f'mark.amount.fail[data-field="{MISREAD}"]')
    assert [m.text for m in marks] == ["公共安全支出8953203.17元"]  # the narrative's amount, marked in its text
    every = d.find_elements(By.CSS_SELECTOR, "mark.amount")
    assert len(every) == 9  # each amount of the narratives, each a field of its own the reviewer can select
    for m in every:
        assert d.find_elements(By.CSS_SELECTOR, f'tr.field[data-field="{m.get_attribute("data-field")}"]')
    every[0].click()
    assert d.find_element(By.ID, "sel-path").text == every[0].get_attribute("data-field")

    # keyboard: j / k walk the flagged fields; the panel shows the value as read
    body = d.find_element(By.TAG_NAME, "body")
    seen = []
    for _ in range(8):
        seen.append(d.find_element(By.ID, "sel-path").text)
        if seen[-1] == MISREAD:
            break
        body.send_keys("j")
    assert seen[-1] == MISREAD, seen
    assert len(set(seen)) == len(seen)  # each step a new field
    assert d.find_element(By.ID, "sel-value").text == "8953203.17"
    assert "公共安全支出" in d.find_element(By.ID, "sel-raw").text

    # a wrong value is refused with the reason, nothing kept
    value, reason = d.find_element(By.ID, "value"), d.find_element(By.ID, "reason")
    value.clear()
    value.send_keys("8 956 2O3.17x")
    reason.send_keys("typo")
    d.find_element(By.ID, "correct").click()
    assert wait(d, "#decide-error", "amount").text
    check = Ledger(ledger, readonly=True)
    try:
        assert check.corrections() == {}
    finally:
        check.close()

    # the correction: the checks run again at once, the one that failed now passes
    value.clear()
    value.send_keys("8,956,203.17")
    reason.clear()
    reason.send_keys("the page prints 8956203.17")
    reason.send_keys(Keys.ENTER)
    reloaded(d, value)
    message = wait(d, "#message", f"{CHECK}: fail → pass").text
    assert "8953203.17 → 8956203.17" in message and "the form is reviewed" in message
    assert d.find_elements(By.ID, "no-failed")
    assert d.find_element(By.ID, "state").text == "reviewed"
    other = d.find_element(By.CSS_SELECTOR, f'#other-checks tr[data-check="{CHECK}"]')
    assert "pass" in other.get_attribute("textContent")
    row = d.find_element(By.CSS_SELECTOR, f'#flagged tr[data-field="{MISREAD}"]')
    assert "8956203.17" in row.text and "8953203.17" in row.text and "corrected by e2e" in row.text

    # n: the next flagged form; q: the queue, where the corrected form is now reviewed
    body = d.find_element(By.TAG_NAME, "body")
    body.send_keys("q")
    wait(d, "#queue")
    d.get(server.url + "/")
    assert d.find_element(By.CSS_SELECTOR, f'#queue tr[data-form="{JZ}"]').get_attribute("class") == "reviewed"
    d.find_element(By.CSS_SELECTOR, "#queue tr.flagged a.form-link").click()
    wait(d, "#failed-checks", "budget_balance")
    d.find_element(By.TAG_NAME, "body").send_keys("p")  # no flagged form before this one now
    assert "budget_balance" in d.find_element(By.ID, "failed-checks").text

    # the export carries the corrected value with its flag, and the audit row
    r = runner.invoke(app, ["export", "-q", "--db", str(ledger), "--to", str(tmp_path / "out"), "--corrections"])
    assert r.exit_code == 0, r.stderr
    forms = pd.read_csv(tmp_path / "out" / "forms.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    jz = forms[forms["form_id"] == JZ].iloc[0]
    assert (jz["corrected"], jz["corrected_fields"], jz["reviewed"], jz["clean"]) == ("True", MISREAD, "True", "True")
    amounts = pd.read_csv(tmp_path / "out" / "amounts.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = amounts[(amounts["form_id"] == JZ) & (amounts["row"] == "2")].iloc[0]
    assert (row["amount"], row["corrected"]) == ("8956203.17", "amount")
    audit = pd.read_csv(tmp_path / "out" / "corrections.csv", encoding="utf-8-sig", dtype=str)
    assert audit[["form_id", "field", "action", "old", "new", "reason", "reviewer"]].values.tolist() == [
        [JZ, MISREAD, "correct", "8953203.17", "8956203.17", "the page prints 8956203.17", "e2e"]
    ]


def test_confirming_every_flag_in_the_browser_reviews_the_form(server: Server, browser) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    d.get(server.url + f"/forms/{JZ}")
    wait(d, "#failed-checks", CHECK)
    body = d.find_element(By.TAG_NAME, "body")
    for left in range(6, 0, -1):  # c confirms the selected field; the next flagged one is selected
        assert len(d.find_elements(By.CSS_SELECTOR, "#flagged tr.open")) == left
        assert d.find_element(By.ID, "open-count").text == str(left)
        body.send_keys("c")
        reloaded(d, body)
        wait(d, "#message", "confirmed")
        body = d.find_element(By.TAG_NAME, "body")
    assert wait(d, "#state", "reviewed")
    assert CHECK in d.find_element(By.ID, "failed-checks").text  # confirmed: the check still fails, as read
    # settled, the form has left the flagged ones; the next flagged form is still one key away
    assert "/forms/" in (d.find_element(By.ID, "next").get_attribute("href") or "")
    d.find_element(By.TAG_NAME, "body").send_keys("n")
    wait(d, "#failed-checks", "budget_balance")


PROBES = [
    "/assets/../../pyproject.toml",
    "/assets/..%2f..%2fpyproject.toml",
    "/assets/%2e%2e/%2e%2e/pyproject.toml",
    "/assets/app.css/../../../pyproject.toml",
    "/forms/..%2f..%2f..%2fetc%2fpasswd",
    f"/forms/{JZ}/pages/..%2f..%2f..%2f..%2fetc%2fpasswd.png",
    f"/forms/{JZ}/pages/1.png/../../../../../etc/passwd",
    f"/forms/{JZ}/pages/%2fetc%2fpasswd.png",
    f"/forms/{JZ}/pages/-1.png",
    f"/forms/{JZ}/pages/99.png",
    f"/forms/{JZ}/pages/1e0.png",
    "/forms/0000000000000000p1/pages/1.png",
    "//etc/passwd",
    "/etc/passwd",
    "/l.sqlite",
    "/l.sqlite.pages/",
    f"/forms/{JZ}%00/pages/1.png",
    "/forms/../l.sqlite",
]


def test_no_path_from_a_request_reaches_the_file_system(server: Server, ledger: Path) -> None:
    status, headers, data = server.request("GET", f"/forms/{JZ}/pages/1.png")
    assert status == 200 and headers["content-type"] == "image/png" and data[:8] == b"\x89PNG\r\n\x1a\n"
    cache = ledger.with_name(ledger.name + ".pages")
    assert [p.name for p in cache.iterdir()] == [f"{'4d912117016751d2'}{p.name[16:]}" for p in cache.iterdir()]
    secrets = (b"root:", b"[project]", b"SQLite format", b"\x89PNG")
    for probe in PROBES:
        status, _, data = server.request("GET", probe)
        assert status in (400, 404), (probe, status)
        assert not any(s in data for s in secrets), probe
    status, headers, data = server.request("GET", "/assets/app.js")
    assert status == 200 and b"review" in data


def test_other_hosts_origins_and_forms_are_refused(server: Server, ledger: Path) -> None:
    # a page of another site that reached the app through its own DNS name (rebinding): refused
    status, _, _ = server.request("GET", "/", headers={"Host": "evil.example:80"})
    assert status == 400
    body = json.dumps({"field": "budget.carryover", "action": "confirm", "value": "", "reason": "x"}).encode()
    # a form another site posts (not JSON, or from another origin): refused
    status, _, _ = server.request("POST", f"/forms/{JZ}/decisions", body, {"Content-Type": "text/plain"})
    assert status == 415
    json_from = {"Content-Type": "application/json", "Origin": "http://evil.example"}
    status, _, _ = server.request("POST", f"/forms/{JZ}/decisions", body, json_from)
    assert status == 403
    status, _, _ = server.request("GET", f"/forms/{JZ}/decisions")
    assert status == 405
    # every response forbids scripts and images from elsewhere
    _, headers, _ = server.request("GET", f"/forms/{JZ}")
    assert "script-src 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
    check = Ledger(ledger, readonly=True)
    try:
        assert check.corrections() == {}
    finally:
        check.close()


@pytest.mark.parametrize(
    ("form", "body", "status", "says"),
    [
        (JZ, {"field": MISREAD, "action": "correct", "value": "abc", "reason": "r"}, 400, "amount"),
        (JZ, {"field": "form.fiscal_year", "action": "correct", "value": "2021.5", "reason": "r"}, 400, "fiscal_year"),
        (JZ, {"field": "budget.nosuch", "action": "correct", "value": "1", "reason": "r"}, 400, "unknown field"),
        (JZ, {"field": "indicators[999].score", "action": "correct", "value": "1", "reason": "r"}, 400, "rows"),
        (JZ, {"field": MISREAD, "action": "correct", "value": "1", "reason": " "}, 400, "reason"),
        (JZ, {"field": MISREAD, "action": "delete", "value": "", "reason": "r"}, 400, "action"),
        (JZ, {"field": MISREAD, "action": "correct", "value": 5, "reason": "r"}, 400, "text"),
        (JZ, {"field": MISREAD, "action": "correct", "value": "1", "reason": "r", "reviewer": "x"}, 400, "unknown"),
        (JZ, {"field": MISREAD, "action": "correct", "value": "1" * 3000, "reason": "r"}, 400, "longer"),
        ("ffffffffffffffffp1", {"field": MISREAD, "action": "confirm", "reason": "r"}, 404, "no such form"),
        ("../../etc/passwd", {"field": MISREAD, "action": "confirm", "reason": "r"}, 404, ""),
    ],
)
def test_a_bad_decision_is_refused_with_the_reason(
    server: Server, ledger: Path, form: str, body: dict, status: int, says: str
) -> None:
    got, data = (
        server.decide(form, **body) if "/" not in form else (server.request("POST", f"/forms/{form}/decisions")[0], {})
    )
    assert got == status, data
    assert says in data.get("error", ""), data
    check = Ledger(ledger, readonly=True)
    try:
        assert check.corrections() == {}  # nothing kept
    finally:
        check.close()


def test_decisions_saved_in_the_app_while_an_ingest_writes_the_same_ledger(
    server: Server, ledger: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    copied = [p for p in sorted(SAMPLES.glob("*.pdf")) if p.name not in (JINZHONG.name, AUDIT.name, UNBALANCED.name)]
    for pdf in copied[:6]:
        shutil.copy(pdf, folder / pdf.name)
    ingest = subprocess.Popen(
        [sys.executable, "-m", "extract", "ingest", "-q", str(folder), "--db", str(ledger), "-j", "2"],
        stderr=subprocess.PIPE,
        text=True,
    )
    saved = 0
    while ingest.poll() is None or saved < 5:
        status, data = server.decide(JZ, field="budget.carryover", action="confirm", value="", reason=f"look {saved}")
        assert status == 200, data
        saved += 1
        status, _, _ = server.request("GET", "/")  # the queue, read while the ingest writes
        assert status == 200
    _, err = ingest.communicate(timeout=300)
    assert ingest.returncode in (0, 1), err
    db = Ledger(ledger, readonly=True)
    try:
        assert len(db.corrections()[JZ]) == saved  # not one decision lost
        files = db.db.execute("SELECT count(*) FROM files").fetchone()[0]
        forms = db.db.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        db.close()
    assert files == 3 + 6  # nor one file of the ingest
    _, _, page = server.request("GET", "/")
    assert page.count(b'<tr class="') == forms  # the queue shows the forms the ingest added


def test_text_from_a_pdf_is_escaped_in_the_app(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    r = runner.invoke(app, ["ingest", "-q", str(JINZHONG), "--db", str(db), "-j", "1"])
    assert r.exit_code == 1
    led = Ledger(db)
    try:
        data = next(led.records())
        hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
        data["form"]["unit_name"] = hostile
        data["narratives"]["budget_execution"] = hostile + data["narratives"]["budget_execution"]
        data["source"]["sha256"] = "ab" * 32
        led.write(FileResult(sha256="ab" * 32, size=1, status="flagged", records=(data,)))
        assert loads(led.db.execute("SELECT record FROM records WHERE sha256=?", ("ab" * 32,)).fetchone()[0])
    finally:
        led.close()
    s = Server(db)
    try:
        for path in ("/", f"/forms/{'ab' * 8}p1", f"/?q={'%3Cscript%3E'}"):
            status, _, page = s.request("GET", path)
            assert status == 200, path
            assert b"<script>alert" not in page and b"<img src=x" not in page, path
            assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page or path.startswith("/?q"), path
        # its file is not where the ledger says (nor are its bytes anywhere): no picture, no error
        status, _, page = s.request("GET", f"/forms/{'ab' * 8}p1")
        assert b"no picture" in page
        assert s.request("GET", f"/forms/{'ab' * 8}p1/pages/1.png")[0] == 404
    finally:
        s.stop()


def test_the_app_needs_a_ledger_and_listens_on_loopback(tmp_path: Path, ledger: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "extract", "review", "--db", str(tmp_path / "none.sqlite"), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no such ledger" in r.stderr
    assert not (tmp_path / "none.sqlite").exists()
    s = Server(ledger)
    try:
        assert s.host == "127.0.0.1"
    finally:
        s.stop()


def test_the_queue_read_by_sqlite_is_the_queue_read_from_the_records(tmp_path: Path) -> None:
    """The queue reads a form with no decision from its JSON in SQLite (fast); a form with decisions from
    its record with the decisions applied: on every sample (and a scan) both give the same line."""
    from extract.ingest.review import rules_by_template
    from extract.web.queue import PLAIN, Queue, summarise, summarise_plain

    db = tmp_path / "s.sqlite"
    pdfs = [*sorted(SAMPLES.glob("*.pdf")), SAMPLES / "scans" / "jinzhong-2022-audit-bureau-scan200.pdf"]
    r = runner.invoke(app, ["ingest", "-q", *map(str, pdfs), "--db", str(db), "-j", "2"])
    assert r.exit_code == 1, r.stderr
    rules = rules_by_template()
    led = Ledger(db)
    try:
        rows = led.db.execute("SELECT sha256, idx, record FROM records").fetchall()
        assert len(rows) >= 19
        statuses = set()
        for sha, idx, text in rows:
            plain = summarise_plain(sha, led.db.execute(PLAIN, (sha, idx)).fetchone())
            assert plain == summarise(loads(text), [], rules), plain.form_id
            statuses.add(plain.status)
        assert statuses == {"flagged", "clean"}
        # a decision: that form is read again (its record, decisions applied), the others are kept
        queue = Queue()
        before = {s.form_id: s for s in queue.refresh(led)}
        from extract.ingest.review import decide

        decide(led, JZ, MISREAD, "correct", "8956203.17", "the page prints it", "q")
        after = {s.form_id: s for s in queue.refresh(led)}
        assert (before[JZ].status, after[JZ].status) == ("flagged", "reviewed")
        assert after[JZ].failed == () and after[JZ].decisions == 1
        assert {k: v for k, v in after.items() if k != JZ} == {k: v for k, v in before.items() if k != JZ}
    finally:
        led.close()


def test_the_queue_filters_by_template_region_year_check_status_and_text(server: Server) -> None:
    import re
    from urllib.parse import quote

    def shown(query: str) -> list[str]:
        status, _, page = server.request("GET", "/?" + query)
        assert status == 200, query
        return re.findall(r'<tr class="\w+" data-form="([0-9a-fp]+)"', page.decode())

    everything = shown("")
    assert len(everything) == 3 and everything[-1] != JZ  # the clean audit form last
    audit, unbalanced = everything[-1], next(f for f in everything[:2] if f != JZ)
    assert shown("year=2022") == [audit]
    assert shown("status=clean") == [audit]
    assert sorted(shown("status=flagged")) == sorted([JZ, unbalanced])
    assert shown("check=budget_balance") == [unbalanced]
    assert shown(f"check={CHECK}&year=2021") == [JZ]
    assert sorted(shown("region=" + quote("晋中市"))) == sorted(everything)
    assert shown("q=" + quote("司法")) == [JZ]
    assert shown("template=dept-overall-shanxi&year=2020") == []
    status, _, page = server.request("GET", "/?template=nosuch")
    assert status == 200 and b"no form matches the filters" in page
    for bad in ("year=abc", "status=bogus"):
        status, _, page = server.request("GET", "/?" + bad)
        assert status == 400 and b'id="error"' in page, bad
    # a form page keeps the filters: its next / previous flagged form are those of the filtered queue
    _, _, page = server.request("GET", f"/forms/{JZ}?status=flagged")
    text = page.decode()
    assert f'href="/forms/{unbalanced}?status=flagged"' in text or f"/forms/{unbalanced}?status=flagged" in text


def test_one_id_a_form_and_odd_query_numbers_are_refused_not_crashed(server: Server, ledger: Path) -> None:
    for other in (JZ.replace("p1", "p01"), JZ.replace("p1", "p001"), JZ.replace("p1", "p%EF%BC%91")):
        assert server.request("GET", f"/forms/{other}")[0] == 404, other
        status, _ = server.decide(other, field="budget.carryover", action="confirm", value="", reason="x")
        assert status == 404, other
    r = runner.invoke(app, ["confirm", JZ.replace("p1", "p01"), "budget.carryover", "--db", str(ledger)])
    assert r.exit_code == 2 and "no such form" in r.stderr
    for query in ("year=%C2%B2", "year=" + "9" * 5000, "year=1234567"):
        assert server.request("GET", "/?" + query)[0] == 400, query
    for query in ("start=%C2%B2", "start=" + "9" * 5000, "start=-3"):
        assert server.request("GET", "/?" + query)[0] == 200, query
    assert server.request("GET", f"/forms/{JZ}?year=%C2%B2")[0] == 200  # a bad filter: the form, no filter
    # a body larger than allowed is refused before it is read
    status, _, _ = server.request(
        "POST",
        f"/forms/{JZ}/decisions",
        b"{}",
        {"Content-Type": "application/json", "Content-Length": str(10**9)},
    )
    assert status == 413
    check = Ledger(ledger, readonly=True)
    try:
        assert check.corrections() == {}
    finally:
        check.close()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"field": "form.fiscal_year", "value": "99999999999999999999999"}, "out of range"),
        ({"field": "form.fiscal_year", "value": "-5"}, "fiscal_year"),
        ({"field": "budget.execution", "value": "1" * 60}, "not an amount a form prints"),
        ({"field": "budget.execution", "value": "1.1234567"}, "not an amount a form prints"),
        ({"field": "amounts_in_text[1].field", "value": "goals.expected"}, "not corrected"),
        ({"field": "amounts_in_text[1].role", "value": "total"}, "not corrected"),
        ({"field": MISREAD, "value": "1", "reason": "\ud800"}, "surrogate"),
        ({"field": MISREAD, "value": "1", "read_at": "nan"}, "read_at"),
    ],
)
def test_values_no_export_could_hold_are_refused(server: Server, ledger: Path, body: dict, says: str) -> None:
    status, data = server.decide(JZ, **{"action": "correct", "reason": "r", **body})
    assert status == 400 and says in data["error"], data
    check = Ledger(ledger, readonly=True)
    try:
        assert check.corrections() == {}
    finally:
        check.close()


def test_a_decision_on_a_reading_that_changed_since_it_was_shown_is_refused(server: Server, ledger: Path) -> None:
    import re

    _, _, page = server.request("GET", f"/forms/{JZ}")
    (read_at,) = re.findall(r'data-read-at="([^"]+)"', page.decode())
    # the file is read again (a re-ingest) while the reviewer looks at the page
    r = runner.invoke(app, ["ingest", "-q", "--force", str(JINZHONG), "--db", str(ledger), "-j", "1"])
    assert r.exit_code == 1, r.stderr
    status, data = server.decide(JZ, field=MISREAD, action="confirm", value="", reason="r", read_at=read_at)
    assert status == 409 and "read again" in data["error"], data
    _, _, page = server.request("GET", f"/forms/{JZ}")
    (now,) = re.findall(r'data-read-at="([^"]+)"', page.decode())
    assert now != read_at
    status, data = server.decide(JZ, field=MISREAD, action="confirm", value="", reason="r", read_at=now)
    assert status == 200, data
    check = Ledger(ledger, readonly=True)
    try:
        assert [c.field for c in check.corrections()[JZ]] == [MISREAD]  # the refused one not kept
    finally:
        check.close()


def test_the_app_listens_where_told_and_answers_only_to_the_names_given(tmp_path: Path, ledger: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "extract", "review", "--db", str(ledger), "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "--allow-host" in r.stderr
    s = Server(ledger, "--host", "127.0.0.2")
    try:
        assert s.host == "127.0.0.2" and s.request("GET", "/")[0] == 200
        assert s.request("GET", "/", headers={"Host": f"evil.example:{s.port}"})[0] == 400
    finally:
        s.stop()


def test_narrative_amounts_are_marked_each_in_its_own_place() -> None:
    from extract.web.views import _spans

    text = "本项目资金100元，其中资金60元，资金40元。资金"
    spans = _spans(text, [(0, "本项目资金"), (1, "资金"), (2, "资金")])
    assert [(text[a:b], i) for a, b, i in spans] == [("本项目资金100元", 0), ("资金60元", 1), ("资金40元", 2)]
    # read out of order: each still finds a place of its own
    spans = _spans(text, [(2, "资金"), (0, "本项目资金"), (1, "资金")])
    assert len({a for a, _, _ in spans}) == 3 and all(
        b <= c or d <= a for a, b, _ in spans for c, d, _ in spans if a != c
    )
