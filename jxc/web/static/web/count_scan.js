// 盘点 page: the scan box and the counted-quantity boxes (Alpine.js component ``countScan``).
//
// Every scan is queued the moment Enter comes and sent with whatever gathered meanwhile, so a
// scanner's burst (10–30 ms apart) loses none; quantities typed but not saved travel with the
// scans and are recorded first, so a scan adds to them (typed 7, one scan → 8). Enter in a
// count box moves to the next box, never sends the page. A refused quantity is said at its
// row (1.5 for a whole-number unit as it is typed) and the box keeps it.
(function () {
  window.countScan = function (options) {
    return {
      url: options.url,
      queue: [],
      draining: null,
      dirty: new Set(),  // names of count boxes typed into and not saved
      note: "",
      ok: true,

      init() {
        // Back with refused quantities: what was typed is still not saved (a scan adds to it),
        // and the first refused box has the focus, not the scan box.
        for (const input of this.$root.querySelectorAll("input.counted[data-typed]")) this.dirty.add(input.name);
        const wrong = this.$root.querySelector("tr.has-error input.counted");
        if (wrong) this.$nextTick(() => { wrong.focus(); wrong.select(); });
      },
      scan() {
        const box = this.$refs.code;
        const code = box.value.trim();
        box.value = "";
        box.focus();
        if (!code) return;
        this.queue.push(code);
        if (!this.draining) this.draining = this.drain();
      },
      async drain() {
        let failures = 0;
        while (this.queue.length) {
          const codes = this.queue.slice(0, 200);
          const data = new FormData();
          data.append("csrfmiddlewaretoken", this.$root.querySelector("[name=csrfmiddlewaretoken]").value);
          for (const c of codes) data.append("code", c);
          if (this.$refs.bin) data.append("bin", this.$refs.bin.value);
          const sent = {};
          for (const name of this.dirty) {
            const input = this.$root.querySelector('input[name="' + name + '"]');
            if (input) { sent[name] = input.value; data.append(name, input.value); }
          }
          let answer;
          try {
            const r = await fetch(this.url, { method: "POST", body: data, headers: { Accept: "application/json" } });
            if (!r.ok) throw new Error(r.status);
            answer = await r.json();
          } catch (e) {
            // Keep the scans and send them again: none is dropped for a network hiccup.
            failures += 1;
            this.ok = false;
            this.note = options.retrying;
            await new Promise((done) => setTimeout(done, Math.min(2000, 200 * failures)));
            continue;
          }
          failures = 0;
          this.queue.splice(0, codes.length);
          this.apply(answer, sent);
        }
        this.draining = null;
      },
      apply(answer, sent) {
        for (const [name, value] of Object.entries(sent)) {
          const input = this.$root.querySelector('input[name="' + name + '"]');
          const pk = name.slice(8);
          this.rowError(pk, (answer.errors[pk] || []).join(" "));
          if (answer.errors[pk]) continue;  // refused: the box keeps what was typed
          if (!input || input.value === value) this.dirty.delete(name);
        }
        const body = this.$refs.body;
        for (const html of answer.new_rows) {
          const t = document.createElement("tbody");
          t.innerHTML = html.trim();
          const row = t.firstElementChild;
          if (row && !document.getElementById(row.id)) body.appendChild(row);
        }
        for (const [pk, counted] of Object.entries(answer.counted)) {
          const name = "counted_" + pk;
          const input = this.$root.querySelector('input[name="' + name + '"]');
          if (!input || this.dirty.has(name)) continue;  // typed again since: theirs wins
          input.value = counted;
          const tr = input.closest("tr");
          tr.classList.remove("scanned");
          void tr.offsetWidth;
          tr.classList.add("scanned");
        }
        const last = answer.results[answer.results.length - 1];
        const errors = Object.values(answer.errors).flat();
        if (errors.length) { this.ok = false; this.note = errors.join(" "); }
        else if (last) { this.ok = last.ok; this.note = last.text; }
      },
      typed(event) {
        if (!event.target.matches("input.counted")) return;
        this.dirty.add(event.target.name);
        this.checked(event);
      },
      rowError(pk, text) {
        const tr = document.getElementById("line-" + pk);
        if (!tr) return;
        const box = tr.querySelector(".row-error");
        if (box) box.textContent = text;
        tr.classList.toggle("has-error", !!text);
        const input = tr.querySelector("input.counted");
        if (input) input.toggleAttribute("aria-invalid", !!text);
      },
      checked(event) {
        // A whole-number unit (罐, 瓶) refuses 1.5 at its row while it is typed (said then,
        // not when the box is left: the row growing under a click on 保存 would eat it).
        const input = event.target;
        if (!input.matches("input.counted")) return;
        const raw = input.value.trim().replace(/,/g, "");
        const wrong = input.dataset.whole && raw !== "" && !/^-?\d+(\.0*)?$/.test(raw) && !isNaN(Number(raw));
        this.rowError(input.name.slice(8), wrong ? input.dataset.whole : "");
      },
      enter(event) {
        // Enter in a count box goes to the next box (the last one: to 保存), never sends.
        if (!event.target.matches("input.counted")) return;
        event.preventDefault();
        const boxes = [...this.$refs.body.querySelectorAll("input.counted")];
        const next = boxes[boxes.indexOf(event.target) + 1];
        if (next) { next.focus(); next.select(); } else if (this.$refs.save) this.$refs.save.focus();
      },
      beforeSave(event) {
        // Scans on their way are part of what is saved: wait for them first.
        if (this.queue.length || this.draining) {
          event.preventDefault();
          const form = event.target;
          (this.draining || Promise.resolve()).then(() => form.requestSubmit());
        }
      },
    };
  };
})();
