// The overview's live figures: asks /admin/overview.json every few seconds while a
// broadcast goes out or a contest is open, now and then otherwise, and writes the
// answers in place.
"use strict";
(function () {
  const root = document.getElementById("live");
  if (!root || !window.Relais) return;
  const url = root.dataset.url;
  const fast = Number(root.dataset.liveMs), slow = Number(root.dataset.quietMs);
  const running = document.getElementById("running");
  let shown = running.innerHTML;

  function render(data) {
    Object.keys(data.figures).forEach(function (key) {
      const box = root.querySelector('[data-figure="' + key + '"]');
      if (!box) return;
      box.querySelector(".value").textContent = data.figures[key].value;
      box.querySelector(".note").textContent = data.figures[key].note;
    });
    // Only when it changed: a screen reader announces the region when it is rewritten.
    if (data.running_html !== shown) {
      running.innerHTML = data.running_html;
      shown = data.running_html;
    }
    root.dataset.live = data.live ? "true" : "false";
  }

  function follow(every) {
    window.Relais.poll(url, every, render, function (data) {
      const wanted = data.live ? fast : slow;
      if (wanted === every) return true;
      setTimeout(function () { follow(wanted); }, wanted);
      return false;
    });
  }

  const first = root.dataset.live === "true" ? fast : slow;
  setTimeout(function () { follow(first); }, first);
})();
