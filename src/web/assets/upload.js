// Upload progress for the data page. Without JavaScript the form posts as usual and the browser
// shows its own progress; with it, the bytes sent are shown and the server's page replaces this one.
(() => {
  const form = document.getElementById("upload-form");
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  if (!form || !bar || !status || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.round((100 * e.loaded) / e.total);
      bar.value = pct;
      bar.textContent = `${pct}%`;
      status.textContent = pct < 100 ? `Uploading: ${pct}%` : "Uploaded; checking and loading the files…";
    });
    xhr.addEventListener("load", () => {
      document.open();
      document.write(xhr.responseText);
      document.close();
      // The new page's own title ("Error: Upload refused" on a refusal) stands; focus goes where a
      // reader starts, as after an ordinary page load: the error summary, else the heading.
      const start = document.querySelector(".govuk-error-summary") || document.querySelector("main h1");
      if (start) {
        start.setAttribute("tabindex", "-1");
        start.focus();
      }
    });
    xhr.addEventListener("error", () => {
      status.textContent = "The upload failed. Check the connection and try again.";
    });
    xhr.send(new FormData(form));
  });
})();
