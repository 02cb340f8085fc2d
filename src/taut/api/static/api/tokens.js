// The token page: a Copy button beside the new token (the field can also be selected by hand).
(() => {
  const button = document.querySelector("[data-copy-target]");
  if (!button || !navigator.clipboard) return;
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.querySelector("[data-copy-status]");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Copied.";
    } catch {
      field.select();
      status.textContent = "Select the token and copy it with your keyboard.";
    }
  });
})();
