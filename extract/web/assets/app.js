// The review app's page script: select a field (click a box, a row or an amount; j/k), confirm or correct it
// (c / e), go to the next flagged form (n / p). A decision is sent as JSON; the page is then loaded again
// with the checks as run again, and what changed is shown.
"use strict";
(function () {
  const form = document.getElementById("form");
  document.addEventListener("keydown", function (ev) {
    if (ev.target.closest && ev.target.closest("input, select, textarea")) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "q") {
      location.href = form ? form.dataset.queue : "/";
    } else if (form) {
      formKeys(ev);
    } else if (ev.key === "j" || ev.key === "n") {
      const first = document.querySelector("#queue tr.flagged a.form-link");
      if (first) first.focus();
    }
  });
  if (!form) return;

  const checkFields = JSON.parse(form.dataset.checkFields || "{}");
  const panel = document.getElementById("panel");
  const message = document.getElementById("message");
  const error = document.getElementById("decide-error");
  let selected = null;

  function rows() { return Array.from(document.querySelectorAll("#flagged tr.field")); }
  function asked() { return rows().filter(function (r) { return r.classList.contains("open"); }); }
  function rowOf(field) {
    return document.querySelector('#flagged tr.field[data-field="' + CSS.escape(field) + '"]') ||
      document.querySelector('#all-fields tr.field[data-field="' + CSS.escape(field) + '"]');
  }
  function mark(selector, cls, on) {
    document.querySelectorAll(selector).forEach(function (el) { el.classList.toggle(cls, on); });
  }
  function select(field, scroll) {
    const row = rowOf(field);
    if (!row) return;
    selected = field;
    mark(".selected", "selected", false);
    document.querySelectorAll('[data-field="' + CSS.escape(field) + '"]').forEach(function (el) {
      el.classList.add("selected");
    });
    const d = row.dataset;
    document.getElementById("sel-path").textContent = field;
    document.getElementById("sel-value").textContent = d.value;
    document.getElementById("sel-read").textContent = d.read || (d.decision ? "(unchanged)" : "");
    document.getElementById("sel-raw").textContent = d.raw;
    document.getElementById("sel-confidence").textContent = d.confidence;
    document.getElementById("sel-method").textContent = d.method;
    document.getElementById("sel-why").textContent = d.why;
    document.getElementById("sel-decision").textContent = d.decision;
    document.getElementById("value").value = d.value;
    document.getElementById("reason").value = "";
    error.textContent = "";
    panel.hidden = false;
    history.replaceState(null, "", "#field=" + encodeURIComponent(field));
    const box = document.querySelector('rect.box[data-field="' + CSS.escape(field) + '"]');
    if (box) box.ownerSVGElement.appendChild(box); // drawn last: on top of the boxes it overlaps
    zoom(box);
    if (scroll) {
      if (box) box.scrollIntoView({ block: "center", inline: "nearest", behavior: "instant" });
      if (scroll !== "box") row.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "instant" });
    }
  }
  // the selected field's part of the page, enlarged beside the decision (drawn from the page image itself)
  function zoom(box) {
    const canvas = document.getElementById("zoom");
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    canvas.hidden = !box;
    if (!box) return;
    const svg = box.ownerSVGElement;
    const img = svg.parentNode.querySelector("img");
    const draw = function () {
      const view = svg.viewBox.baseVal;
      const s = img.naturalWidth / view.width;
      const x = box.x.baseVal.value, y = box.y.baseVal.value;
      const w = box.width.baseVal.value, h = box.height.baseVal.value;
      const pad = 6;
      const sx = Math.max(0, (x - pad) * s), sy = Math.max(0, (y - pad) * s);
      const sw = Math.min(img.naturalWidth - sx, (w + 2 * pad) * s), sh = Math.min(img.naturalHeight - sy, (h + 2 * pad) * s);
      const k = Math.min(canvas.width / sw, 3);
      canvas.height = Math.max(24, Math.min(Math.round(sh * k), 400));
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, sx, sy, sw, sh, 0, 0, sw * k, sh * k);
      ctx.strokeStyle = "#2962ff";
      ctx.lineWidth = 2;
      ctx.strokeRect((x * s - sx) * k, (y * s - sy) * k, w * s * k, h * s * k);
    };
    if (img.complete && img.naturalWidth) draw(); else img.addEventListener("load", draw, { once: true });
  }
  function step(by) {
    const list = asked().length ? asked() : rows();
    if (!list.length) return;
    const at = list.findIndex(function (r) { return r.dataset.field === selected; });
    const next = list[(at + by + list.length) % list.length];
    select(next.dataset.field, true);
  }
  function formKeys(ev) {
    const keys = {
      j: function () { step(1); },
      k: function () { step(-1); },
      c: function () { if (selected) send("confirm"); },
      e: function () { if (selected) { const v = document.getElementById("value"); v.focus(); v.select(); } },
      n: function () { if (form.dataset.next) location.href = form.dataset.next; },
      p: function () { if (form.dataset.previous) location.href = form.dataset.previous; },
    };
    if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
  }

  async function send(action) {
    error.textContent = "";
    const body = {
      field: selected,
      action: action,
      value: action === "correct" ? document.getElementById("value").value : "",
      reason: document.getElementById("reason").value,
      read_at: form.dataset.readAt,
    };
    let answer;
    try {
      const r = await fetch("/forms/" + encodeURIComponent(form.dataset.form) + "/decisions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      answer = await r.json();
      if (!r.ok) { error.textContent = answer.error || ("refused (" + r.status + ")"); return; }
    } catch (e) {
      error.textContent = "not sent: " + e;
      return;
    }
    const changed = answer.changed.map(function (c) { return c.check + ": " + c.was + " → " + c.now; });
    const what = action === "correct" ? answer.field + " corrected " + (answer.old || "(blank)") + " → " +
      (answer.new || "(blank)") : answer.field + " confirmed";
    const state = answer.reviewed ? "the form is reviewed" : answer.flags_left.length + " flags left";
    sessionStorage.setItem("review-message", [what].concat(changed, [state]).join(" · "));
    const next = asked().map(function (r) { return r.dataset.field; }).filter(function (f) { return f !== selected; });
    location.hash = next.length ? "field=" + encodeURIComponent(next[0]) : "";
    location.reload();
  }

  document.getElementById("decide").addEventListener("submit", function (ev) {
    ev.preventDefault();
    send("correct");
  });
  document.getElementById("confirm").addEventListener("click", function () { send("confirm"); });
  document.addEventListener("click", function (ev) {
    const target = ev.target.closest("[data-field]:not(.narrative), tr.check");
    if (!target || ev.target.closest("a, button, input")) return;
    if (target.classList.contains("check")) {
      const on = !target.classList.contains("active");
      mark("tr.check.active", "active", false);
      mark("rect.box.check", "check", false);
      target.classList.toggle("active", on);
      if (on) (checkFields[target.dataset.check] || []).forEach(function (f) {
        mark('rect.box[data-field="' + CSS.escape(f) + '"]', "check", true);
      });
      return;
    }
    select(target.dataset.field, target.tagName !== "rect");
  });

  const said = sessionStorage.getItem("review-message");
  if (said) { message.textContent = said; sessionStorage.removeItem("review-message"); }
  const m = location.hash.match(/^#field=(.+)$/);
  let wanted = null;
  try { wanted = m ? decodeURIComponent(m[1]) : null; } catch (e) { wanted = null; }
  if (wanted && rowOf(wanted)) select(wanted, "box");
  else if (asked().length) select(asked()[0].dataset.field, "box");
})();
