// Applies the saved light/dark choice before the page paints.
(function () {
  var saved = localStorage.getItem("motif-theme");
  if (saved === "light" || saved === "dark") document.documentElement.dataset.theme = saved;
})();
