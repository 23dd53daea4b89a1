// Warns before the session ends on a page with a form (WCAG 2.2.1): five minutes before it would
// end for want of use, a notice says so, with a button that keeps the session alive
// (`/auth/session?stay=1`, which counts as using it). Asking how long is left (`/auth/session`)
// does not, so a page left open still signs its user out. Without JavaScript,
// or if the server cannot be asked, nothing is shown and the page works as before; a form sent
// after the session has ended is shown back with what was typed, and nothing is saved.
(() => {
  const main = document.getElementById("main-content");
  if (!main || !window.fetch) return;
  const WARN_MS = 5 * 60 * 1000;
  let deadline = 0;
  // "maximum": the session ends at the most it may last, which staying cannot put off.
  let maximum = false;
  let timer = 0;
  let notice = null;

  const ask = (stay) =>
    fetch(stay ? "/auth/session?stay=1" : "/auth/session", { credentials: "same-origin", headers: { accept: "application/json" }, cache: "no-store" })
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);

  const at = (ms) => new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });

  const show = (text, withButton) => {
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "govuk-notification-banner";
      notice.id = "session-warning";
      notice.setAttribute("role", "alert");
      notice.setAttribute("aria-labelledby", "session-warning-title");
      notice.innerHTML =
        '<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="session-warning-title">Important</h2></div><div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading"></p><button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">Stay signed in</button></div>';
      notice.querySelector("button").addEventListener("click", () => {
        ask(true).then((s) => {
          if (s?.signedIn) schedule(s.endsInSeconds, s.ends);
          else ended();
        });
      });
      main.insertBefore(notice, main.firstChild);
    }
    notice.querySelector("p").textContent = text;
    notice.querySelector("button").hidden = !withButton;
  };

  const ended = () => {
    clearTimeout(timer);
    show("Your session has ended, so you have been signed out. Copy anything you have typed before leaving this page: if you send the form, Lantern shows it back to you but saves nothing.", false);
  };

  const warn = () => {
    const left = deadline - Date.now();
    // At the end, ask whether it really ended: another tab may have kept it alive.
    if (left <= 0) {
      ask().then((s) => (s?.signedIn && s.endsInSeconds > 0 ? schedule(s.endsInSeconds, s.ends) : ended()));
      return;
    }
    const minutes = Math.max(1, Math.round(left / 60000));
    if (maximum) show(`You will be signed out at ${at(deadline)} (in about ${minutes} minutes), when your session reaches the longest a session may last, which staying cannot extend. Send or copy what you have typed before then, and sign in again to carry on.`, false);
    else show(`You will be signed out at ${at(deadline)} (in about ${minutes} minutes) because nothing has been sent to Lantern for a while. What you have typed is not saved until you send the form.`, true);
    timer = setTimeout(warn, Math.min(left, 60 * 1000));
  };

  const schedule = (seconds, ends) => {
    clearTimeout(timer);
    maximum = ends === "maximum";
    deadline = Date.now() + seconds * 1000;
    if (notice && deadline - Date.now() > WARN_MS) {
      notice.remove();
      notice = null;
    }
    timer = setTimeout(warn, Math.max(0, deadline - Date.now() - WARN_MS));
  };

  ask().then((s) => {
    if (s?.signedIn) schedule(s.endsInSeconds, s.ends);
  });
})();
