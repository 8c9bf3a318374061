// The line grid of every document form (Alpine.js component ``docLines``).
//
// The grid posts one list per column (line_sku, line_qty …); the server checks everything.
// What happens here is only entry speed:
// - the SKU picker floats above the page (teleported to <body>, so no table scroll area cuts
//   it), ↑/↓ move, Enter chooses, each match shows its variant, unit and available quantity;
// - scans into the scan box go into a queue answered in batches, so a burst loses none; a
//   barcode or a word and Enter in a picker is looked up at once, and the keys typed while
//   it is on its way are held and replayed where the answer puts the cursor, so Enter never
//   outruns the search; a repeat adds 1 to the same line (same SKU, same unit);
// - Enter moves to the next cell and opens a new line at the end; Ctrl+S saves,
//   Ctrl+Shift+S saves and posts (where offered); the scan box has the focus when the page
//   opens and F2 brings it back;
// - the 合计 row (quantity, base quantity, amount) follows every keystroke.
(function () {
  let seq = 0;
  const blank = () => ({
    key: "r" + seq++, sku: "", sku_label: "", variant: "", units: [], available_text: "", tracking: "",
    note: "", qty: "", unit: "", price: "", value: "", bin: "", to_bin: "", batch: "",
    production: "", expiry: "", serials: "", memo: "", tax_rate: "", discount: "", promised: "",
    source: "", source_label: "", rejected: "", reject_reason: "",
  });

  function num(text) {
    const t = String(text == null ? "" : text).replace(/,/g, "").trim();
    if (!t) return 0;
    const n = Number(t);
    return Number.isFinite(n) ? n : NaN;
  }
  // Quantities: up to 6 places, no trailing zeros, no exponent.
  function qtyText(n) { return String(Number(n.toFixed(6))); }
  function moneyText(n) {
    return n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_m, k) => (k in values ? values[k] : ""));
  }
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);

  window.docLines = function (state) {
    return {
      rows: (state.rows.length ? state.rows : [{}]).map((r) => Object.assign(blank(), r)),
      columns: state.columns,
      labels: state.labels,
      errors: state.errors || {},
      bins: state.bins || {},
      texts: state.texts || {},
      taxRate: state.taxRate || "0",
      taxTick: 0,
      skusUrl: state.skusUrl,
      picker: { open: false, rowKey: null, el: null, q: "", items: [], index: 0, loading: false, style: "" },
      searchSeq: 0,
      searchTimer: null,
      queue: [],
      draining: null,
      scanNote: "",
      scanOk: true,
      saving: false,
      busy: 0,
      held: [],

      init() {
        const place = () => { if (this.picker.open) this.placePicker(); };
        window.addEventListener("scroll", place, true);
        window.addEventListener("resize", place);
        window.addEventListener("keydown", (e) => this.holdKey(e), true);
        // 单价含税 ticked or not changes every line's 价税合计 (the 合计 row reads taxTick)
        this.$root.addEventListener("change", (e) => {
          if (e.target && e.target.name === "prices_include_tax") this.taxTick += 1;
        });
        // The scan box has the focus when the page opens (a scanner's first code lands in
        // it), unless the page came back with errors to correct or a box was chosen already.
        this.soon(() => {
          const here = document.activeElement;
          if (this.$root.querySelector("[data-testid=form-errors]")) return;
          if (here && here !== document.body && here !== document.documentElement) return;
          this.focusScan();
        });
      },
      focusScan() {
        const box = this.$root.querySelector("[data-scan]");
        if (box) { box.focus(); box.select(); }
      },

      // --- rows ---------------------------------------------------------------------------
      add(focus = true) {
        this.rows.push(blank());
        if (focus) this.soon(() => this.focusPicker(this.rows[this.rows.length - 1]));
      },
      // After Alpine has drawn a change, before the next key event: Alpine's $nextTick waits
      // for a timer, and a scanner's next character would land in the old box.
      soon(callback) {
        queueMicrotask(() => queueMicrotask(() => {
          try { callback(); } catch (e) { this.$nextTick(callback); }
        }));
      },
      remove(i) {
        this.rows.splice(i, 1);
        if (!this.rows.length) this.rows.push(blank());
        this.errors = {};
      },
      rowEl(row) { return this.$root.querySelector('[data-row-key="' + row.key + '"]'); },
      focusPicker(row) {
        const el = this.rowEl(row);
        const input = el && el.querySelector(".picker-input");
        if (!input) throw new Error("line not drawn yet");
        input.focus();
      },
      isBlank(row) {
        return !row.sku && !String(row.qty).trim() && !String(row.price).trim() && !String(row.memo).trim();
      },
      err(i, c) { return (this.errors[i + "." + c] || []).join(" "); },
      hasErrors(i) { return Object.keys(this.errors).some((k) => k.startsWith(i + ".")); },
      warehouseOf(c) {
        const name = c === "to_bin" ? "to_warehouse" : (this.$root.querySelector("[name=from_warehouse]") ? "from_warehouse" : "warehouse");
        const el = this.$root.querySelector("[name=" + name + "]");
        return el ? el.value : "";
      },
      binsFor(c) { return this.bins[this.warehouseOf(c)] || []; },
      // Cells Enter passes over: batch fields of a SKU without batches, serial numbers of a
      // SKU without them, a bin choice where the warehouse has no bins. Tab still stops there.
      skips(row, c) {
        if (c === "bin" || c === "to_bin") return !this.binsFor(c).length;
        if (!row.tracking) return false;
        if (c === "batch" || c === "production" || c === "expiry") return row.tracking !== "batch";
        if (c === "serials") return row.tracking !== "serial";
        return false;
      },
      unitOf(row) { return row.units.find((u) => String(u.id) === String(row.unit)); },
      unitLabel(u) { return u.name + (u.factor !== "1" ? " ×" + u.factor : ""); },
      setSku(row, item) {
        row.sku = String(item.id);
        row.sku_label = item.label;
        row.variant = item.variant || "";
        row.units = item.units || [];
        row.unit = item.unit || (row.units.length ? String(row.units[0].id) : "");
        row.available_text = item.available_text == null ? "" : item.available_text;
        row.tracking = item.tracking || "";
        row.note = "";
      },

      // --- the 合计 row ---------------------------------------------------------------------
      totalLabel(c) {
        return { qty: this.labels.qty, unit: this.texts.baseQty, price: this.texts.amount, value: this.labels.value }[c] || "";
      },
      // A line's 价税合计 as the server computes it (jxc.core.documents.pricing): quantity ×
      // price less the discount; prices without VAT (the header's 单价含税 unticked) get the
      // line's rate, or the company's when none is typed. A document without that header
      // field has no VAT: quantity × price. Rounded to the 分 once, half up.
      lineAmount(r, q, p, taxed) {
        let entered = q * p;
        const d = num(r.discount);
        if (!Number.isNaN(d) && d) entered = (entered * (100 - d)) / 100;
        if (taxed && !taxed.checked) {
          const rate = String(r.tax_rate).trim() === "" ? num(this.taxRate) : num(r.tax_rate);
          if (!Number.isNaN(rate)) entered = (entered * (100 + rate)) / 100;
        }
        const cents = Math.round(Math.abs(entered) * 100 + 1e-7) / 100;
        return entered < 0 ? -cents : cents;
      },
      get totals() {
        const taxed = this.taxTick >= 0 && this.$root
          ? this.$root.querySelector('[name="prices_include_tax"]') : null;
        let qty = 0, base = 0, amount = 0, value = 0, lines = 0;
        const units = new Set(), baseUnits = new Set();
        for (const r of this.rows) {
          if (!r.sku) continue;
          const q = num(r.qty);
          if (Number.isNaN(q)) continue;
          lines += 1;
          const u = this.unitOf(r);
          qty += q;
          base += q * num(u ? u.factor : "1");
          if (u) units.add(u.name);
          if (r.units.length) baseUnits.add(r.units[0].name);
          const p = num(r.price);
          if (!Number.isNaN(p)) amount += this.lineAmount(r, q, p, taxed);
          const v = num(r.value);
          if (!Number.isNaN(v)) value += v;
        }
        const one = (set) => (set.size === 1 ? [...set][0] : "");
        return {
          lines,
          qty: qtyText(qty) + one(units),
          base: qtyText(base) + one(baseUnits),
          amount: moneyText(amount),
          value: moneyText(value),
        };
      },

      // --- the picker -----------------------------------------------------------------------
      openPicker(row, el) {
        this.picker.rowKey = row.key;
        this.picker.el = el;
        this.picker.open = true;
        this.placePicker();
      },
      closePicker() {
        this.picker.open = false;
        clearTimeout(this.searchTimer);
      },
      placePicker() {
        // Fixed to the viewport under the input (above it when there is no room below).
        const el = this.picker.el;
        if (!el) return;
        const r = el.getBoundingClientRect();
        const vw = window.innerWidth, vh = window.innerHeight;
        const width = Math.min(Math.max(r.width, 420), vw - 16);
        const left = Math.max(8, Math.min(r.left, vw - width - 8));
        const below = vh - r.bottom - 8, above = r.top - 8;
        const up = below < 200 && above > below;
        const room = Math.max(120, Math.min(360, up ? above : below));
        this.picker.style = "left:" + left + "px;width:" + width + "px;max-height:" + room + "px;" +
          (up ? "bottom:" + (vh - r.top + 2) + "px" : "top:" + (r.bottom + 2) + "px");
      },
      onPickerInput(row, el) {
        this.openPicker(row, el);
        clearTimeout(this.searchTimer);
        const q = el.value.trim();
        this.searchTimer = setTimeout(() => this.search(q), 150);
      },
      async search(q) {
        const id = ++this.searchSeq;
        if (!q) { this.picker.items = []; this.picker.q = ""; return; }
        this.picker.loading = true;
        try {
          const data = await this.fetchSkus({ q });
          if (id !== this.searchSeq) return;
          this.picker.items = data.matches;
          this.picker.q = q;
          this.picker.index = 0;
        } finally {
          if (id === this.searchSeq) this.picker.loading = false;
        }
      },
      fetchSkus(params) {
        const url = new URL(this.skusUrl, window.location.href);
        for (const [k, v] of Object.entries(params)) {
          for (const one of [].concat(v)) url.searchParams.append(k, one);
        }
        url.searchParams.set("warehouse", this.warehouseOf("bin"));
        return fetch(url, { headers: { Accept: "application/json" } }).then((r) => {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        });
      },
      movePicker(step) {
        const n = this.picker.items.length;
        if (!this.picker.open || !n) return;
        this.picker.index = (this.picker.index + step + n) % n;
        this.soon(() => {
          const li = document.querySelector(".grid-picker li.active");
          if (li) li.scrollIntoView({ block: "nearest" });
        });
      },
      onPickerKey(row, event) {
        const el = event.target;
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          if (!this.picker.open) this.openPicker(row, el);
          this.movePicker(event.key === "ArrowDown" ? 1 : -1);
        } else if (event.key === "Escape") {
          this.closePicker();
        } else if (event.key === "Tab") {
          this.closePicker();
        } else if (event.key === "Enter" && !event.isComposing) {
          event.preventDefault();
          this.pickerEnter(row, el);
        }
      },
      async pickerEnter(row, el) {
        const q = el.value.trim();
        if (!q || (row.sku && q === row.sku_label)) {
          this.closePicker();
          this.moveNext(el);
          return;
        }
        const fresh = this.picker.open && this.picker.rowKey === row.key && this.picker.q === q && !this.picker.loading;
        if (fresh && this.picker.items.length) {
          this.choose(row, this.picker.items[this.picker.index]);
          return;
        }
        // The list for this text is not here yet (a scanner is faster than any search, and
        // so is a quick typist): ask now, and hold the keys that come meanwhile until the
        // answer has put the cursor where they belong.
        this.closePicker();
        this.searchSeq++;
        this.busy += 1;
        try {
          let item = null, matches = [];
          try {
            item = (await this.fetchSkus({ code: [q] })).found[q] || null;
            if (!item) matches = (await this.fetchSkus({ q })).matches;
          } catch (e) {
            row.note = this.texts.retrying;
          }
          if (item) {
            const merged = this.placeScan(item, row);
            if (merged) { el.value = ""; } else { this.nextLine(row); }
          } else if (matches.length) {
            this.choose(row, matches[0]);
          } else if (!row.note) {
            row.note = fill(this.texts.notFound, { code: q });
          }
        } finally {
          this.busy -= 1;
        }
        this.soon(() => this.replay());
      },
      // Keys typed while the grid waits for an answer: held, then replayed in order.
      holdKey(event) {
        if (!this.busy || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
        if (!this.$root.contains(document.activeElement)) return;
        if (event.key.length === 1 || ["Enter", "Tab", "Backspace"].includes(event.key)) {
          event.preventDefault();
          event.stopImmediatePropagation();
          this.held.push({ key: event.key, shift: event.shiftKey });
        }
      },
      replay() {
        while (this.held.length && !this.busy) {
          const { key, shift } = this.held.shift();
          const el = document.activeElement;
          if (key === "Enter") {
            el.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
          } else if (key === "Tab") {
            const fields = [...this.$root.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
              .filter((f) => !f.disabled && f.tabIndex >= 0 && visible(f));
            const next = fields[fields.indexOf(el) + (shift ? -1 : 1)];
            if (next) next.focus();
          } else if (el && "value" in el && el.tagName !== "SELECT") {
            const start = el.selectionStart == null ? el.value.length : el.selectionStart;
            const end = el.selectionEnd == null ? el.value.length : el.selectionEnd;
            el.value = key === "Backspace"
              ? (start !== end ? el.value.slice(0, start) + el.value.slice(end) : el.value.slice(0, Math.max(0, start - 1)) + el.value.slice(end))
              : el.value.slice(0, start) + key + el.value.slice(end);
            el.dispatchEvent(new Event("input", { bubbles: true }));
          }
        }
      },
      choose(row, item) {
        this.closePicker();
        this.setSku(row, item);
        if (item.exact && !String(row.qty).trim()) row.qty = "1";
        this.soon(() => {
          const el = this.rowEl(row);
          const next = el && el.querySelector("[data-grid-cell]:not(.picker-input)");
          if (!next) throw new Error("line not drawn yet");
          next.focus();
          if (next.select) next.select();
        });
      },
      chooseFromPanel(j) {
        const row = this.rows.find((r) => r.key === this.picker.rowKey);
        if (row) this.choose(row, this.picker.items[j]);
      },
      pickerBlur() { setTimeout(() => { if (!document.activeElement || !document.activeElement.classList.contains("picker-input")) this.closePicker(); }, 0); },

      // --- scanning -------------------------------------------------------------------------
      scanBox(event) {
        const code = event.target.value.trim();
        event.target.value = "";
        if (code) this.enqueue({ code });
      },
      enqueue(entry) {
        this.queue.push(entry);
        if (!this.draining) this.draining = this.drain();
      },
      async drain() {
        let failures = 0;
        while (this.queue.length) {
          const batch = this.queue.slice(0, 100);
          let found;
          try {
            found = (await this.fetchSkus({ code: batch.map((e) => e.code) })).found;
          } catch (e) {
            // Keep the scans and try again: none is dropped because the network hiccuped.
            failures += 1;
            this.scanOk = false;
            this.scanNote = this.texts.retrying;
            await new Promise((ok) => setTimeout(ok, Math.min(2000, 200 * failures)));
            continue;
          }
          this.queue.splice(0, batch.length);
          for (const entry of batch) this.applyScan(entry, found[entry.code]);
        }
        this.draining = null;
      },
      applyScan(entry, item) {
        if (!item) {
          this.scanOk = false;
          this.scanNote = fill(this.texts.notFound, { code: entry.code });
          return;
        }
        const row = this.placeScan(item, null) || this.rows.find((r) => r.sku === String(item.id) && String(r.unit) === String(item.unit));
        this.scanOk = true;
        this.scanNote = fill(this.texts.scanned, { sku: item.label, qty: row ? row.qty : "1" });
      },
      // A scanned SKU: a line with the same SKU and unit gets 1 more (returned); else the
      // given blank line, or a new line kept before the blank last one, gets it with 1.
      placeScan(item, target) {
        const same = this.rows.find((r) => r.sku === String(item.id) && String(r.unit) === String(item.unit));
        if (same) {
          same.qty = qtyText((Number.isNaN(num(same.qty)) ? 0 : num(same.qty)) + 1);
          return same;
        }
        let row = target && this.isBlank(target) ? target : null;
        if (!row) {
          const last = this.rows[this.rows.length - 1];
          const at = last && this.isBlank(last) ? this.rows.length - 1 : this.rows.length;
          this.rows.splice(at, 0, blank());
          row = this.rows[at];
        }
        this.setSku(row, item);
        row.qty = "1";
        return null;
      },
      holdsFocus(row) {
        const el = this.rowEl(row);
        return !!(el && el.contains(document.activeElement));
      },
      async idle() {
        while (this.draining || this.busy || this.held.length) {
          if (this.draining) await this.draining;
          await new Promise((done) => setTimeout(done, 20));
        }
      },

      // --- keyboard -------------------------------------------------------------------------
      nextLine(row) {
        const i = this.rows.indexOf(row);
        if (i === this.rows.length - 1) this.add();
        else this.soon(() => this.focusPicker(this.rows[i + 1]));
      },
      cells() {
        return [...this.$root.querySelectorAll("[data-grid-cell]")].filter((el) => !el.disabled && visible(el));
      },
      moveNext(el) {
        const cells = this.cells().filter((c) => c === el || !c.closest("[data-skip=true]"));
        const i = cells.indexOf(el);
        if (i < 0) return;
        if (i < cells.length - 1) {
          const next = cells[i + 1];
          next.focus();
          if (next.select) next.select();
        } else {
          this.add();
        }
      },
      onKey(event) {
        // Enter in a grid cell moves on; in the header it moves to the next field instead of
        // sending a half-filled form. Textareas keep their Enter (one serial number a line).
        if (event.key !== "Enter" || event.isComposing || event.defaultPrevented) return;
        const el = event.target;
        if (el.tagName === "BUTTON" || el.type === "submit") return;
        if (el.tagName === "TEXTAREA") {
          // One serial number a line: Enter on an empty last line (or an empty box) moves on.
          if (el.value && !el.value.endsWith("\n")) return;
          event.preventDefault();
          el.value = el.value.replace(/\n+$/, "");
          el.dispatchEvent(new Event("input"));
          this.moveNext(el);
          return;
        }
        if (el.classList.contains("picker-input") || el.dataset.scan !== undefined) return;
        event.preventDefault();
        if (el.hasAttribute("data-grid-cell")) { this.moveNext(el); return; }
        const fields = [...this.$root.querySelectorAll("input:not([type=hidden]), select, textarea")]
          .filter((f) => !f.disabled && f.tabIndex >= 0 && visible(f));
        const i = fields.indexOf(el);
        if (i >= 0 && i < fields.length - 1) fields[i + 1].focus();
      },
      onWindowKey(event) {
        // F2 goes back to the scan box from anywhere on the form.
        if (event.key === "F2" && !event.ctrlKey && !event.altKey && !event.metaKey) {
          event.preventDefault();
          this.closePicker();
          this.focusScan();
          return;
        }
        // Ctrl+S saves; Ctrl+Shift+S is 保存并过账 where the button is offered.
        if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "s" || event.key === "S")) {
          event.preventDefault();
          const post = event.shiftKey && this.$root.querySelector("[name=and_post]");
          this.save(post || null);
        }
      },
      async save(submitter) {
        if (this.saving) return;
        this.saving = true;
        this.closePicker();
        await this.idle();
        this.$root.requestSubmit(submitter || undefined);
      },
      onSubmit(event) {
        // Scans still on their way are part of the document: wait for them, then send.
        if (this.queue.length || this.draining || this.busy || this.held.length) {
          event.preventDefault();
          const submitter = event.submitter;
          this.saving = false;
          this.idle().then(() => this.$root.requestSubmit(submitter || undefined));
        }
      },
    };
  };
})();
