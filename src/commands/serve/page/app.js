// txdoctor serve: the page's script. Every piece of text from a chain or
// an endpoint is set with textContent, never parsed as HTML; every request
// goes to this page's own origin.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const LANGS = ["en", "zh", "zh-Hant", "ja", "ko"];
  const KEY = "txdoctor.lang";
  let words = {};
  let records = [];

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "class") e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined || c === "") continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  const w = (id, fallback) => words[id] || fallback || id;

  function initialLang() {
    const kept = localStorage.getItem(KEY);
    if (LANGS.includes(kept)) return kept;
    const nav = (navigator.language || "en").toLowerCase();
    if (/^zh-(tw|hk|mo|hant)/.test(nav)) return "zh-Hant";
    const short = nav.split("-")[0];
    return LANGS.includes(short) ? short : "en";
  }

  async function loadWords(lang) {
    const r = await fetch("/api/strings?lang=" + encodeURIComponent(lang));
    if (!r.ok) return;
    words = await r.json();
    document.documentElement.lang = lang;
    for (const e of document.querySelectorAll("[data-i18n]")) {
      e.textContent = w(e.dataset.i18n, e.textContent);
    }
    document.title = "txdoctor";
  }

  // ---- what a record says ----

  const TONE = {
    finalized: ["ok", "✓"], confirmed: ["ok", "✓"], pending: ["wait", "⏳"],
    failed: ["bad", "✗"], replaced: ["bad", "↺"], dropped: ["bad", "✗"],
    not_found: ["bad", "?"], unknown: ["wait", "?"],
  };

  function statusOf(r) {
    if (r.kind === "address") return "address";
    return r.status || "unknown";
  }

  function statusWord(s) {
    return w("page_status_" + s, s);
  }

  function amountOf(r) {
    const t = (r.token_transfers || [])[0];
    if (t && t.amount !== undefined) {
      return { amount: t.amount + " " + (t.symbol || ""), to: t.to };
    }
    if (r.value && r.value.raw && r.value.raw !== "0") {
      return { amount: r.value.amount + " " + r.value.symbol, to: r.to };
    }
    const a = r.attempted_transfer;
    if (a && a.amount) return { amount: a.amount + " " + (a.symbol || ""), to: a.to };
    return { amount: "", to: r.to };
  }

  function eta(seconds) {
    if (seconds === null || seconds === undefined) return "";
    if (seconds < 90) return "~" + Math.max(1, Math.round(seconds)) + " s";
    if (seconds < 5400) return "~" + Math.round(seconds / 60) + " min";
    return "~" + Math.round(seconds / 3600) + " h";
  }

  function badge(s) {
    const [, icon] = TONE[s] || ["info", "•"];
    return el("span", { class: "badge" }, icon + " " + statusWord(s));
  }

  function card(r) {
    const s = statusOf(r);
    const [tone] = TONE[s] || ["info"];
    const c = el("article", { class: "card " + tone, "aria-label": statusWord(s) });
    c.append(el("h3", {}, badge(s), r.reason ? el("span", { class: "reason" }, r.reason) : null));
    const facts = el("dl", { class: "facts" });
    const fact = (label, value, mono) => {
      if (value === null || value === undefined || value === "") return;
      facts.append(el("dt", {}, label), el("dd", mono ? { class: "mono" } : {}, value));
    };
    if (r.kind === "address") {
      fact(w("label_to", "Address"), r.address, true);
      for (const ch of r.chains || []) fact(w("label_chain"), ch.chain_name || ch.chain);
    } else {
      fact(w("label_chain"), r.chain_name || r.chain || (r.searched || []).join(", "));
      if (r.confirmations !== null && r.confirmations !== undefined) {
        fact(
          w("label_confirmations"),
          r.required_confirmations ? r.confirmations + " / " + r.required_confirmations : String(r.confirmations)
        );
      }
      fact(w("page_time_to_final"), eta(r.eta_seconds));
      const m = amountOf(r);
      fact(w("page_amount"), m.amount);
      fact(w("label_recipient"), m.to, true);
      if (r.fee && r.fee.amount) fact(w("label_fee"), r.fee.amount + " " + r.fee.symbol);
      if (r.failure && r.failure.message) fact(w("label_failure", "Failure"), r.failure.message);
      fact(w("label_hash", "Transaction"), r.hash, true);
    }
    c.append(facts);
    for (const warn of r.warnings || []) {
      c.append(el("div", { class: "warning", role: "alert" }, el("strong", {}, "⚠ " + w("page_warnings")), warn.message));
    }
    const link = r.explorer_url || ((r.chains || []).find((ch) => ch.explorer_url) || {}).explorer_url;
    if (link && /^https?:\/\//.test(link)) {
      c.append(el("p", {}, el("a", { href: link, target: "_blank", rel: "noopener noreferrer" }, w("label_explorer") + " ↗")));
    }
    if (r.diagnosis) {
      const id = "reply-" + Math.random().toString(36).slice(2);
      c.append(el("h4", { id }, w("page_reply")));
      const text = el("p", { class: "reply", "aria-labelledby": id }, r.diagnosis);
      const copy = el("button", { type: "button", class: "copy" }, w("page_copy"));
      const said = el("span", { role: "status", "aria-live": "polite", class: "copied" });
      copy.addEventListener("click", () => copyText(r.diagnosis, copy, said));
      c.append(text, el("div", { class: "actions" }, copy, caseButton(r), said));
    }
    return c;
  }

  async function copyText(text, button, said) {
    let done = false;
    try {
      await navigator.clipboard.writeText(text);
      done = true;
    } catch (e) {
      const t = el("textarea", { "aria-hidden": "true" });
      t.value = text;
      document.body.append(t);
      t.select();
      try { done = document.execCommand("copy"); } catch (e2) { done = false; }
      t.remove();
    }
    button.dataset.copied = text;
    said.textContent = done ? w("page_copied") : "";
  }

  function caseButton(r) {
    if (r.kind === "address" || !r.hash) return null;
    const b = el("button", { type: "button", class: "quiet" }, w("page_open_case"));
    b.addEventListener("click", async () => {
      const ticket = prompt(w("page_ticket")) || "";
      b.disabled = true;
      const res = await fetch("/api/cases", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ query: r.query || r.hash, ticket, lang: currentLang() }),
      });
      b.disabled = false;
      const body = await res.json().catch(() => ({}));
      if (!res.ok) problem(w("page_error") + ": " + (body.error || res.status));
      loadCases();
    });
    return b;
  }

  // ---- checking ----

  function currentLang() {
    return $("lang").value;
  }

  function problem(text) {
    $("problems").append(el("div", { class: "problem" }, text));
  }

  function refused(r) {
    return r.status === null && /^\(not shown/.test(r.query || "");
  }

  async function check(event) {
    if (event) event.preventDefault();
    const text = $("paste").value;
    if (!text.trim()) return;
    const button = $("check");
    button.disabled = true;
    $("progress").textContent = w("page_working");
    $("problems").replaceChildren();
    $("cards").replaceChildren();
    $("table").tBodies[0].replaceChildren();
    $("results").hidden = true;
    records = [];
    try {
      const res = await fetch("/api/batch?lang=" + encodeURIComponent(currentLang()), {
        method: "POST",
        headers: { "Content-Type": "text/plain; charset=utf-8" },
        body: text,
      });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        problem(w("page_error") + ": " + (body.error || res.status));
        return;
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let rest = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (value) rest += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = rest.indexOf("\n")) >= 0) {
          const line = rest.slice(0, nl);
          rest = rest.slice(nl + 1);
          if (line.trim()) take(JSON.parse(line));
        }
        if (done) break;
      }
      finish();
    } catch (e) {
      problem(w("page_error") + ": " + e.message);
    } finally {
      button.disabled = false;
      $("progress").textContent = "";
    }
  }

  const skipped = [];

  function take(r) {
    records.push(r);
    $("progress").textContent = w("page_working") + " " + records.length;
  }

  function finish() {
    skipped.length = 0;
    const found = [];
    for (const r of records) {
      if (r.status === null && !r.kind) {
        if (refused(r)) problem(w("page_refused") + ": " + r.error);
        else skipped.push(r);
      } else {
        found.push(r);
      }
    }
    if (skipped.length) {
      const d = el("details", { class: "skipped" }, el("summary", {}, w("page_skipped") + ": " + skipped.length));
      for (const s of skipped) d.append(el("p", {}, s.error));
      $("problems").append(d);
    }
    if (found.length === 1) {
      $("cards").append(card(found[0]));
    } else if (found.length > 1) {
      const body = $("table").tBodies[0];
      found.forEach((r, i) => {
        const s = statusOf(r);
        const show = el("button", { type: "button", "aria-label": w("page_show") + " " + (i + 1) }, w("page_show"));
        show.addEventListener("click", () => {
          $("cards").replaceChildren(card(r));
          $("cards").firstChild.scrollIntoView({ block: "nearest" });
          const first = $("cards").querySelector("button, a");
          if (first) first.focus();
        });
        const tr = el("tr", { class: (TONE[s] || ["info"])[0] },
          el("td", {}, String(i + 1)),
          el("td", {}, badge(s)),
          el("td", {}, r.chain_name || r.chain || ""),
          el("td", { class: "mono" }, amountOf(r).amount),
          el("td", {}, show));
        body.append(tr);
      });
      $("results").hidden = false;
    }
  }

  // ---- CSV of the table ----

  function cell(v) {
    let s = v === null || v === undefined ? "" : String(v);
    // A cell a spreadsheet would run as a formula is text.
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function downloadCsv() {
    const head = ["query", "chain", "status", "reason", "confirmations", "amount", "recipient", "fee", "explorer_url", "error"];
    const rows = [head.join(",")];
    for (const r of records) {
      const m = r.kind === "transaction" ? amountOf(r) : { amount: "", to: "" };
      rows.push([
        r.query, r.chain || "", r.kind === "address" ? "" : r.status, r.reason, r.confirmations,
        m.amount, m.to, r.fee ? r.fee.amount + " " + r.fee.symbol : "", r.explorer_url, r.error,
      ].map(cell).join(","));
    }
    const blob = new Blob([rows.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    const a = el("a", { href: URL.createObjectURL(blob), download: "txdoctor.csv" });
    document.body.append(a);
    a.click();
    a.remove();
  }

  // ---- cases ----

  async function loadCases() {
    const list = $("case-list");
    const res = await fetch("/api/cases");
    if (!res.ok) {
      $("cases").hidden = true;
      return;
    }
    $("cases").hidden = false;
    const cases = await res.json();
    list.replaceChildren();
    if (!cases.length) list.append(el("li", {}, w("page_cases_none")));
    for (const c of cases) {
      list.append(el("li", {}, "#" + c.case + " ", c.ticket ? c.ticket + " · " : "", badge(c.status), " ",
        el("span", { class: "mono" }, String(c.query).slice(0, 14) + "…")));
    }
  }

  async function checkAgain() {
    const b = $("check-again");
    b.disabled = true;
    try {
      const res = await fetch("/api/cases/check", { method: "POST" });
      const changed = await res.json().catch(() => []);
      const news = $("case-news");
      news.replaceChildren();
      if (res.ok) {
        for (const c of changed) {
          news.append(el("h3", {}, "#" + c.case + (c.ticket ? " · " + c.ticket : "") + ": " +
            statusWord(c.previous_status || "unknown") + " → " + statusWord(c.status)));
          if (c.report) news.append(card(c.report));
        }
      } else {
        problem(w("page_error") + ": " + (changed.error || res.status));
      }
    } finally {
      b.disabled = false;
      loadCases();
    }
  }

  // ---- start ----

  document.addEventListener("DOMContentLoaded", () => {
    const lang = initialLang();
    $("lang").value = lang;
    loadWords(lang);
    $("lang").addEventListener("change", () => {
      localStorage.setItem(KEY, currentLang());
      loadWords(currentLang());
      if ($("paste").value.trim() && records.length) check();
    });
    $("form").addEventListener("submit", check);
    $("paste").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) check(e);
    });
    $("csv").addEventListener("click", downloadCsv);
    $("check-again").addEventListener("click", checkAgain);
    loadCases();
  });
})();
