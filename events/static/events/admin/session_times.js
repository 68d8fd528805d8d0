// The event form's sessions: a session "Heldags" shows its dates, any other its start and end
// times, never both. Only what is shown changes: the server ignores the fields that do not
// apply (EventSession.clean), so the form is still right without this script.
(() => {
  "use strict";
  const ALL_DAY = 'input[type="checkbox"][name^="sessions-"][name$="-all_day"]';
  const TIMES = ["start", "end"];
  const DATES = ["start_date", "end_date"];

  function show(form, prefix, names, visible) {
    for (const name of names) {
      const input = form.querySelector(`[name="${prefix}${name}"]`);
      const wrapper = input && input.closest(".w-panel__wrapper");  // the label with its field
      if (wrapper) wrapper.style.display = visible ? "" : "none";
    }
  }

  function sync(box) {
    const prefix = box.name.slice(0, -"all_day".length);
    show(box.form || document, prefix, TIMES, !box.checked);
    show(box.form || document, prefix, DATES, box.checked);
  }

  function syncAll() {
    document.querySelectorAll(ALL_DAY).forEach(sync);
  }

  document.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.matches(ALL_DAY)) sync(event.target);
  });

  function start() {
    syncAll();
    // "Tilføj session" adds a form from a template: sync it as it appears.
    const sessions = document.getElementById("id_sessions-FORMS");
    if (sessions) new MutationObserver(syncAll).observe(sessions, { childList: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
