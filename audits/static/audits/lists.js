// Lists: the filter panel starts open on a wide screen and closed on a phone, so the
// rows are the first thing a phone shows. Without this script the panel opens on a click.
(function () {
  var panel = document.getElementById("filter-panel");
  if (panel && window.matchMedia("(min-width: 37.5rem)").matches) {
    panel.open = true;
  }
})();
