// The approval page: a box in the header ticks or clears every unit's box.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.bqwSelectAll) return;
  const name = box.dataset.bqwSelectAll;
  for (const each of box.form.querySelectorAll(`input[type=checkbox][name="${name}"]`)) {
    each.checked = box.checked;
  }
});
