// Building pickers (accord/pickers.py): the text input becomes GOV.UK's accessible
// autocomplete, which suggests buildings from our JSON lookup as people type, reads out how
// many it found in its own live region, and is worked with the arrow keys and Enter. Choosing
// a suggestion fills the hidden building id; typing again empties it, so the server resolves
// the words instead (as it does when there is no JavaScript at all).
// Loaded after vendor/accessible-autocomplete/accessible-autocomplete.min.js, which defines
// window.accessibleAutocomplete.

const WAIT_MS = 200; // ask once typing pauses, not at every key
const SHORTEST = 2; // the lookup's own shortest query (directory/pickers/lookup.py)

// The autocomplete puts a suggestion's template on the page as HTML: a building's name is
// text, so it goes in escaped.
const escaped = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const labelOf = (option) => (option && typeof option === "object" ? option.label : option || "");

function lookup(address) {
  let timer;
  let latest = 0;
  return (query, populate) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const asked = ++latest;
      const url = new URL(address, window.location.href);
      url.searchParams.set("q", query);
      let results = [];
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (response.ok) results = (await response.json()).results;
      } catch {
        results = [];
      }
      // An answer to an older query arriving late is not what is typed now.
      if (asked === latest) populate(results);
    }, WAIT_MS);
  };
}

function enhance(picker) {
  const input = picker.querySelector("input.govuk-input");
  const hidden = picker.querySelector("input[data-app-picker-id]");
  // After a search that found several the server offers radios: the form works as it is.
  if (!input || !hidden || typeof window.accessibleAutocomplete !== "function") return;
  const holder = document.createElement("div");
  input.after(holder);
  input.remove();
  window.accessibleAutocomplete({
    element: holder,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    minLength: SHORTEST,
    confirmOnBlur: false,
    showNoOptionsFound: true,
    inputClasses: input.classList.contains("govuk-input--error") ? "govuk-input--error" : null,
    tNoResults: () => "No building found: try its name, town or postcode",
    source: lookup(picker.dataset.appPicker),
    templates: { inputValue: labelOf, suggestion: (option) => escaped(labelOf(option)) },
    onConfirm: (option) => {
      if (option && typeof option === "object") hidden.value = String(option.id);
    },
  });
  holder.addEventListener("input", () => {
    hidden.value = "";
  });
  describe(holder.querySelector("input"), input.getAttribute("aria-describedby"));
}

// The field's hint and error stay read out with it: the autocomplete sets its own
// aria-describedby (its usage hint) as it goes, so ours are added back whenever it does.
function describe(field, ours) {
  if (!field || !ours) return;
  const wanted = ours.split(" ");
  const keep = () => {
    const now = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (wanted.every((id) => now.includes(id))) return;
    const added = wanted.filter((id) => !now.includes(id));
    field.setAttribute("aria-describedby", [...now, ...added].join(" "));
  };
  keep();
  new MutationObserver(keep).observe(field, { attributeFilter: ["aria-describedby"] });
}

for (const picker of document.querySelectorAll("[data-app-picker]")) enhance(picker);
