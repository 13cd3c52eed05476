// Plans pages: the print button, "all counties", and the confirmation before closing a plan.
// Handlers live here, not in attributes: the Content-Security-Policy allows only our scripts.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) window.print();
});
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-check-all]");
  if (!all) return;
  for (const box of all.form.querySelectorAll(`input[name="${all.dataset.checkAll}"]`)) {
    box.checked = all.checked;
  }
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
