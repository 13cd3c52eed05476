// A button marked data-print prints the page (the print stylesheet keeps only the paper).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
