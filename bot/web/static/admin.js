// Relais dashboard: the little JavaScript the live parts need. No framework, no CDN.
"use strict";
(function () {
  const csrf = document.body.dataset.csrf || "";

  // Fetch JSON from the dashboard with the session's CSRF token (for POSTs).
  async function call(url, options) {
    const opts = Object.assign({ credentials: "same-origin", headers: {} }, options || {});
    opts.headers = Object.assign({ "X-CSRF-Token": csrf, Accept: "application/json" }, opts.headers);
    const response = await fetch(url, opts);
    if (!response.ok) throw new Error(response.status + " " + url);
    return response.json();
  }

  // Call `render(data)` with `url`'s JSON now and every `ms` while `keepGoing(data)` is true.
  // Pauses while the tab is hidden, to spare slow connections and batteries.
  function poll(url, ms, render, keepGoing) {
    let timer = null;
    async function tick() {
      timer = null;
      if (document.hidden) { timer = setTimeout(tick, ms); return; }
      try {
        const data = await call(url);
        render(data);
        if (keepGoing && !keepGoing(data)) return;
      } catch (error) { /* a dropped connection: try again at the next tick */ }
      timer = setTimeout(tick, ms);
    }
    tick();
    return () => { if (timer) clearTimeout(timer); };
  }

  window.Relais = { call: call, poll: poll, csrf: csrf };
})();
