// Pain-drawing body chart (charting/_body_chart.html). The region checkboxes in the list are the
// real form field; this script lets a click, Enter or Space on a region of the drawing toggle the
// matching checkbox, keeps the drawing in step with the list, announces each change in the
// chart's live region, and fires a bubbling `change` so htmx listeners on the form refresh.
// Without this script the list of checkboxes still works on its own.
(() => {
  const enhance = (chart) => {
    if (chart.dataset.bodychartReady) return;
    chart.dataset.bodychartReady = "1";
    chart.classList.add("bodychart-enhanced");
    const name = chart.dataset.inputName;
    const status = chart.querySelector("[data-bodychart-status]");
    const boxes = new Map();
    for (const box of chart.querySelectorAll('input[type="checkbox"]')) {
      if (box.name === name) boxes.set(box.value, box);
    }
    const paths = new Map();
    for (const path of chart.querySelectorAll("path[data-region]")) {
      paths.set(path.dataset.region, path);
    }

    const show = (box) => {
      const path = paths.get(box.value);
      if (!path) return;
      path.classList.toggle("selected", box.checked);
      path.setAttribute("aria-checked", box.checked ? "true" : "false");
    };
    const announce = (text) => {
      if (status) status.textContent = text;
    };
    const toggle = (path) => {
      const box = boxes.get(path.dataset.region);
      if (!box || box.disabled) return;
      box.checked = !box.checked;
      show(box);
      announce(`${path.dataset.name || path.getAttribute("aria-label")} ${box.checked ? "added" : "removed"}`);
      box.dispatchEvent(new Event("change", { bubbles: true }));
      // A checkbox tied to its form by the form= attribute sits outside it: tell the form too.
      if (box.form && !box.form.contains(box)) {
        box.form.dispatchEvent(new Event("change", { bubbles: true }));
      }
    };
    const regionOf = (event) => {
      const path = event.target.closest ? event.target.closest("path[data-region]") : null;
      return path && chart.contains(path) ? path : null;
    };

    chart.addEventListener("click", (event) => {
      const path = regionOf(event);
      if (path) toggle(path);
    });
    chart.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      const path = regionOf(event);
      if (!path) return;
      event.preventDefault();
      toggle(path);
    });
    chart.addEventListener("change", (event) => {
      const box = event.target;
      if (box instanceof HTMLInputElement && box.name === name) show(box);
    });
    // The browser may restore checkbox state on back/forward navigation: draw what is checked.
    boxes.forEach(show);
    zoomable(chart);
  };

  // "Zoom in" draws the chart large enough for every region to be a 24 px target, inside a frame
  // that scrolls on its own (the page never scrolls sideways), starting at the front figure.
  const zoomable = (chart) => {
    const tools = chart.querySelector("[data-bodychart-tools]");
    const button = tools && tools.querySelector("[data-bodychart-zoom]");
    const frame = chart.querySelector(".bodychart-frame");
    if (!button || !frame) return;
    tools.hidden = false;
    button.addEventListener("click", () => {
      const zoomed = !chart.classList.contains("bodychart-zoomed");
      chart.classList.toggle("bodychart-zoomed", zoomed);
      button.setAttribute("aria-pressed", zoomed ? "true" : "false");
      const front = chart.querySelector(".bodychart-front");
      if (!zoomed || !front) return;
      const box = front.getBoundingClientRect();
      const origin = frame.getBoundingClientRect();
      frame.scrollLeft += box.left - origin.left + box.width / 2 - frame.clientWidth / 2;
      frame.scrollTop = 0;
    });
  };

  const scan = (root) => {
    if (root.matches && root.matches("[data-bodychart]")) enhance(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-bodychart]").forEach(enhance);
  };
  scan(document);
  document.addEventListener("htmx:load", (event) => scan(event.detail.elt));
})();
