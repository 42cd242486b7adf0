// Report page: follow the job's progress through the API, then reload to show the file.
(function () {
  var job = document.getElementById("job");
  if (!job || job.dataset.running !== "1") return;
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var status = document.getElementById("job-status");
  function poll() {
    fetch(job.dataset.pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (report) {
        if (!report) { setTimeout(poll, 5000); return; }
        bar.value = report.progress;
        bar.textContent = report.progress + "%";
        percent.textContent = report.progress + "%";
        status.dataset.status = report.status;
        if (report.status === "done" || report.status === "failed") {
          window.location.reload();
        } else {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 500);
})();
