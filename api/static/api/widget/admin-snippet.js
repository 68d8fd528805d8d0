// The widget's code in the admin (api/widget/admin.py): the server builds the code and the
// preview again as the filters change; "Kopiér" copies the code. Without JavaScript the form's
// button does the same by reloading the page.
const form = document.querySelector("[data-widget-snippet-form]");
const results = document.getElementById("widget-snippet-results");
let pending;

async function refresh() {
  const query = new URLSearchParams(new FormData(form)).toString();
  pending?.abort();
  pending = new AbortController();
  try {
    const response = await fetch(`${form.dataset.resultsUrl}?${query}`, {
      signal: pending.signal,
    });
    // Signed out meanwhile, or no longer anyone's partner: the page itself says what next.
    if (response.redirected) return location.reload();
    if (!response.ok) return;
    results.innerHTML = await response.text();
    history.replaceState(null, "", `?${query}`);
  } catch (error) {
    if (error.name !== "AbortError") throw error;
  }
}

async function copy(button) {
  const code = document.getElementById(button.dataset.widgetSnippetCopy);
  const status = button.parentElement.querySelector("[data-widget-snippet-status]");
  try {
    await navigator.clipboard.writeText(code.value);
    status.textContent = "Koden er kopieret.";
  } catch {
    code.select();
    status.textContent = "Koden er markeret: tryk Ctrl+C (⌘C på Mac) for at kopiere den.";
  }
}

if (form && results) {
  form.querySelector("[data-widget-snippet-submit]").hidden = true;
  form.addEventListener("change", refresh);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  results.addEventListener("click", (event) => {
    const button = event.target.closest("[data-widget-snippet-copy]");
    if (button) copy(button);
  });
}
