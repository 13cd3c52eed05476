// The entry grid (填报): keyboard movement between cells, saving each changed cell with htmx,
// Esc to restore the stored value, and a cell's history in a panel. The page's markup carries
// what this needs (data-cell-url, data-u on rows, data-i and data-s on inputs); the
// Content-Security-Policy allows no inline script, so all of it lives here.
(() => {
  const grid = document.getElementById("entry-grid");
  if (!grid) return;
  const panel = document.getElementById("entry-history");
  let queue = Promise.resolve();

  // The second header row sits under the first, however tall the first turned out.
  const first = grid.querySelector("thead tr.bqw-h1");
  if (first) grid.style.setProperty("--bqw-h1", `${first.getBoundingClientRect().height}px`);

  const cellOf = (input) => input.closest("td");
  const rowOf = (input) => input.closest("tr");

  function inputAt(rowIndex, cellIndex) {
    const row = grid.rows[rowIndex];
    if (!row || !row.dataset.u) return null;
    const cell = row.cells[cellIndex];
    return cell ? cell.querySelector("input.bqw-v") : null;
  }

  function move(input, rows, cells) {
    const td = cellOf(input);
    let rowIndex = rowOf(input).rowIndex;
    let cellIndex = td.cellIndex;
    const width = rowOf(input).cells.length;
    if (cells !== 0) {
      cellIndex += cells;
      if (cellIndex < 1) {
        rowIndex -= 1;
        cellIndex = width - 1;
      } else if (cellIndex >= width) {
        rowIndex += 1;
        cellIndex = 1;
      }
    }
    rowIndex += rows;
    const next = inputAt(rowIndex, cellIndex);
    if (next) {
      next.focus();
      next.select();
      next.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  function dirty(input) {
    if (input.readOnly) return false;
    return input.value !== input.dataset.s && input.value !== input.dataset.sent;
  }

  // Saves run one after another, so each reads the row's version the previous one returned.
  function save(input) {
    if (!dirty(input)) return;
    input.dataset.sent = input.value;
    const id = input.id;
    queue = queue.then(() => {
      const current = document.getElementById(id);
      if (!current) return null;
      const row = rowOf(current);
      const version = document.getElementById(`v${row.dataset.u}`);
      const url = grid.dataset.cellUrl.replace("/UNIT/", `/${encodeURIComponent(row.dataset.u)}/`);
      return htmx.ajax("POST", url, {
        source: current,
        target: cellOf(current),
        swap: "outerHTML",
        values: {
          indicator: current.dataset.i,
          value: current.dataset.sent,
          version: version ? version.value : "",
        },
      });
    }).catch(() => null);
  }

  function restore(input) {
    input.value = input.dataset.s;
    delete input.dataset.sent;
    input.classList.remove("is-invalid");
    input.select();
  }

  function history(input) {
    if (!panel) return;
    const url = grid.dataset.historyUrl
      .replace("/UNIT/", `/${encodeURIComponent(rowOf(input).dataset.u)}/`)
      .replace("/INDICATOR/", `/${encodeURIComponent(input.dataset.i)}/`);
    panel.hidden = false;
    htmx.ajax("GET", url, { source: input, target: panel, swap: "innerHTML" });
  }

  grid.addEventListener("focusin", (event) => {
    if (event.target.matches("input.bqw-v")) event.target.select();
  });

  grid.addEventListener("change", (event) => {
    if (event.target.matches("input.bqw-v")) save(event.target);
  });

  grid.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!input.matches("input.bqw-v")) return;
    const whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    switch (event.key) {
      case "ArrowUp":
        event.preventDefault();
        move(input, -1, 0);
        break;
      case "ArrowDown":
        event.preventDefault();
        move(input, 1, 0);
        break;
      case "ArrowLeft":
        if (input.readOnly || whole || input.selectionEnd === 0) {
          event.preventDefault();
          move(input, 0, -1);
        }
        break;
      case "ArrowRight":
        if (input.readOnly || whole || input.selectionStart === input.value.length) {
          event.preventDefault();
          move(input, 0, 1);
        }
        break;
      case "Enter":
        event.preventDefault();
        save(input);
        move(input, event.shiftKey ? -1 : 1, 0);
        break;
      case "Tab":
        event.preventDefault();
        save(input);
        move(input, 0, event.shiftKey ? -1 : 1);
        break;
      case "Escape":
        event.preventDefault();
        restore(input);
        break;
      case "F2":
        event.preventDefault();
        history(input);
        break;
      default:
        break;
    }
  });

  grid.addEventListener("dblclick", (event) => {
    if (event.target.matches("input.bqw-v[readonly]")) history(event.target);
  });
  grid.addEventListener("click", (event) => {
    const button = event.target.closest("button.bqw-h");
    if (button) history(cellOf(button).querySelector("input.bqw-v"));
  });
  // A save the server did not answer (a network error, a server error) can be sent again.
  function failed(event) {
    const input = event.target;
    if (!input.matches || !input.matches("input.bqw-v")) return;
    delete input.dataset.sent;
    input.classList.add("is-invalid");
    input.title = grid.dataset.failed;
  }
  grid.addEventListener("htmx:responseError", failed);
  grid.addEventListener("htmx:sendError", failed);
  // A session that ended answers with the sign-in page: go there rather than into a cell.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const url = event.detail.xhr.responseURL || "";
    if (url.includes("/accounts/login/")) {
      event.detail.shouldSwap = false;
      window.location.reload();
    }
  });
  if (panel) {
    panel.addEventListener("click", (event) => {
      if (event.target.closest("[data-history-close]")) panel.hidden = true;
    });
  }
})();
