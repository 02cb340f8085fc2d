// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  const focusTarget = event.detail.target.querySelector("[data-focus-after-swap]");
  if (focusTarget) focusTarget.focus();
});

// The main menu folds behind a "Menu" button on narrow screens (taut.css decides the width; the
// button is only shown there). Without this script the button stays hidden and the list wraps.
(() => {
  const nav = document.querySelector("[data-nav]");
  const button = nav && nav.querySelector(".nav-toggle");
  if (!button) return;
  const setOpen = (open) => {
    nav.classList.toggle("nav-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  };
  button.hidden = false;
  nav.classList.add("nav-enhanced");
  button.addEventListener("click", () => setOpen(!nav.classList.contains("nav-open")));
  nav.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !nav.classList.contains("nav-open")) return;
    setOpen(false);
    button.focus();
  });
})();

// Conditional questions: a field whose input carries data-show-if="fact:op:value" is shown only
// while the answer to `fact` satisfies the condition. Without this script every question shows
// and the server ignores answers to questions that do not apply.
(() => {
  const currentValue = (form, name) => {
    const inputs = form.querySelectorAll(`[name="${name}"]`);
    for (const input of inputs) {
      if ((input.type === "radio" || input.type === "checkbox")) {
        if (input.checked) return input.value;
      } else {
        return input.value;
      }
    }
    return "";
  };
  const holds = (value, op, expected) => {
    if (op === "eq") return value === expected;
    if (op === "ne") return value !== "" && value !== expected;
    if (op === "nonempty") return value !== "";
    const [a, b] = [Number(value), Number(expected)];
    if (value === "" || Number.isNaN(a)) return false;
    return { lt: a < b, le: a <= b, gt: a > b, ge: a >= b }[op] ?? true;
  };
  const refresh = (form) => {
    form.querySelectorAll("[data-show-if]").forEach((input) => {
      const [fact, op, expected] = input.dataset.showIf.split(":");
      const wrapper = input.closest(".field");
      if (wrapper) wrapper.hidden = !holds(currentValue(form, `fact_${fact}`), op, expected);
    });
  };
  document.querySelectorAll("form.intake-form").forEach((form) => {
    refresh(form);
    form.addEventListener("change", () => refresh(form));
  });
})();

// "Add to plan" on a suggested muscle fills the needling form's muscle and side.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-muscle]");
  if (!button) return;
  const form = document.getElementById("entry-form");
  if (!form) return;
  form.querySelector("[name=muscle]").value = button.dataset.addMuscle;
  form.querySelector("[name=side]").value = button.dataset.addSide;
  // The live check of the row listens for changes of the form.
  form.dispatchEvent(new Event("change", { bubbles: true }));
  form.scrollIntoView({ behavior: "smooth", block: "center" });
  form.querySelector("[name=needles_in]").focus();
});
