// Opened as a file? Say what to do, at once.
//
// A classic script, not a module, on purpose: browsers refuse module scripts on a
// file:// page (boot.js and PyScript are modules), so without this the page would
// show "Starting Python…" for ever. Classic scripts from the page's own folder still
// run there. It does nothing on a served page.
if (location.protocol === "file:") {
  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("boot").hidden = true;
    document.getElementById("fatal").hidden = false;
    document.getElementById("fatal-detail").textContent =
      "This page was opened as a file, so Python cannot start: browsers do not run its " +
      "WebAssembly runtime from file://.";
    document.getElementById("fatal-fix").textContent =
      "Serve the folder instead: run ./run serve in the project folder and open the address " +
      "it prints. Or publish it on any static host (see the README).";
    document.documentElement.dataset.ready = "failed";
  });
}
