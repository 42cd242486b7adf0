// Version comparison: hide unchanged fields (on by default once scripts run).
(function () {
  var toggle = document.getElementById("only-changed");
  var comparison = document.getElementById("comparison");
  if (!toggle || !comparison) return;
  document.getElementById("only-changed-toggle").hidden = false;
  function apply() { comparison.classList.toggle("only-changed", toggle.checked); }
  toggle.addEventListener("change", apply);
  apply();
})();
