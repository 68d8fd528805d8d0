// Parse an iCal feed with Mozilla's ical.js (the parser Thunderbird uses) and print its events as
// JSON: {calendar: {...}, events: [{uid, summary, start, end, all_day, status, sequence, ...}]}.
// Usage: node parse.mjs < feed.ics
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

const root = new ICAL.Component(ICAL.parse(text));
// Register every VTIMEZONE of the feed, as Thunderbird does, so TZIDs resolve through them
// (and not through any zone database ical.js might carry).
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
}

const iso = (time) =>
  time.isDate ? time.toString() : time.toJSDate().toISOString().replace(".000Z", "Z");

const events = root.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    start: iso(event.startDate),
    end: iso(event.endDate),
    all_day: event.startDate.isDate,
    tzid: event.startDate.isDate ? null : event.startDate.timezone,
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
    related_to: component.getFirstPropertyValue("related-to"),
    categories: component.getAllProperties("categories").flatMap((p) => p.getValues()),
    organizer_cn: component.getFirstProperty("organizer")?.getParameter("cn") ?? null,
    url: component.getFirstPropertyValue("url"),
  };
});

process.stdout.write(
  JSON.stringify({
    calendar: {
      name: root.getFirstPropertyValue("name"),
      x_wr_calname: root.getFirstPropertyValue("x-wr-calname"),
      method: root.getFirstPropertyValue("method"),
      timezones: root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
    },
    events,
  }),
);
