// "Select all" for a list of checkboxes: a box with data-select-all="cls" ticks every
// enabled box of that class (CSP allows no inline script, so it lives here).
document.addEventListener("change", (event) => {
  const box = event.target.closest("[data-select-all]");
  if (!box) return;
  for (const item of document.querySelectorAll(`input.${box.dataset.selectAll}:not(:disabled)`)) {
    item.checked = box.checked;
  }
});
