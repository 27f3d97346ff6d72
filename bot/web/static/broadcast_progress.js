// A broadcast's page: its progress followed live until every delivery has ended.
"use strict";
(function () {
  const box = document.getElementById("progress");
  if (!box || !window.Relais || box.dataset.live !== "yes") return;
  const state = document.getElementById("state");
  const bar = box.querySelector(".progress");

  function render(data) {
    bar.setAttribute("aria-valuenow", data.percent);
    bar.firstElementChild.style.width = `${data.percent}%`;
    for (const key of ["percent", "handled", "total"]) {
      box.querySelector(`[data-field="${key}"]`).textContent = data[key];
    }
    for (const [key, value] of Object.entries(data.counts)) {
      const cell = box.querySelector(`[data-count="${key}"]`);
      if (cell) cell.textContent = value;
    }
    state.textContent = data.state_label;
    state.dataset.state = data.state;
    const cancel = document.getElementById("cancel");
    if (cancel && !data.live) cancel.hidden = true;
  }

  Relais.poll(box.dataset.url, 1500, render, (data) => data.live);
})();
