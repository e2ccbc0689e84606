// Progressive enhancement only: every page works without this file.
// "Copy citation" buttons copy the text of the element their data-copy attribute names.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = "Copied";
      } catch {
        button.textContent = "Select the citation and copy it";
      }
      setTimeout(() => { button.textContent = button.dataset.label; }, 2500);
    });
  }
});
