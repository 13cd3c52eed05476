/* The ledger editor: "add a task" clones the empty row template with the next index. */
(function () {
  "use strict";
  const form = document.querySelector("[data-testid=ledger-form]");
  if (!form) { return; }
  const button = form.querySelector("[data-add-row]");
  const total = form.querySelector("[data-rows-total]");
  const body = form.querySelector("[data-rows]");
  const template = form.querySelector("[data-row-template]");
  if (!button) { return; }
  button.addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__i__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const added = body.lastElementChild.querySelector("textarea");
    if (added) { added.focus(); }
  });
})();
