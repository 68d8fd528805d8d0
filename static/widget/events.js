/* <videnscenter-events>: the centre's events on any site, with sign-up.
 *
 * A standard web component in plain JavaScript: no framework, no build step. It reads the
 * public REST API (the one representation of an event) and posts sign-ups to it. Text from
 * the API goes in as text; the only HTML it inserts is rich text the server has already
 * sanitised (nh3, an allowlist). Styles are constructed stylesheets in a Shadow DOM, so a host
 * page's CSS cannot break it and a strict Content-Security-Policy needs no style-src for it.
 * Theme it with CSS custom properties (--vc-accent, --vc-text, --vc-muted, --vc-bg,
 * --vc-border, --vc-radius, --vc-font, --vc-focus) and ::part().
 */

const TZ = "Europe/Copenhagen";
const FILTERS = ["partner", "type", "topic", "audience", "format", "status", "q",
  "starts_after", "starts_before", "ends_after"];
const HASH = /^#arrangement-(\d{1,10})$/;

const STRINGS = {
  da: {
    locale: "da-DK", region: "Arrangementer", search: "Søg i arrangementer", searchButton: "Søg", all: "Alle",
    type: "Type", format: "Form", audience: "Målgruppe", topic: "Emne", partner: "Arrangør",
    views: "Visning", list: "Liste", calendar: "Kalender", loading: "Henter arrangementer …",
    found: (n) => (n === 1 ? "1 arrangement fundet" : `${n} arrangementer fundet`),
    none: "Ingen kommende arrangementer matcher valget.", more: "Vis flere",
    prevMonth: "Forrige måned", nextMonth: "Næste måned",
    weekdays: ["man", "tir", "ons", "tor", "fre", "lør", "søn"],
    weekdayNames: ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    back: "Tilbage til arrangementerne", sessions: "Tidspunkter", venue: "Sted",
    online: "Online", platform: "Platform", price: "Pris", contact: "Kontakt",
    seatsLeft: (n) => (n === 1 ? "1 ledig plads" : `${n} ledige pladser`),
    state: {
      open: "Åben for tilmelding", closed: "Tilmeldingen er lukket", full: "Fuldt booket",
      waiting_list: "Fuldt – venteliste åben", not_yet_open: "Tilmeldingen er ikke åbnet endnu",
      cancelled: "Aflyst",
    },
    opens: "Tilmelding åbner", closes: "Tilmeldingsfrist",
    status: { postponed: "Udsat", cancelled: "Aflyst", moved_online: "Flyttet online" },
    sessionCancelled: "aflyst", formats: { physical: "Fysisk", online: "Online", hybrid: "Hybrid" },
    types: {
      conference: "Konference", webinar: "Webinar", advisory_course: "Rådgivningsforløb",
      competence_course: "Kompetenceforløb", workshop: "Workshop",
      network_meeting: "Netværksmøde",
    },
    times: (n) => `${n} gange`, allDay: "hele dagen", at: "kl.",
    addEvent: "Føj til din kalender (.ics)", subscribe: "Abonnér på disse arrangementer i din kalender",
    material: "Materiale", recording: "Se optagelsen", evaluation: "Evaluér arrangementet",
    knowledge: "Relateret viden", programme: "Program", speakers: "Oplægsholdere",
    signUp: "Tilmeld dig", waitingList: "Skriv dig på ventelisten",
    applyGroup: "Ansøg for en medarbejdergruppe", formTitle: "Tilmelding",
    groupTitle: "Ansøgning for en medarbejdergruppe",
    groupIntro: "Forløbet er for en medarbejdergruppe. Lederen skal bekræfte forankringen, før arrangøren behandler ansøgningen.",
    waitingIntro: "Arrangementet er fuldt. Du kan skrive dig på ventelisten; du får besked, hvis der bliver en plads.",
    required: "skal udfyldes", optional: "valgfrit",
    f: {
      name: "Navn", email: "E-mail", workplace: "Arbejdsplads", municipality: "Kommune",
      job_role: "Stillingsgruppe", phone: "Telefon", accessibility_needs: "Hensyn og tilgængelighed",
      unit: "Enhed eller team", participants: "Antal deltagere", manager_name: "Lederens navn",
      manager_email: "Lederens e-mail", consent: "Jeg har læst privatlivsteksten og giver samtykke til, at mine oplysninger bruges til arrangementet",
    },
    groupName: "Dit navn (kontaktperson)", groupEmail: "Din e-mail",
    hintAccessibility: "Fx kost, tolk eller adgang. Slettes efter arrangementet.",
    yes: "Ja", no: "Nej", answer: (q) => `${q}: besvar spørgsmålet.`, full: "fuldt", placesLeft: (n) => `${n} ${n === 1 ? "plads" : "pladser"} tilbage`,
    choose: "Vælg …", privacy: "Læs privatlivsteksten", send: "Send tilmelding",
    sendGroup: "Send ansøgning", sendWaiting: "Skriv mig på ventelisten", sending: "Sender …",
    cancel: "Annullér", fixErrors: "Ret venligst følgende:",
    result: {
      confirmed: "Du er tilmeldt", waiting_list: "Du er på ventelisten",
      pending: "Ansøgningen er modtaget",
    },
    already: "Var du allerede tilmeldt, får du i stedet en e-mail om din tilmelding.",
    conflict: "Tilmelding er ikke mulig lige nu", tryContact: "Kontakt arrangøren, hvis du har spørgsmål",
    tooMany: "Der er sendt for mange tilmeldinger fra din forbindelse. Vent lidt, og prøv igen – dine oplysninger står stadig i formularen.",
    network: "Tilmeldingen kunne ikke sendes, fordi der ikke var forbindelse. Tjek din internetforbindelse, og prøv igen – dine oplysninger står stadig i formularen, og du bliver ikke tilmeldt to gange.",
    server: "Tilmeldingen svarer ikke lige nu. Prøv igen om lidt – dine oplysninger står stadig i formularen.",
    loadFailed: "Arrangementerne kunne ikke hentes. Tjek din forbindelse, og prøv igen.",
    formFailed: "Tilmeldingsformularen kunne ikke hentes. Tjek din forbindelse, og prøv igen.",
    elsewhere: "Virker det stadig ikke, kan du tilmelde dig på videnscentrets egen side for arrangementet.",
    retry: "Prøv igen", notFound: "Arrangementet findes ikke eller er ikke længere offentligt.",
    preview: "Forhåndsvisning: tilmelding er slået fra.", untitled: "Arrangement",
  },
  en: {
    locale: "en-GB", region: "Events", search: "Search events", searchButton: "Search", all: "All",
    type: "Type", format: "Format", audience: "Audience", topic: "Topic", partner: "Organiser",
    views: "View", list: "List", calendar: "Calendar", loading: "Loading events …",
    found: (n) => (n === 1 ? "1 event found" : `${n} events found`),
    none: "No upcoming events match.", more: "Show more",
    prevMonth: "Previous month", nextMonth: "Next month",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    weekdayNames: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    back: "Back to events", sessions: "Dates", venue: "Venue", online: "Online",
    platform: "Platform", price: "Price", contact: "Contact",
    seatsLeft: (n) => (n === 1 ? "1 seat left" : `${n} seats left`),
    state: {
      open: "Open for registration", closed: "Registration closed", full: "Fully booked",
      waiting_list: "Full – waiting list open", not_yet_open: "Registration not open yet",
      cancelled: "Cancelled",
    },
    opens: "Registration opens", closes: "Registration deadline",
    status: { postponed: "Postponed", cancelled: "Cancelled", moved_online: "Moved online" },
    sessionCancelled: "cancelled", formats: { physical: "In person", online: "Online", hybrid: "Hybrid" },
    types: {
      conference: "Conference", webinar: "Webinar", advisory_course: "Advisory course",
      competence_course: "Competence course", workshop: "Workshop",
      network_meeting: "Network meeting",
    },
    times: (n) => `${n} sessions`, allDay: "all day", at: "",
    addEvent: "Add to your calendar (.ics)", subscribe: "Subscribe to these events in your calendar",
    material: "Material", recording: "Watch the recording", evaluation: "Evaluate the event",
    knowledge: "Related knowledge", programme: "Programme", speakers: "Speakers",
    signUp: "Sign up", waitingList: "Join the waiting list",
    applyGroup: "Apply for a staff group", formTitle: "Sign-up",
    groupTitle: "Application for a staff group",
    groupIntro: "This course is for a staff group. The manager confirms the group's commitment before the organiser handles the application.",
    waitingIntro: "The event is full. Join the waiting list and we will tell you if a seat frees up.",
    required: "required", optional: "optional",
    f: {
      name: "Name", email: "Email", workplace: "Workplace", municipality: "Municipality",
      job_role: "Job role", phone: "Phone", accessibility_needs: "Accessibility needs",
      unit: "Unit or team", participants: "Number of participants", manager_name: "Manager's name",
      manager_email: "Manager's email", consent: "I have read the privacy notice and consent to my data being used for the event",
    },
    groupName: "Your name (contact person)", groupEmail: "Your email",
    hintAccessibility: "E.g. diet, interpreter or access. Deleted after the event.",
    yes: "Yes", no: "No", answer: (q) => `${q}: please answer.`, full: "full", placesLeft: (n) => `${n} ${n === 1 ? "place" : "places"} left`,
    choose: "Choose …", privacy: "Read the privacy notice", send: "Sign up",
    sendGroup: "Send application", sendWaiting: "Join the waiting list", sending: "Sending …",
    cancel: "Cancel", fixErrors: "Please correct the following:",
    result: {
      confirmed: "You are signed up", waiting_list: "You are on the waiting list",
      pending: "Application received",
    },
    already: "If you were already signed up, you will get an email about your registration instead.",
    conflict: "Sign-up is not possible right now", tryContact: "Contact the organiser with any questions",
    tooMany: "Too many sign-ups were sent from your connection. Wait a moment and try again – your details are still in the form.",
    network: "The sign-up could not be sent: there was no connection. Check your connection and try again – your details are still in the form, and you will not be signed up twice.",
    server: "Sign-up is not answering right now. Try again shortly – your details are still in the form.",
    loadFailed: "The events could not be loaded. Check your connection and try again.",
    formFailed: "The sign-up form could not be loaded. Check your connection and try again.",
    elsewhere: "If it still does not work, sign up on the centre's own page for the event.",
    retry: "Try again", notFound: "The event does not exist or is no longer public.",
    preview: "Preview: sign-up is switched off.", untitled: "Event",
  },
};

const CSS = `
:host{display:block;font-family:var(--vc-font,inherit);color:var(--vc-text,inherit);
 --a:var(--vc-accent,var(--vc-partner,#0b4f8a));--m:var(--vc-muted,#4d4d4d);
 --b:var(--vc-border,#767676);--r:var(--vc-radius,.25em);line-height:1.5}
*{box-sizing:border-box}
[hidden]{display:none!important}
h2,h3,h4{line-height:1.25;margin:1em 0 .4em}
h2{font-size:1.5em}h3{font-size:1.15em}
a{color:var(--a)}
button,input,select,textarea{font:inherit;color:inherit}
:focus-visible{outline:3px solid var(--vc-focus,#d97900);outline-offset:2px}
.bar{display:flex;flex-wrap:wrap;gap:.75em;align-items:flex-end;margin-bottom:1em}
.bar label,.field label{display:block;font-weight:600}
.bar input,.bar select,.field input,.field select,.field textarea{border:1px solid var(--b);
 border-radius:var(--r);padding:.4em .5em;background:var(--vc-bg,#fff);max-width:100%}
.field textarea{width:100%;min-height:4em}.field input,.field select{width:100%}
.btn,.bar button{display:inline-block;text-decoration:none;background:var(--a);color:#fff;border:2px solid var(--a);border-radius:var(--r);
 padding:.45em .9em;cursor:pointer;font-weight:600}
.btn.ghost,.toggle button{background:transparent;color:var(--a)}
.toggle button[aria-pressed=true]{background:var(--a);color:#fff}
.toggle{display:flex;gap:0}.toggle button{border-radius:0}
.btn[disabled]{opacity:.6;cursor:wait}
ul.events{list-style:none;margin:0;padding:0}
.event{border-top:1px solid var(--b);padding:.9em 0}
.event h3{margin:.1em 0}
.meta{color:var(--m);margin:.2em 0}
.tag{display:inline-block;border:1px solid currentColor;border-radius:var(--r);padding:0 .4em;
 margin-right:.4em;font-size:.9em;font-weight:600}
.tag.warn{color:#9e1b12}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border:1px solid var(--b);vertical-align:top;padding:.25em;text-align:left}
td{height:4.5em;overflow-wrap:anywhere;font-size:.9em}td[aria-current]{outline:2px solid var(--a);outline-offset:-2px}td.out{color:var(--m);background:#f3f3f3}
td ul{list-style:none;margin:0;padding:0}
caption{font-weight:600;font-size:1.15em;text-align:left;padding:.3em 0}
.month{display:flex;gap:.5em;margin:.5em 0}
.field{margin:0 0 1em}.check{display:flex;gap:.5em;align-items:flex-start}
.check input{width:1.25em;height:1.25em;margin-top:.2em;flex:none}
.err{color:#9e1b12;font-weight:600;margin:.2em 0 0}
[aria-invalid=true]{border-color:#9e1b12!important;border-width:2px!important}
.box{border:2px solid var(--a);border-radius:var(--r);padding:.75em 1em;margin:1em 0}
.box.bad{border-color:#9e1b12}
.hint{color:var(--m);font-size:.95em;margin:.1em 0 .3em}
details{margin:.5em 0}.privacy{white-space:pre-line}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
img{max-width:100%;height:auto}
`;

let sheet;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

// h("a", {href, part: "link", onclick}, "text", child): elements and text only, never HTML.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k in el && k !== "list" && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c != null && c !== false) el.append(c);
  return el;
}

let counter = 0;
const uid = (p) => `${p}-${++counter}`;

function idempotencyKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function safeUrl(url) {
  try {
    const u = new URL(url);
    return ["http:", "https:", "mailto:", "webcal:"].includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || String(status));
    this.status = status;
    this.body = body || {};
  }
}

class VidenscenterEvents extends HTMLElement {
  static observedAttributes = ["view", "event", "lang", ...FILTERS];

  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
    this.root.adoptedStyleSheets = [styles()];
    this.cache = new Map();
    this.user = {};
    this.onHash = () => this.route();
  }

  connectedCallback() {
    if (this.main) return;
    this.s = STRINGS[this.getAttribute("lang")] || STRINGS.da;
    this.view = this.getAttribute("view") === "calendar" ? "calendar" : "list";
    this.month = this.startOfMonth(new Date());
    this.live = h("div", { class: "sr", role: "status", "aria-live": "polite" });
    this.main = h("div", { part: "root" });
    // One landmark for the whole widget, so a screen reader's list of regions finds it.
    this.root.replaceChildren(h("section", { "aria-label": this.s.region }, this.live, this.main));
    window.addEventListener("hashchange", this.onHash);
    const preview = this.getAttribute("preview");
    if (preview) {
      const data = document.getElementById(preview);
      try {
        this.showDetail(JSON.parse(data.textContent), { preview: true });
      } catch {
        this.main.replaceChildren(h("p", {}, this.s.notFound));
      }
      return;
    }
    this.build();
    if (!this.route()) this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("hashchange", this.onHash);
  }

  attributeChangedCallback(name, old, value) {
    if (!this.main || old === value || this.getAttribute("preview")) return;
    if (name === "event") this.route();
    else if (name === "lang") return;
    else {
      if (name === "view") this.view = value === "calendar" ? "calendar" : "list";
      this.build();
      this.load();
    }
  }

  get base() {
    const own = this.getAttribute("api");
    return (own || new URL(import.meta.url).origin).replace(/\/$/, "");
  }

  // The host's filters (attributes), narrowed by the visitor's choices in the controls.
  filters() {
    const out = {};
    for (const name of FILTERS) {
      const value = this.user[name] || this.getAttribute(name.replace("_", "-")) ||
        this.getAttribute(name);
      if (value) out[name] = value;
    }
    return out;
  }

  query(extra) {
    const q = new URLSearchParams({ ...this.filters(), ...extra });
    return q.toString();
  }

  async get(path) {
    const url = this.base + path;
    if (!this.cache.has(url)) {
      const p = fetch(url, { headers: { Accept: "application/json" } }).then(async (r) => {
        const body = await r.json().catch(() => ({}));
        if (!r.ok) throw new ApiError(r.status, body);
        return body;
      });
      p.catch(() => this.cache.delete(url));
      this.cache.set(url, p);
    }
    return this.cache.get(url);
  }

  announce(text) {
    this.live.textContent = "";
    setTimeout(() => { this.live.textContent = text; }, 50);
  }

  // Deep links: #arrangement-<id> in the host page's address opens that event.
  route() {
    const m = HASH.exec(location.hash);
    const id = m ? m[1] : this.getAttribute("event");
    if (id) {
      if (this.current?.id !== Number(id)) this.openEvent(Number(id));
      return true;
    }
    if (this.current) {
      this.current = null;
      this.build();
      this.load();
    }
    return false;
  }

  // ---- list and calendar ------------------------------------------------------------------

  build() {
    const s = this.s;
    this.current = null;
    const search = h("input", {
      type: "search", id: "q", name: "q", value: this.user.q || "", maxlength: "200",
      part: "input",
    });
    const selects = [
      this.select("type", s.type, this.choices("type", s.types)),
      this.select("format", s.format, this.choices("format", s.formats)),
    ];
    this.vocabulary = h("span", { class: "bar" });
    this.vocabularyLoaded = false;
    const form = h("form", {
      role: "search", class: "bar", part: "controls",
      onsubmit: (e) => {
        e.preventDefault();
        this.user.q = search.value.trim();
        this.load();
      },
    },
    h("div", {}, h("label", { for: "q" }, s.search), search),
    h("button", { type: "submit" }, s.searchButton), ...selects, this.vocabulary);
    const toggle = h("div", { class: "toggle", role: "group", "aria-label": s.views },
      ...["list", "calendar"].map((v) => h("button", {
        type: "button", class: "btn", "aria-pressed": String(this.view === v), part: "button",
        onclick: () => {
          this.view = v;
          for (const b of toggle.children) b.setAttribute("aria-pressed", String(b === toggle.children[v === "list" ? 0 : 1]));
          this.load();
        },
      }, s[v])));
    this.results = h("div", { part: "results" });
    this.subscribe = h("p", {}, h("a", { part: "link" }, s.subscribe));
    this.main.replaceChildren(h("h2", { class: "sr" }, s.region), form, toggle, this.results,
      this.subscribe);
    this.main.dataset.state = "loading";
  }

  // The values a control offers: the host's own list when it set one, else every value.
  choices(name, labels) {
    const host = (this.getAttribute(name) || "").split(",").map((v) => v.trim()).filter(Boolean);
    return (host.length ? host : Object.keys(labels)).map((v) => [v, labels[v] || v]);
  }

  select(name, label, options) {
    if (options.length < 2) return null;
    const id = uid(name);
    const el = h("select", {
      id, name, part: "input",
      onchange: () => {
        this.user[name] = el.value;
        this.load();
      },
    }, h("option", { value: "" }, this.s.all),
    options.map(([v, text]) => h("option", { value: v, selected: this.user[name] === v }, text)));
    return h("div", {}, h("label", { for: id }, label), el);
  }

  async loadVocabulary() {
    if (this.vocabularyLoaded) return;
    this.vocabularyLoaded = true;
    const s = this.s;
    const wanted = [["audience", s.audience, "/api/v1/audiences/"],
      ["topic", s.topic, "/api/v1/topics/"]];
    if (!this.getAttribute("partner")) wanted.unshift(["partner", s.partner, "/api/v1/partners/"]);
    for (const [name, label, path] of wanted) {
      try {
        const body = await this.get(path);
        const items = (body.results || body).map((t) => [t.slug, t.short_name || t.name]);
        const host = (this.getAttribute(name) || "").split(",").filter(Boolean);
        const offered = host.length ? items.filter(([v]) => host.includes(v)) : items;
        const control = this.select(name, label, offered);
        if (control && this.vocabulary?.isConnected) this.vocabulary.append(control);
      } catch {
        /* the controls are a convenience: the list works without them */
      }
    }
  }

  startOfMonth(d) {
    const p = this.parts(d);
    return new Date(Date.UTC(p.year, p.month - 1, 1, 12));
  }

  // Year, month and day of a moment in the centre's time zone.
  parts(d) {
    const out = {};
    for (const { type, value } of new Intl.DateTimeFormat("en-GB", {
      timeZone: TZ, year: "numeric", month: "numeric", day: "numeric",
    }).formatToParts(d)) out[type] = Number(value);
    return out;
  }

  async load() {
    const s = this.s;
    const token = (this.loading = {});
    this.main.dataset.state = "loading";
    this.results.setAttribute("aria-busy", "true");
    this.results.replaceChildren(h("p", {}, s.loading));
    const feed = `${this.base}/feeds/events.ics?${new URLSearchParams(this.filters())}`;
    const link = this.subscribe.firstChild;
    link.href = feed.replace(/^https?:/, "webcal:");
    try {
      if (this.view === "calendar") await this.loadMonth(token);
      else await this.loadList(token);
    } catch (err) {
      if (token !== this.loading) return;
      this.main.dataset.state = "error";
      this.results.replaceChildren(h("div", { class: "box bad", role: "alert" },
        h("p", {}, s.loadFailed), h("button", { class: "btn", type: "button", onclick: () => this.load() }, s.retry)));
    } finally {
      this.results.removeAttribute("aria-busy");
    }
    this.loadVocabulary();
  }

  async loadList(token) {
    const size = Math.min(Math.max(parseInt(this.getAttribute("page-size"), 10) || 10, 1), 100);
    const now = new Date().toISOString();
    const extra = { ordering: "start", page_size: String(size) };
    if (!this.filters().starts_after) extra.ends_after = now;
    const body = await this.get(`/api/v1/events/?${this.query(extra)}`);
    if (token !== this.loading) return;
    this.theme(body.results);
    const list = h("ul", { class: "events", part: "list" });
    const more = h("p");
    const add = (page) => {
      list.append(...page.results.map((e) => this.item(e)));
      more.replaceChildren();
      if (page.next) {
        more.append(h("button", {
          type: "button", class: "btn ghost", part: "button",
          onclick: async () => {
            const next = await this.get(new URL(page.next).pathname + new URL(page.next).search);
            const first = list.children.length;
            add(next);
            list.children[first]?.querySelector("a")?.focus();
          },
        }, this.s.more));
      }
    };
    add(body);
    this.results.replaceChildren(
      h("p", { class: "meta" }, this.s.found(body.count)),
      body.count ? list : h("p", {}, this.s.none), more);
    this.main.dataset.state = "list";
    this.announce(this.s.found(body.count));
    // For the host's own measurements (and bench/widget.py): when the list first showed.
    if (!this.shown) performance.mark("videnscenter-events:list", { detail: body.count });
    this.shown = true;
  }

  theme(events) {
    const partner = this.getAttribute("partner");
    const own = events.find((e) => e.partner?.slug === partner)?.partner;
    if (own?.colour && /^#[0-9a-fA-F]{6}$/.test(own.colour)) {
      this.style.setProperty("--vc-partner", own.colour);
    }
  }

  item(e) {
    const s = this.s;
    const warn = s.status[e.status];
    return h("li", { class: "event", part: "item" },
      h("h3", { part: "title" }, h("a", {
        href: `#arrangement-${e.id}`, part: "link",
        onclick: (ev) => { ev.preventDefault(); this.open(e); },
      }, e.title || s.untitled)),
      h("p", { class: "meta" },
        warn ? h("span", { class: "tag warn", part: "status" }, warn) : null,
        h("span", { class: "tag" }, s.types[e.event_type] || e.event_type_label),
        h("span", { class: "tag" }, s.formats[e.format] || e.format),
        e.partner ? e.partner.short_name || e.partner.name : ""),
      h("p", {}, this.when(e)),
      e.teaser ? h("p", {}, e.teaser) : null,
      h("p", { class: "meta", part: "status" }, this.stateText(e)));
  }

  stateText(e) {
    const s = this.s;
    const r = e.registration || {};
    if (e.status === "cancelled") return "";
    if (r.state === "not_yet_open" && e.registration_opens) {
      return `${s.opens} ${this.date(e.registration_opens, true)}`;
    }
    let text = s.state[r.state] || "";
    if ((r.state === "open") && r.seats_left != null) text += ` – ${s.seatsLeft(r.seats_left)}`;
    return text;
  }

  // ---- dates in the centre's local time -----------------------------------------------------

  fmt(options) {
    return new Intl.DateTimeFormat(this.s.locale, { timeZone: TZ, ...options });
  }

  date(iso, withTime) {
    const d = new Date(iso);
    const day = this.fmt({ weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(d);
    return withTime ? `${day} ${this.s.at} ${this.time(d)}`.replace("  ", " ") : day;
  }

  time(d) {
    return this.fmt({ hour: "2-digit", minute: "2-digit" }).format(d);
  }

  dayOnly(iso) {
    // A session's all-day date, "2027-01-12": shown as that calendar day wherever one is.
    const [y, m, d] = iso.split("-").map(Number);
    return new Intl.DateTimeFormat(this.s.locale, {
      timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric",
    }).format(new Date(Date.UTC(y, m - 1, d, 12)));
  }

  sessionText(x) {
    if (x.all_day) {
      const first = x.start_date ? this.dayOnly(x.start_date) : "";
      return x.end_date && x.end_date !== x.start_date
        ? `${first} – ${this.dayOnly(x.end_date)}` : `${first}, ${this.s.allDay}`;
    }
    if (!x.start) return "";
    const start = new Date(x.start);
    const end = x.end ? new Date(x.end) : null;
    const sameDay = end && this.parts(start).day === this.parts(end).day &&
      end - start < 864e5;
    if (!end) return this.date(x.start, true);
    return sameDay ? `${this.date(x.start, true)}–${this.time(end)}`
      : `${this.date(x.start, true)} – ${this.date(x.end, true)}`;
  }

  when(e) {
    const live = (e.sessions || []).filter((x) => x.status !== "cancelled");
    if (live.length > 1) {
      const first = live[0].start || live[0].start_date;
      const last = live[live.length - 1];
      const lastDay = last.start || last.start_date;
      const f = (v) => (v.length === 10 ? this.dayOnly(v) : this.date(v));
      return `${this.s.times(live.length)}: ${f(first)} – ${f(lastDay)}`;
    }
    return live[0] ? this.sessionText(live[0]) : e.first_start ? this.date(e.first_start, true) : "";
  }

  async loadMonth(token) {
    const s = this.s;
    const p = this.parts(this.month);
    const iso = (y, m) => `${y}-${String(m).padStart(2, "0")}-01`;
    const next = p.month === 12 ? iso(p.year + 1, 1) : iso(p.year, p.month + 1);
    // Every event with a session in the month: it started before the month ends and ends
    // after it begins (a course begun last month still has sessions in this one).
    const body = await this.get(`/api/v1/events/?${this.query({
      ordering: "start", page_size: "100", ends_after: iso(p.year, p.month), starts_before: next,
    })}`);
    if (token !== this.loading) return;
    this.theme(body.results);
    const byDay = new Map();
    for (const e of body.results) {
      for (const x of e.sessions || []) {
        const key = x.start ? this.parts(new Date(x.start)) : x.start_date
          ? { year: +x.start_date.slice(0, 4), month: +x.start_date.slice(5, 7), day: +x.start_date.slice(8, 10) } : null;
        if (!key || key.month !== p.month || key.year !== p.year) continue;
        if (!byDay.has(key.day)) byDay.set(key.day, []);
        if (!byDay.get(key.day).includes(e)) byDay.get(key.day).push(e);
      }
    }
    const title = this.fmt({ month: "long", year: "numeric", timeZone: "UTC" }).format(this.month);
    const first = new Date(Date.UTC(p.year, p.month - 1, 1)).getUTCDay();
    const lead = (first + 6) % 7;
    const days = new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
    const rows = [];
    const today = this.parts(new Date());
    let cells = [];
    for (let i = 0; i < lead; i++) cells.push(h("td", { class: "out" }));
    for (let d = 1; d <= days; d++) {
      const list = byDay.get(d) || [];
      const weekday = s.weekdayNames[(lead + d - 1) % 7];
      const isToday = today.year === p.year && today.month === p.month && today.day === d;
      cells.push(h("td", { part: "day", "aria-current": isToday ? "date" : null },
        h("span", { "aria-hidden": "true" }, String(d)),
        h("span", { class: "sr" }, `${weekday} ${d}.`),
        list.length ? h("ul", {}, list.map((e) => h("li", {}, h("a", {
          href: `#arrangement-${e.id}`, part: "link",
          onclick: (ev) => { ev.preventDefault(); this.open(e); },
        }, (s.status[e.status] ? `${s.status[e.status]}: ` : "") + (e.title || s.untitled))))) : null));
      if (cells.length === 7) { rows.push(h("tr", {}, cells)); cells = []; }
    }
    if (cells.length) {
      while (cells.length < 7) cells.push(h("td", { class: "out" }));
      rows.push(h("tr", {}, cells));
    }
    const shift = (n) => {
      const m = new Date(this.month);
      m.setUTCMonth(m.getUTCMonth() + n);
      this.month = m;
      this.load().then(() => this.results.querySelector(n < 0 ? ".prev" : ".next")?.focus());
    };
    this.results.replaceChildren(
      h("div", { class: "month" },
        h("button", { type: "button", class: "btn ghost prev", part: "button", onclick: () => shift(-1) }, s.prevMonth),
        h("button", { type: "button", class: "btn ghost next", part: "button", onclick: () => shift(1) }, s.nextMonth)),
      h("table", { part: "calendar" }, h("caption", {}, title),
        h("thead", {}, h("tr", {}, s.weekdays.map((w, i) => h("th", { scope: "col", abbr: s.weekdayNames[i] }, w)))),
        h("tbody", {}, rows)),
      h("p", { class: "meta" }, s.found(body.count)));
    this.main.dataset.state = "calendar";
    this.announce(`${title}: ${s.found(body.count)}`);
  }

  // ---- one event ----------------------------------------------------------------------------

  open(e) {
    this.opener = e.id;
    if (location.hash !== `#arrangement-${e.id}`) history.pushState(null, "", `#arrangement-${e.id}`);
    this.showDetail(e);
  }

  async openEvent(id) {
    this.current = { id };
    this.main.dataset.state = "loading";
    this.main.replaceChildren(h("p", {}, this.s.loading));
    try {
      this.showDetail(await this.get(`/api/v1/events/${id}/`));
    } catch (err) {
      this.main.dataset.state = "error";
      this.main.replaceChildren(h("div", { class: "box bad", role: "alert" },
        h("p", {}, err.status === 404 ? this.s.notFound : this.s.loadFailed)), this.backButton());
    }
  }

  backButton() {
    // A page of its own for one event (the hosted /arrangementer/<id>/) goes back to the list's.
    const page = this.getAttribute("back-url");
    const href = page && safeUrl(new URL(page, location.href).href);
    if (href) return h("a", { href, class: "btn ghost", part: "button" }, this.s.back);
    return h("button", {
      type: "button", class: "btn ghost", part: "button",
      onclick: () => {
        const opener = this.opener;
        if (HASH.test(location.hash)) history.pushState(null, "", location.pathname + location.search);
        this.current = null;
        this.removeAttribute("event");
        this.build();
        this.load().then(() => {
          this.results.querySelector(`a[href="#arrangement-${opener}"]`)?.focus();
        });
      },
    }, this.s.back);
  }

  showDetail(e, { preview } = {}) {
    const s = this.s;
    this.current = { id: e.id };
    this.theme([e]);
    const title = h("h2", { tabindex: "-1", part: "title" }, e.title || s.untitled);
    const warn = s.status[e.status];
    const sessions = (e.sessions || []).map((x) => h("li", {},
      this.sessionText(x), x.title ? ` – ${x.title}` : "",
      x.location ? h("span", { class: "meta" }, ` · ${x.location}`) : "",
      x.status === "cancelled" ? h("strong", {}, ` – ${s.sessionCancelled}`) : ""));
    const v = e.venue || {};
    const place = [v.name, v.address, [v.postcode, v.city].filter(Boolean).join(" ")].filter(Boolean).join(", ");
    const c = e.contact || {};
    const mail = c.email ? safeUrl(`mailto:${c.email}`) : null;
    const facts = h("dl", {},
      this.fact(s.type, s.types[e.event_type] || e.event_type_label),
      this.fact(s.format, s.formats[e.format] || e.format),
      this.fact(s.partner, [e.partner, ...(e.co_organisers || [])].filter(Boolean).map((p) => p.name).join(", ")),
      this.fact(s.venue, place),
      this.fact(s.platform, e.format !== "physical" ? e.platform_name : ""),
      this.fact(s.price, e.price_text),
      this.fact(s.closes, e.registration_closes ? this.date(e.registration_closes, true) : ""),
      this.fact(s.contact, [c.name, mail ? h("a", { href: mail }, c.email) : "", c.phone].filter(Boolean)
        .flatMap((x, i) => (i ? [", ", x] : [x]))));
    const ics = !preview && safeUrl(e.links?.ics);  // a draft has no calendar file yet
    const article = h("article", { part: "detail", "aria-labelledby": "t" },
      title,
      warn ? h("p", { class: "box bad", part: "status" }, h("strong", {}, warn),
        e.status_reason ? ` – ${e.status_reason}` : "") : null,
      e.teaser ? h("p", {}, e.teaser) : null,
      h("h3", {}, s.sessions), h("ul", {}, sessions),
      facts,
      h("p", { class: "meta", part: "status", "data-registration": "" }, this.stateText(e)),
      ics ? h("p", {}, h("a", { href: ics, part: "link" }, s.addEvent)) : null,
      this.body(e.body || []),
      this.material(e.material || {}));
    title.id = "t";
    const signup = h("div");
    const actions = preview ? h("p", { class: "box" }, s.preview) : this.signupButton(e, signup);
    this.main.replaceChildren(preview ? "" : this.backButton(), article, actions || "", signup);
    this.main.dataset.state = "detail";
    if (!preview) title.focus();
  }

  fact(label, value) {
    if (!value || (Array.isArray(value) && !value.length)) return null;
    return [h("dt", {}, h("strong", {}, label)), h("dd", {}, value)];
  }

  body(blocks) {
    const s = this.s;
    const out = h("div", { part: "body" });
    let programme = null;
    for (const b of blocks) {
      const v = b.value || {};
      if (b.type !== "programme_item") programme = null;
      if (b.type === "paragraph" && typeof v === "string") {
        // Sanitised on the server (nh3 allowlist): the one HTML the widget inserts.
        const div = h("div");
        div.innerHTML = v;
        out.append(div);
      } else if (b.type === "heading") {
        out.append(h(["h3", "h4"].includes(v.level) ? "h4" : "h3", {}, v.text));
      } else if (b.type === "programme_item") {
        if (!programme) {
          programme = h("ul", {});
          out.append(h("h3", {}, s.programme), programme);
        }
        programme.append(h("li", {}, v.time ? h("strong", {}, `${v.time} `) : "", v.title,
          v.speakers ? h("span", { class: "meta" }, ` – ${v.speakers}`) : ""));
      } else if (b.type === "speaker") {
        out.append(h("p", {}, h("strong", {}, v.name), v.title ? `, ${v.title}` : "",
          v.bio ? h("br") : "", v.bio || ""));
      } else if (b.type === "image" && v.image) {
        const r = v.image.renditions?.medium || v.image.renditions?.large;
        const src = r && safeUrl(r.url);
        if (src) {
          out.append(h("figure", {}, h("img", { src, alt: v.image.alt || "", width: String(r.width), height: String(r.height) }),
            v.caption ? h("figcaption", {}, v.caption) : null));
        }
      } else if (b.type === "document" && v.document) {
        const href = safeUrl(v.document.url);
        if (href) out.append(h("p", {}, h("a", { href }, v.title || v.document.title)));
      } else if (b.type === "quote") {
        out.append(h("blockquote", {}, h("p", {}, v.text), v.attribution ? h("p", {}, `– ${v.attribution}`) : null));
      }
    }
    return out;
  }

  material(m) {
    const s = this.s;
    const links = [];
    const add = (url, text) => {
      const href = safeUrl(url);
      if (href) links.push(h("li", {}, h("a", { href }, text)));
    };
    add(m.recording_url, s.recording);
    for (const d of m.slides || []) add(d.url, d.title);
    add(m.evaluation_url, s.evaluation);
    const knowledge = (m.related_knowledge || []).map((k) => h("li", {}, k.url && safeUrl(k.url) ? h("a", { href: safeUrl(k.url) }, k.title) : k.title));
    if (!links.length && !knowledge.length) return null;
    return h("section", { part: "material" },
      links.length ? [h("h3", {}, s.material), h("ul", {}, links)] : null,
      knowledge.length ? [h("h3", {}, s.knowledge), h("ul", {}, knowledge)] : null);
  }

  signupButton(e, holder) {
    const state = e.registration?.state;
    if (!["open", "waiting_list"].includes(state)) return null;
    const s = this.s;
    const group = e.participation === "staff_group";
    const label = group ? s.applyGroup : state === "waiting_list" ? s.waitingList : s.signUp;
    const button = h("button", {
      type: "button", class: "btn", part: "button", "aria-expanded": "false",
      onclick: () => {
        button.setAttribute("aria-expanded", "true");
        button.hidden = true;
        this.showForm(e, holder, () => { button.hidden = false; button.setAttribute("aria-expanded", "false"); button.focus(); });
      },
    }, label);
    return h("p", {}, button);
  }

  // ---- sign-up ------------------------------------------------------------------------------

  async showForm(e, holder, onCancel) {
    const s = this.s;
    holder.replaceChildren(h("p", {}, s.loading));
    let municipalities, audiences, privacy;
    try {
      [municipalities, audiences, privacy] = await Promise.all([
        this.get("/api/v1/municipalities/?page_size=100"), this.get("/api/v1/audiences/?page_size=100"),
        this.get("/api/v1/privacy/").catch(() => null),
      ]);
    } catch {
      holder.replaceChildren(h("div", { class: "box bad", role: "alert" }, h("p", {}, s.formFailed),
        h("button", { type: "button", class: "btn", onclick: () => this.showForm(e, holder, onCancel) }, s.retry)));
      return;
    }
    const group = e.participation === "staff_group";
    const waiting = e.registration?.state === "waiting_list";
    // One key per request the person means to send: a retry of the same data reuses it (the
    // server then answers as it did the first time); corrected data is another request.
    const attempt = { key: idempotencyKey(), body: null };
    const fields = {};
    const f = s.f;
    const field = (name, label, control, { hint, optional } = {}) => {
      const id = uid(name);
      const err = h("p", { class: "err", id: `${id}-e`, hidden: true });
      const hintEl = hint ? h("p", { class: "hint", id: `${id}-h` }, hint) : null;
      control.id = id;
      control.name = name;
      control.setAttribute("part", "input");
      if (!optional) control.required = true;
      control.setAttribute("aria-describedby", [hintEl ? `${id}-h` : "", `${id}-e`].join(" ").trim());
      fields[name] = { control, err, label };
      return h("div", { class: "field", part: "field" },
        h("label", { for: id }, label, optional ? ` (${s.optional})` : ""), hintEl, control, err);
    };
    const input = (type, extra) => h("input", { type, ...extra });
    const options = (items, value, text) => h("select", {}, h("option", { value: "" }, s.choose),
      (items.results || items).map((i) => h("option", { value: i[value] }, text(i))));
    const consent = input("checkbox", { id: uid("consent"), required: true, part: "input" });
    const consentError = h("p", { class: "err", id: `${consent.id}-e`, hidden: true });
    consent.setAttribute("aria-describedby", `${consent.id}-e`);
    const summary = h("div", { class: "box bad", tabindex: "-1", hidden: true, part: "error" });
    const submit = h("button", { type: "submit", class: "btn", part: "button" },
      group ? s.sendGroup : waiting ? s.sendWaiting : s.send);
    const form = h("form", { part: "form", novalidate: true, "aria-labelledby": "ft" },
      h("h3", { id: "ft" }, group ? s.groupTitle : s.formTitle),
      h("p", {}, group ? s.groupIntro : waiting ? s.waitingIntro : ""),
      summary,
      field("name", group ? s.groupName : f.name, input("text", { autocomplete: "name", maxlength: "200" })),
      field("email", group ? s.groupEmail : f.email, input("email", { autocomplete: "email", maxlength: "254" })),
      field("workplace", f.workplace, input("text", { autocomplete: "organization", maxlength: "200" })),
      field("municipality", f.municipality, options(municipalities, "code", (m) => m.name)),
      field("job_role", f.job_role, options(audiences, "slug", (a) => a.name)),
      group ? [
        field("unit", f.unit, input("text", { maxlength: "200" })),
        field("participants", f.participants, input("number", { min: "1", max: "1000", inputmode: "numeric" })),
        field("manager_name", f.manager_name, input("text", { maxlength: "200" })),
        field("manager_email", f.manager_email, input("email", { maxlength: "254" })),
      ] : null,
      this.questionFields(e.questions || [], fields, { municipalities, audiences, options }),
      field("phone", f.phone, input("tel", { autocomplete: "tel", maxlength: "30" }), { optional: true }),
      field("accessibility_needs", f.accessibility_needs, h("textarea", { maxlength: "2000", rows: "3" }), { optional: true, hint: s.hintAccessibility }),
      privacy?.text ? h("details", {}, h("summary", {}, s.privacy), h("p", { class: "privacy" }, privacy.text)) : null,
      h("div", { class: "field check", part: "field" }, consent, h("label", { for: consent.id }, f.consent)),
      consentError,
      h("p", {}, submit, " ", h("button", {
        type: "button", class: "btn ghost", part: "button",
        onclick: () => { holder.replaceChildren(); onCancel(); },
      }, s.cancel)));
    fields.consent = { control: consent, err: consentError, label: f.consent };
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send(e, form, fields, summary, submit, attempt, privacy, holder, group);
    });
    holder.replaceChildren(form);
    fields.name.control.focus();
  }

  // The event's own questions (issue 16): each kind its control, an answer's errors under
  // "answers.<key>", a question shown only while its condition's answer holds.
  questionFields(questions, fields, { municipalities, audiences, options }) {
    const s = this.s;
    const out = [];
    const byKey = {};
    for (const q of questions) {
      const name = `answers.${q.key}`;
      const id = uid("q");
      const err = h("p", { class: "err", id: `${id}-e`, hidden: true });
      const hint = q.help_text ? h("p", { class: "hint", id: `${id}-h` }, q.help_text) : null;
      const described = [hint ? `${id}-h` : "", `${id}-e`].join(" ").trim();
      const label = [q.label, q.required ? "" : ` (${s.optional})`];
      let inputs, value, empty, box;
      const group = (type, items) => {
        inputs = items.map(([v, text, disabled]) => h("input", {
          type, name: id, value: String(v), disabled, part: "input", "aria-describedby": described,
        }));
        box = h("fieldset", { class: "field", part: "field" }, h("legend", {}, label), hint,
          items.map(([, text], i) => h("label", { class: "check" }, inputs[i], text)), err);
      };
      if (["choice", "limited_choice", "multiple_choice"].includes(q.kind)) {
        const items = (q.options || []).map((o) => {
          const full = o.places_left === 0;
          const left = o.places_left == null ? "" : full ? ` (${s.full})` : ` (${s.placesLeft(o.places_left)})`;
          return [o.value, o.label + left, full];
        });
        group(q.kind === "multiple_choice" ? "checkbox" : "radio", items);
        const picked = () => inputs.filter((i) => i.checked).map((i) => i.value);
        value = () => (q.kind === "multiple_choice" ? picked() : picked()[0]);
        empty = () => !picked().length;
      } else if (q.kind === "yes_no") {
        group("radio", [["ja", s.yes], ["nej", s.no]]);
        value = () => inputs[0].checked;
        empty = () => !inputs.some((i) => i.checked);
      } else {
        const control = q.kind === "long_text" ? h("textarea", { rows: "3", maxlength: "5000" })
          : q.kind === "municipality" ? options(municipalities, "code", (m) => m.name)
            : q.kind === "job_role" ? options(audiences, "slug", (a) => a.name)
              : h("input", { type: { number: "number", date: "date" }[q.kind] || "text", maxlength: q.kind === "text" ? "500" : null });
        Object.assign(control, { id, name });
        control.setAttribute("part", "input");
        control.setAttribute("aria-describedby", described);
        inputs = [control];
        value = () => (q.kind === "number" ? Number(control.value.replace(",", ".")) : control.value.trim());
        empty = () => !control.value.trim();
        box = h("div", { class: "field", part: "field" }, h("label", { for: id }, label), hint, control, err);
      }
      const condition = q.shown_if;
      const shown = () => {
        if (!condition) return true;
        const other = byKey[condition.question];
        if (!other || !other.shown() || other.empty()) return false;
        const answer = other.value();
        return Array.isArray(answer) ? answer.includes(condition.value) : answer === condition.value;
      };
      const entry = { question: q, control: inputs[0], inputs, err, label: q.label, value, empty, shown, box };
      fields[name] = byKey[q.key] = entry;
      out.push(box);
    }
    const update = () => {
      for (const f of Object.values(byKey)) f.box.hidden = !f.shown();
    };
    for (const f of Object.values(byKey)) for (const i of f.inputs) i.addEventListener("change", update);
    update();
    return out;
  }

  async send(e, form, fields, summary, submit, attempt, privacy, holder, group) {
    const s = this.s;
    const data = { consent: fields.consent.control.checked };
    const answers = {};
    for (const [name, f] of Object.entries(fields)) {
      if (name === "consent") continue;
      if (f.question) {
        // A question hidden by its condition is not answered (the server refuses an answer).
        if (f.shown() && !f.empty()) answers[f.question.key] = f.value();
      } else data[name] = f.control.value.trim();
    }
    if (Object.keys(answers).length) data.answers = answers;
    if (group) data.participants = Number(data.participants) || data.participants;
    else delete data.participants;
    if (privacy?.version) data.privacy_version = privacy.version;
    const missing = {};
    for (const [name, f] of Object.entries(fields)) {
      const empty = name === "consent" ? !f.control.checked
        : f.question ? f.question.required && f.shown() && f.empty()
          : f.control.required && !f.control.value.trim();
      // Worded as the server words it: a question by its label without "?" or ":".
      if (empty) {
        missing[name] = [f.question ? s.answer(f.label.trim().replace(/[?:]+$/, ""))
          : `${f.label}: ${s.required}.`];
      }
    }
    if (Object.keys(missing).length) return this.fieldErrors(fields, summary, missing);
    const json = JSON.stringify(data);
    if (attempt.body !== null && attempt.body !== json) attempt.key = idempotencyKey();
    attempt.body = json;
    submit.disabled = true;
    const label = submit.textContent;
    submit.textContent = s.sending;
    let response, body;
    try {
      response = await fetch(`${this.base}/api/v1/events/${e.id}/registrations/`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": attempt.key },
        body: json,
      });
      body = await response.json().catch(() => ({}));
    } catch {
      // A lost connection and a site the centre does not take sign-ups from (CORS) look the
      // same to a script: both get the way round, the event's own page on the centre's site.
      return this.problem(summary, s.network, [s.elsewhere, " ", h("a", {
        href: `${this.base}/arrangementer/${e.id}/`, part: "link",
      }, e.title || s.untitled)]);
    } finally {
      submit.disabled = false;
      submit.textContent = label;
    }
    if (response.status === 201) return this.done(e, holder, body);
    if (response.status === 400) return this.fieldErrors(fields, summary, body.errors || { "": [body.detail] });
    if (response.status === 429) {
      // A staff group's daily limit names the address it concerns (try tomorrow); only the
      // throttle of the connection is about sending too often.
      if (body.errors) return this.fieldErrors(fields, summary, body.errors);
      return this.problem(summary, `${body.detail || ""} ${s.tooMany}`.trim());
    }
    if (response.status === 409 && body.errors && Object.keys(body.errors).some((k) => fields[k])) {
      return this.fieldErrors(fields, summary, body.errors);  // e.g. too many participants
    }
    if (response.status === 409 || response.status === 404) {
      this.cache.clear();
      const contact = e.contact?.email ? ` ${s.tryContact}: ${e.contact.email}.` : "";
      return this.problem(summary, `${s.conflict}: ${body.detail || s.notFound}${contact}`);
    }
    return this.problem(summary, s.server);
  }

  // After a sign-up the seats left have changed: the detail says so without a reload.
  async refreshState(e) {
    try {
      const fresh = await this.get(`/api/v1/events/${e.id}/`);
      const line = this.main.querySelector("article [data-registration]");
      if (line) line.textContent = this.stateText(fresh);
    } catch {
      /* the old figure stays; the list shows the new one */
    }
  }

  fieldErrors(fields, summary, errors) {
    const items = [];
    for (const [name, f] of Object.entries(fields)) {
      const messages = errors[name];
      for (const input of f.inputs || [f.control]) {
        if (messages) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
      f.err.hidden = !messages;
      f.err.textContent = messages ? messages.join(" ") : "";
      if (messages) {
        items.push(h("li", {}, h("a", {
          href: `#${f.control.id}`, onclick: (ev) => { ev.preventDefault(); f.control.focus(); },
        }, messages.join(" "))));
      }
    }
    for (const [name, messages] of Object.entries(errors)) {
      if (!fields[name]) items.push(h("li", {}, messages.join(" ")));
    }
    summary.replaceChildren(h("p", {}, h("strong", {}, this.s.fixErrors)), h("ul", {}, items));
    summary.hidden = false;
    summary.focus();
    this.announce(`${this.s.fixErrors} ${items.map((i) => i.textContent).join(" ")}`);
  }

  problem(summary, text, more) {
    const extra = more ? h("p", {}, more) : "";
    summary.replaceChildren(h("p", {}, text), extra);
    summary.hidden = false;
    summary.focus();
    this.announce(extra ? `${text} ${extra.textContent}` : text);
  }

  done(e, holder, body) {
    const s = this.s;
    const heading = h("h3", { tabindex: "-1" }, s.result[body.status] || s.result.confirmed);
    holder.replaceChildren(h("div", { class: "box", part: "result" }, heading,
      h("p", {}, body.detail || ""), h("p", { class: "meta" }, s.already)));
    this.cache.clear();
    heading.focus();
    this.refreshState(e);
    // The server's detail often opens with the heading's words: said once, not twice.
    const detail = body.detail || "";
    this.announce(detail.startsWith(heading.textContent) ? detail : `${heading.textContent}. ${detail}`.trim());
  }
}

if (!customElements.get("videnscenter-events")) {
  customElements.define("videnscenter-events", VidenscenterEvents);
}
