// The broadcast composer: the live count of recipients per language as the filters change,
// and each text's fit on every channel as it is typed (both answered by the server, which
// counts and checks as the broadcast itself will).
"use strict";
(function () {
  const form = document.getElementById("composer");
  if (!form || !window.Relais) return;
  const labels = form.dataset;  // the words, translated by the page

  function debounce(fn, ms) {
    let timer = null;
    return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  async function count() {
    const query = new URLSearchParams();
    for (const name of ["languages", "places", "tags", "roles"]) {
      form.querySelectorAll(`input[name="${name}"]:checked`).forEach((box) => query.append(name, box.value));
    }
    try {
      const counts = await Relais.call(`${form.dataset.audienceUrl}?${query}`);
      for (const key of ["fr", "bm", "total"]) {
        const cell = form.querySelector(`[data-count="${key}"]`);
        if (cell) cell.textContent = counts[key];
      }
    } catch (error) { /* the next change tries again */ }
    // A language nobody reads in this audience needs no text: its box fades.
    const chosen = [...form.querySelectorAll('input[name="languages"]:checked')].map((b) => b.value);
    form.querySelectorAll("fieldset[data-language]").forEach((set) => {
      set.classList.toggle("muted", chosen.length > 0 && !chosen.includes(set.dataset.language));
    });
  }

  function line(text, cls) {
    const span = document.createElement("span");
    span.textContent = text;
    if (cls) span.className = cls;
    return span;
  }

  async function check() {
    const voice = form.querySelector('input[name="voice_bm"]');
    const kept = form.querySelector('audio') && !form.querySelector('input[name="drop_voice"]:checked');
    const body = {
      text_fr: form.elements.text_fr.value,
      text_bm: form.elements.text_bm.value,
      voice_bm: Boolean((voice && voice.files.length) || kept),
    };
    let found;
    try {
      found = await Relais.call(form.dataset.checkUrl, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
    } catch (error) { return; }
    for (const code of ["fr", "bm"]) {
      const place = form.querySelector(`[data-checks="${code}"]`);
      const c = found[code];
      const parts = [
        line(`${c.length} ${labels.chars} · Telegram ${c.telegram_left} ${labels.left} · ` +
             `WhatsApp ${c.whatsapp_left} ${labels.left} · ${c.sms_segments} ${labels.segments} (${c.sms_encoding})`,
             c.too_long ? "error" : ""),
        ...c.warnings.map((warning) => line(warning, "warn")),
      ];
      place.replaceChildren(...parts);
    }
  }

  const recount = debounce(count, 250);
  const recheck = debounce(check, 300);
  form.addEventListener("change", (event) => {
    if (event.target.type === "checkbox" && event.target.name !== "drop_voice") recount();
    else recheck();
  });
  form.addEventListener("input", (event) => { if (event.target.tagName === "TEXTAREA") recheck(); });
  count();
  check();
})();
