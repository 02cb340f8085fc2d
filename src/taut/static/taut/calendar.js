// The desk's calendar: one FullCalendar time grid per column (practitioner, room or device).
// Dragging or resizing a visit posts the new times; the server moves it through the booking
// service or refuses, and a refused change goes back where it was with the reason read out.
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(text, refused) {
    var status = document.getElementById("calendar-status");
    status.textContent = text;
    status.classList.toggle("refused", Boolean(refused));
  }

  var calendars = [];

  function refetchAll() {
    calendars.forEach(function (calendar) { calendar.refetchEvents(); });
  }

  function sendMove(host, info) {
    var body = { start: info.event.startStr, end: info.event.endStr };
    if (host.dataset.resource) { body.resource = host.dataset.resource; }
    say("Moving " + info.event.title + "…", false);
    fetch(info.event.extendedProps.move, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (result) {
      if (result.ok) {
        say(result.answer.message, false);
        refetchAll(); // the moved visit is a new booking (linked to the old one): new id and link
      } else {
        info.revert();
        say("Not moved: " + result.answer.error.message, true);
      }
    }).catch(function () {
      info.revert();
      say("Not moved: the server could not be reached. Try again.", true);
    });
  }

  // A visit's name is what it shows (time, patient, type); how to move it is its description.
  function describe(info) {
    var link = info.el.tagName === "A" ? info.el : info.el.querySelector("a");
    if (link && info.event.startEditable) { link.setAttribute("aria-describedby", "calendar-help"); }
  }

  function mount(host) {
    var calendar = new FullCalendar.Calendar(host, {
      initialView: host.dataset.view,
      initialDate: host.dataset.date,
      timeZone: host.dataset.zone,
      headerToolbar: false,
      dayHeaders: host.dataset.view === "timeGridWeek",
      allDaySlot: false,
      slotMinTime: "07:00:00",
      slotMaxTime: "20:00:00",
      slotDuration: "00:15:00",
      snapDuration: "00:15:00",
      slotLabelInterval: "01:00",
      slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      firstDay: 1,
      height: "auto",
      expandRows: true,
      editable: true,
      eventDurationEditable: true,
      eventOverlap: true,
      events: { url: host.dataset.events, failure: function () { say("The calendar could not load its visits.", true); } },
      eventDidMount: describe,
      eventDrop: function (info) { sendMove(host, info); },
      eventResize: function (info) { sendMove(host, info); }
    });
    calendar.render();
    calendars.push(calendar);
  }

  document.querySelectorAll("[data-calendar]").forEach(mount);
})();
