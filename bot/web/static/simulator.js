// Relais web simulator: "a phone in the browser".
// Plain JavaScript with no library, so the page works fully offline.
// Server text is only ever inserted as text nodes (never innerHTML).
(function () {
  "use strict";

  const root = document.getElementById("sim-phones");
  const API = (root.dataset.apiBase || "/simulator/api").replace(/\/+$/, "");
  const tpl = document.getElementById("sim-phone-tpl");
  const addButton = document.getElementById("sim-add");
  const tabs = document.getElementById("sim-tabs");
  // English fallbacks in case the server omits a key; the server sends translated ones.
  const STR = Object.assign(
    { phone: "Phone", send_failed: "The message could not be sent.", document: "Open the document" },
    JSON.parse(document.getElementById("sim-strings").textContent || "{}")
  );
  const STORE_KEY = "relais-simulator-phones";
  const ACTIVE_KEY = "relais-simulator-active";
  const ID_RE = /^[a-z0-9-]{3,40}$/;
  const URL_RE = /\bhttps?:\/\/[^\s<>"']+/g;

  // ---- small helpers ----
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const pad = (n) => String(n).padStart(2, "0");

  function randomChars(n) {
    const abc = "abcdefghijklmnopqrstuvwxyz0123456789";
    return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => abc[b % 36]).join("");
  }
  const newPhoneId = () => "sim-" + randomChars(6);

  // crypto.randomUUID() only exists in secure contexts, and a real phone on the
  // LAN opens http://192.168.x.x, so build a version-4 UUID by hand.
  function uuid() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // HH:MM in the browser's local time zone.
  function hhmm(iso) {
    const d = iso ? new Date(iso) : new Date();
    return isNaN(d) ? "" : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  // Only http(s) URLs may become links or media sources (no javascript: etc.).
  function safeUrl(url) {
    try {
      const u = new URL(url, location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  const link = (url, text) => Object.assign(el("a", null, text), { href: url, target: "_blank", rel: "noopener noreferrer" });

  // Text as text nodes; http(s) URLs become links. Line breaks are kept by CSS (pre-wrap).
  function renderText(parent, text) {
    let last = 0;
    for (const m of text.matchAll(URL_RE)) {
      const url = m[0].replace(/[.,;:!?)\]}'"]+$/, ""); // trailing punctuation belongs to the sentence
      parent.append(text.slice(last, m.index), link(url, url));
      last = m.index + url.length;
    }
    parent.append(text.slice(last));
  }

  function renderMedia(media) {
    const url = media && safeUrl(media.url);
    if (!url) return null;
    const tag = { photo: "img", voice: "audio", audio: "audio", video: "video" }[media.kind];
    if (!tag) return link(url, STR.document); // "document" and any unknown kind
    const node = el(tag, "media");
    if (tag === "img") node.alt = "";
    else Object.assign(node, { controls: true, preload: "metadata" });
    node.src = url;
    return node;
  }

  // ---- option buttons (Telegram-style inline keyboard) ----
  function setButtons(row, enabled) {
    row.querySelectorAll(".option").forEach((b) => (b.disabled = !enabled));
  }

  // A user message equal to one of the options means that option was chosen:
  // this also marks choices correctly when the history is reloaded.
  function markChoice(row, text) {
    const hit = [...row.querySelectorAll(".option")].find(
      (b) => !b.disabled && (b.textContent === text || b.dataset.data === text)
    );
    if (!hit) return;
    setButtons(row, false);
    hit.classList.add("chosen");
  }

  // The question or poll a row of buttons answers ("quiz:12"), if it is one.
  function subjectOf(options) {
    const m = /^(quiz|poll):(\d+)\./.exec(options[0].data);
    return m && options.every((o) => o.data.startsWith(`${m[1]}:${m[2]}.`)) ? `${m[1]}:${m[2]}` : null;
  }

  // The server says what this phone answered, however it answered (a button, or "2"
  // typed): that button is marked, and the others are disabled once it cannot change.
  function applyChosen(pane, chosen) {
    pane.log.querySelectorAll(".msg[data-subject]").forEach((row) => {
      const mine = chosen[row.dataset.subject];
      if (!mine || row.dataset.chosen === mine.data + mine.locked) return;
      row.dataset.chosen = mine.data + mine.locked;
      row.querySelectorAll(".option").forEach((b) => {
        b.classList.toggle("chosen", b.dataset.data === mine.data);
        b.disabled = mine.locked;
      });
    });
  }

  function renderOptions(pane, row, options) {
    const box = el("div", "options");
    for (const opt of options) {
      const b = el("button", "option", opt.label);
      b.type = "button";
      b.dataset.data = opt.data;
      b.addEventListener("click", (e) => {
        setButtons(row, false);
        b.classList.add("chosen");
        send(pane, { choice: opt.data, label: opt.label }, opt.label, row);
        // Keyboard users would lose focus on the now-disabled button; touch users
        // would not want the on-screen keyboard to pop up, hence detail === 0 only.
        if (e.detail === 0) pane.input.focus();
      });
      box.append(b);
    }
    return box;
  }

  // ---- messages ----
  const nearBottom = (log) => log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  const scrollDown = (log) => (log.scrollTop = log.scrollHeight);

  function addMessage(pane, m) {
    if (pane.seen.has(m.id)) return null; // already shown (e.g. our optimistic bubble)
    pane.seen.add(m.id);
    const bot = m.direction === "out";
    const row = el("div", "msg " + (bot ? "msg-bot" : "msg-user"));
    const bubble = el("div", "bubble");
    const media = renderMedia(m.media);
    if (media) bubble.append(media);
    if (m.text) {
      const text = el("div", "text");
      renderText(text, m.text);
      bubble.append(text);
    }
    const time = el("time", "time", hhmm(m.at));
    if (m.at) time.dateTime = m.at;
    bubble.append(time);
    row.append(bubble);
    if (bot) {
      // Only the newest bot message stays clickable, but for quiz questions and polls:
      // as on Telegram, they can be answered until they are.
      if (pane.lastBot && !pane.lastBot.dataset.answerable) setButtons(pane.lastBot, false);
      pane.lastBot = row;
      if (Array.isArray(m.options) && m.options.length) {
        row.append(renderOptions(pane, row, m.options));
        if (m.options.every((o) => /^(quiz|poll|share):/.test(o.data))) row.dataset.answerable = "1";
        const subject = subjectOf(m.options);
        if (subject) row.dataset.subject = subject;
      }
    } else if (pane.lastBot && m.text) {
      markChoice(pane.lastBot, m.text);
    }
    // Follow new messages only if the reader is not scrolled up reading older ones.
    const stick = !bot || nearBottom(pane.log);
    pane.log.append(row);
    if (stick) {
      scrollDown(pane.log);
      if (media) media.addEventListener(media.tagName === "IMG" ? "load" : "loadedmetadata", () => scrollDown(pane.log));
    }
    return row;
  }

  function sendFailed(pane, row, detail, fromRow) {
    row.classList.remove("pending");
    row.classList.add("failed");
    const err = el("div", "error", detail);
    err.setAttribute("role", "alert");
    const stick = nearBottom(pane.log);
    row.append(err);
    if (stick) scrollDown(pane.log);
    // The choice did not reach the bot: let the user pick again.
    if (fromRow && fromRow === pane.lastBot) {
      setButtons(fromRow, true);
      fromRow.querySelectorAll(".chosen").forEach((b) => b.classList.remove("chosen"));
    }
  }

  async function send(pane, payload, shownText, fromRow) {
    const id = uuid();
    const row = addMessage(pane, { id, direction: "in", text: shownText, at: new Date().toISOString() });
    row.classList.add("pending");
    const body = JSON.stringify(Object.assign({ id }, payload));
    const url = `${API}/phones/${encodeURIComponent(pane.id)}/send`;
    // The server deduplicates by id, so a network failure is retried with the SAME id.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body });
        if (r.ok) return row.classList.remove("pending");
        if (r.status < 500) {
          // A 4xx will not get better by retrying: show the server's reason.
          const j = await r.json().catch(() => ({}));
          return sendFailed(pane, row, typeof j.detail === "string" ? j.detail : STR.send_failed, fromRow);
        }
      } catch (e) {
        /* network error: retry below */
      }
      if (attempt < 2) await sleep(800 * (attempt + 1));
    }
    sendFailed(pane, row, STR.send_failed, fromRow);
  }

  // Poll every second; back off up to 5 s while the server does not answer.
  async function poll(pane) {
    if (!pane.alive) return;
    try {
      const r = await fetch(`${API}/phones/${encodeURIComponent(pane.id)}/messages?after=${pane.cursor}`, {
        cache: "no-store",
      });
      if (!r.ok) throw new Error("HTTP " + r.status);
      const data = await r.json();
      if (!pane.alive) return;
      (data.messages || []).forEach((m) => addMessage(pane, m));
      applyChosen(pane, data.chosen || {});
      if (data.cursor != null) pane.cursor = data.cursor;
      pane.failures = 0;
      pane.notice.hidden = true;
      pane.log.removeAttribute("aria-busy"); // history loaded: announce only what comes next
    } catch (e) {
      pane.failures++;
      pane.notice.hidden = false;
    }
    const delay = Math.min(5000, 1000 * 2 ** pane.failures);
    pane.timer = setTimeout(() => poll(pane), delay);
  }

  // ---- phone panes ----
  function autosize(t) {
    t.style.height = "auto";
    t.style.height = t.scrollHeight + 2 + "px"; // CSS max-height caps the growth
  }

  // ---- tabs: on a phone's screen, one simulated phone shows at a time ----
  const panes = () => [...root.querySelectorAll(".phone")];

  function activate(id) {
    const all = panes();
    const target = all.find((n) => n.dataset.phone === id) || all[0];
    all.forEach((n) => n.classList.toggle("active", n === target));
    tabs.replaceChildren(
      ...all.map((n, index) => {
        const tab = el("button", "sim-tab", `${STR.phone} ${index + 1}`);
        Object.assign(tab, { type: "button", title: n.dataset.phone });
        tab.setAttribute("role", "tab");
        tab.setAttribute("aria-selected", String(n === target));
        tab.addEventListener("click", () => activate(n.dataset.phone));
        return tab;
      })
    );
    if (target) {
      try {
        sessionStorage.setItem(ACTIVE_KEY, target.dataset.phone);
      } catch (e) {
        /* storage may be disabled */
      }
      const log = target.querySelector(".phone-log");
      scrollDown(log); // a hidden pane could not follow its messages
    }
  }

  function createPane(id) {
    const node = tpl.content.firstElementChild.cloneNode(true);
    const pane = {
      id, node, cursor: 0, failures: 0, timer: 0, alive: true, lastBot: null, seen: new Set(),
      log: node.querySelector(".phone-log"),
      input: node.querySelector("textarea"),
      notice: node.querySelector(".phone-notice"),
    };
    node.dataset.phone = id;
    node.setAttribute("aria-label", `${STR.phone} ${id}`);
    node.querySelector(".phone-id").textContent = id;
    node.querySelector(".phone-remove").addEventListener("click", () => {
      const others = panes().filter((n) => n !== node);
      const next = others[Math.max(0, panes().indexOf(node) - 1)];
      stop(pane);
      node.remove();
      save();
      activate(next ? next.dataset.phone : null);
      addButton.focus();
    });
    // New conversation = the same pane with a brand-new phone id (a new user for the bot).
    node.querySelector(".phone-new").addEventListener("click", () => {
      const fresh = createPane(newPhoneId());
      stop(pane);
      node.replaceWith(fresh.node);
      save();
      activate(fresh.id);
      fresh.input.focus();
    });
    const form = node.querySelector("form");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = pane.input.value.trim();
      if (!text) return;
      pane.input.value = "";
      autosize(pane.input);
      send(pane, { text }, text, null);
    });
    // Enter sends, Shift+Enter inserts a newline (not while an IME is composing).
    pane.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    pane.input.addEventListener("input", () => autosize(pane.input));
    poll(pane);
    return pane;
  }

  function stop(pane) {
    pane.alive = false;
    clearTimeout(pane.timer);
  }

  // The open phones survive a reload (sessionStorage is per tab).
  function save() {
    const ids = [...root.querySelectorAll(".phone")].map((n) => n.dataset.phone);
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(ids));
    } catch (e) {
      /* storage may be disabled: the page still works, it just forgets */
    }
  }

  function initialIds() {
    const wanted = new URLSearchParams(location.search).get("phone");
    if (wanted && ID_RE.test(wanted)) return [wanted]; // ?phone=<id> opens exactly that phone
    try {
      const stored = JSON.parse(sessionStorage.getItem(STORE_KEY) || "[]");
      const ids = stored.filter((x) => typeof x === "string" && ID_RE.test(x));
      if (ids.length) return [...new Set(ids)];
    } catch (e) {
      /* ignore unreadable storage */
    }
    return [newPhoneId()];
  }

  addButton.addEventListener("click", () => {
    const pane = createPane(newPhoneId());
    root.append(pane.node);
    save();
    activate(pane.id);
    pane.input.focus();
  });

  const opened = initialIds();
  opened.forEach((id) => root.append(createPane(id).node));
  save();
  let wasActive = null;
  try {
    wasActive = sessionStorage.getItem(ACTIVE_KEY);
  } catch (e) {
    /* ignore */
  }
  activate(opened.includes(wasActive) ? wasActive : opened[0]);
})();
