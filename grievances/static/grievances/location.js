// Optional: fills the hidden point when the browser offers a location. The form works
// without it (the free-text location is enough).
(function () {
  var button = document.getElementById("use-location");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var status = document.getElementById("location-status");
    navigator.geolocation.getCurrentPosition(function (position) {
      document.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
      document.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
      status.textContent = button.dataset.done;
    }, function () { status.textContent = button.dataset.failed; }, { timeout: 10000 });
  });
})();
