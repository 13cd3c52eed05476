/* The ledger editor refuses, before sending, a ledger longer than a save holds: the server
   would refuse it too (or not read a post with that many fields), and what was typed stays. */
(function () {
  "use strict";
  const form = document.querySelector("[data-testid=ledger-form]");
  if (!form) { return; }
  const limit = parseInt(form.dataset.maxRows, 10);
  const notice = form.querySelector("[data-too-many]");
  form.addEventListener("submit", function (event) {
    const rows = Array.from(form.querySelectorAll("[data-rows] [data-row]")).filter(function (row) {
      const deleted = row.querySelector("input[name$='-delete']");
      return !(deleted && deleted.checked);
    }).length;
    if (rows <= limit) { notice.hidden = true; return; }
    event.preventDefault();
    notice.textContent = notice.dataset.tooMany.replace("{count}", String(rows));
    notice.hidden = false;
    notice.scrollIntoView({ block: "center" });
  });
})();
