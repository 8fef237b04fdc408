// Site-wide behaviour: theme toggle and the language switcher.
const root = document.documentElement;

function effectiveTheme() {
  if (root.dataset.theme === "light" || root.dataset.theme === "dark") return root.dataset.theme;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

document.getElementById("theme-toggle")?.addEventListener("click", () => {
  const next = effectiveTheme() === "dark" ? "light" : "dark";
  root.dataset.theme = next;
  localStorage.setItem("motif-theme", next);
});

document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});

// The Content-Security-Policy refuses style attributes: templates give bar widths (percent)
// and data colours as data attributes, applied here through the CSSOM, which it allows.
document.querySelectorAll("[data-width]").forEach((el) => { el.style.width = `${el.dataset.width}%`; });
document.querySelectorAll("[data-colour]").forEach((el) => { el.style.background = el.dataset.colour; });
document.querySelectorAll("[data-border-colour]").forEach((el) => { el.style.borderColor = el.dataset.borderColour; });
