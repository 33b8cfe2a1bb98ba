"""Remake the README's screenshots of the review app: docs/review-queue.png and docs/review-form.png.

    python docs/screenshots.py      (needs Debian's chromium + chromium-driver and fonts-noto-cjk)

A ledger of the bundled samples (and a 200-dpi scan) is made in a temporary folder, ``extract review`` is
started on it, and Chromium (Selenium) opens the queue, then the Jinzhong form with its misread amount
selected. The pictures are reduced to a palette of 128 colours to stay small.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JZ = "4d912117016751d2p1"
FIELD = "amounts_in_text[1].amount"


def shoot(driver: object, out: Path) -> None:
    from PIL import Image

    driver.save_screenshot(str(out))  # type: ignore[attr-defined]
    Image.open(out).convert("RGB").quantize(128).save(out, optimize=True)
    print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size / 1e3:.0f} kB)")


def main() -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.sqlite"
        pdfs = [
            *sorted((ROOT / "samples").glob("*.pdf")),
            ROOT / "samples/scans/jinzhong-2021-justice-bureau-scan200.pdf",
        ]
        subprocess.run([sys.executable, "-m", "extract", "ingest", "-q", *map(str, pdfs), "--db", str(db)], check=False)
        proc = subprocess.Popen(
            [sys.executable, "-m", "extract", "review", "--db", str(db), "--port", "0", "--reviewer", "审核员"],
            stderr=subprocess.PIPE,
            text=True,
        )
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={tmp}/chromium",
        ):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            line = proc.stderr.readline() if proc.stderr else ""
            base = line.split(" at ")[1].split()[0].rstrip("/")
            driver.set_window_size(1400, 700)
            driver.get(base + "/")
            shoot(driver, ROOT / "docs" / "review-queue.png")
            driver.set_window_size(1400, 900)
            driver.get(f"{base}/forms/{JZ}#field={FIELD}")
            driver.execute_script("return new Promise(r => setTimeout(r, 800))")
            shoot(driver, ROOT / "docs" / "review-form.png")
        finally:
            driver.quit()
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
