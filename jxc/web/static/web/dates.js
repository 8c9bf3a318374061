// Dates in one Chinese-friendly form whatever the browser's language: every date box
// (<input type="date">, also ones drawn later, e.g. a grid's new line) becomes a text box
// taking 年-月-日 (2026-06-04; 2026/6/4, 2026.6.4, 20260604 and 2026年6月4日 are put
// right when the box is left) with a small calendar under it on a click: 年/月 in its head,
// 一 … 日 over the days, 今天 and 清除. Month boxes (<input type="month">) likewise take
// 年-月 with a calendar of the twelve months. The server reads Y-m-d as before; the
// browser's own picker (in the browser's language, mm/dd/yyyy in an English one) is gone.
(function () {
  const tag = document.getElementById("jxc-dates");
  const t = Object.assign(
    { today: "Today", clear: "Clear", placeholder: "yyyy-mm-dd", monthPlaceholder: "yyyy-mm",
      weekdays: "Mo Tu We Th Fr Sa Su", yearMonth: "{year}-{month}", year: "{year}",
      prev: "‹", next: "›" },
    tag ? tag.dataset : {},
  );
  const pad = (n) => String(n).padStart(2, "0");
  const iso = (d) => d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());

  // What a person types → Y-m-d (or Y-m for a month box); "" when it is no date at all.
  function normalize(text, month) {
    const s = text.trim();
    if (!s) return "";
    let m = s.match(/^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?$/);
    if (!m && /^\d{8}$/.test(s)) m = [s, s.slice(0, 4), s.slice(4, 6), s.slice(6, 8)];
    if (!m && /^\d{6}$/.test(s)) m = [s, s.slice(0, 4), s.slice(4, 6)];
    if (!m) return null;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), m[3] === undefined ? null : Number(m[3])];
    if (mo < 1 || mo > 12) return null;
    if (month) return d === null ? y + "-" + pad(mo) : null;
    if (d === null) return null;
    const date = new Date(y, mo - 1, d);
    if (date.getMonth() !== mo - 1) return null;  // 2026-02-30
    return iso(date);
  }

  function set(input, value) {
    if (input.value === value) return;
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  let picker = null; // { el, input, year, month }

  function close() {
    if (picker) { picker.el.remove(); picker = null; }
  }

  function button(text, cls, onClick, attrs) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    b.tabIndex = -1;
    for (const [k, v] of Object.entries(attrs || {})) b.setAttribute(k, v);
    b.addEventListener("click", onClick);
    return b;
  }

  function draw() {
    const { el, input } = picker;
    const isMonth = input.dataset.dateKind === "month";
    el.replaceChildren();
    const head = document.createElement("div");
    head.className = "dp-head";
    const title = document.createElement("span");
    title.className = "dp-title";
    title.dataset.testid = "date-picker-title";
    title.textContent = isMonth
      ? t.year.replace("{year}", picker.year)
      : t.yearMonth.replace("{year}", picker.year).replace("{month}", picker.month + 1);
    const step = (n) => () => {
      if (isMonth) picker.year += n;
      else {
        const d = new Date(picker.year, picker.month + n, 1);
        picker.year = d.getFullYear();
        picker.month = d.getMonth();
      }
      draw();
    };
    head.append(
      button("‹", "dp-nav", step(-1), { "aria-label": t.prev, "data-testid": "date-picker-prev" }),
      title,
      button("›", "dp-nav", step(1), { "aria-label": t.next, "data-testid": "date-picker-next" }),
    );
    el.append(head);
    const grid = document.createElement("div");
    const current = input.value;
    const today = iso(new Date());
    if (isMonth) {
      grid.className = "dp-months";
      for (let m = 0; m < 12; m++) {
        const value = picker.year + "-" + pad(m + 1);
        const label = t.yearMonth.replace("{year}", "").replace("{month}", m + 1).replace(/^\D+/, "");
        grid.append(button(label, "dp-day" + (value === current ? " dp-chosen" : ""),
          () => { set(input, value); close(); }, { "data-value": value }));
      }
    } else {
      grid.className = "dp-days";
      for (const w of t.weekdays.split(" ")) {
        const h = document.createElement("span");
        h.className = "dp-weekday";
        h.textContent = w;
        grid.append(h);
      }
      const first = new Date(picker.year, picker.month, 1);
      const lead = (first.getDay() + 6) % 7; // weeks start on Monday (一)
      for (let i = 0; i < lead; i++) grid.append(document.createElement("span"));
      const days = new Date(picker.year, picker.month + 1, 0).getDate();
      for (let d = 1; d <= days; d++) {
        const value = iso(new Date(picker.year, picker.month, d));
        const cls = "dp-day" + (value === current ? " dp-chosen" : "") + (value === today ? " dp-today" : "");
        grid.append(button(String(d), cls, () => { set(input, value); close(); }, { "data-value": value }));
      }
    }
    el.append(grid);
    const foot = document.createElement("div");
    foot.className = "dp-foot";
    foot.append(
      button(t.today, "link", () => { set(input, isMonth ? today.slice(0, 7) : today); close(); },
        { "data-testid": "date-picker-today" }),
      button(t.clear, "link", () => { set(input, ""); close(); }, { "data-testid": "date-picker-clear" }),
    );
    el.append(foot);
  }

  function place() {
    if (!picker) return;
    const r = picker.input.getBoundingClientRect();
    const el = picker.el;
    const width = el.offsetWidth;
    const left = Math.max(4, Math.min(r.left, window.innerWidth - width - 4));
    const below = r.bottom + 4;
    const top = below + el.offsetHeight > window.innerHeight && r.top > el.offsetHeight + 4
      ? r.top - el.offsetHeight - 4 : below;
    el.style.left = left + window.scrollX + "px";
    el.style.top = top + window.scrollY + "px";
  }

  function open(input) {
    if (input.disabled || input.readOnly) return;
    if (picker && picker.input === input) return;
    close();
    const el = document.createElement("div");
    el.className = "date-picker";
    el.dataset.testid = "date-picker";
    el.addEventListener("mousedown", (e) => e.preventDefault()); // the box keeps the focus
    const value = normalize(input.value, input.dataset.dateKind === "month");
    const d = value ? new Date(value.length === 7 ? value + "-01T00:00" : value + "T00:00") : new Date();
    picker = { el, input, year: d.getFullYear(), month: d.getMonth() };
    draw();
    document.body.append(el);
    place();
  }

  function enhance(input) {
    if (input.dataset.dateKind) return;
    const month = input.type === "month";
    input.dataset.dateKind = month ? "month" : "date";
    input.type = "text";
    input.classList.add("date-input");
    input.setAttribute("inputmode", "numeric");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("maxlength", month ? "8" : "11");
    if (!input.placeholder) input.placeholder = month ? t.monthPlaceholder : t.placeholder;
    if (!input.title) input.title = input.placeholder;
    input.addEventListener("click", () => open(input));
    input.addEventListener("input", () => { if (picker && picker.input === input) close(); });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" && e.altKey) { e.preventDefault(); open(input); }
      else if (e.key === "Escape" && picker) { e.stopPropagation(); close(); }
    });
    input.addEventListener("blur", () => {
      if (picker && picker.input === input) close();
      const value = normalize(input.value, month);
      if (value !== null) set(input, value); // else left as typed: the server says what is wrong
    });
  }

  function scan(root) {
    if (root.matches && root.matches("input[type=date], input[type=month]")) enhance(root);
    if (root.querySelectorAll) root.querySelectorAll("input[type=date], input[type=month]").forEach(enhance);
  }

  window.jxcDates = { normalize };
  document.addEventListener("DOMContentLoaded", () => {
    scan(document);
    new MutationObserver((changes) => {
      for (const c of changes) for (const n of c.addedNodes) if (n.nodeType === 1) scan(n);
    }).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("resize", place);
  window.addEventListener("scroll", place, true);
})();
