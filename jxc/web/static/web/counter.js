// 门店零售 counter (Alpine.js component ``counter``): scans queue up and are looked up one at a
// time (a code already in the cart adds 1 at once, no round trip), quantities change in place,
// the payments split over the methods, change due = cash handed over − the cash payment (no
// cash payment: no change, whatever was typed as handed over); one POST posts the sale and its
// receipts, sent once however often 收款并过账 is pressed; refused, the cart stays.
(function () {
  // A reply that is not JSON (the login page after the session ran out, a proxy's error page)
  // is said in words the cashier can act on, never as a JSON parse error.
  class Unreadable extends Error {}

  // The sale's Idempotency-Key: crypto.randomUUID exists only on https / localhost, and a
  // till on the shop's LAN is often plain http.
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  window.counter = function (options) {
    return {
      urls: options.urls,
      methods: options.methods,
      warehouse: options.warehouse,
      texts: options.texts || {},
      lines: [],
      byCode: {},
      queue: [],
      busy: false,  // a drain is running: a further scan only queues
      selling: false,  // the sale's POST is on its way: 收款并过账 does nothing more
      saleKey: null,  // kept while the outcome of a sale is unknown, so a retry cannot sell twice
      paid: {},
      tendered: "",
      note: "",
      ok: true,
      done: null,

      init() {
        for (const m of this.methods) this.paid[m.kind] = "";
        this.$nextTick(() => this.$refs.code.focus());
      },
      money(v) { return (Math.round(Number(v || 0) * 100) / 100).toFixed(2); },
      cents(v) { return Math.round(Number(String(v || 0).replace(/,/g, "")) * 100); },
      get total() {
        return this.lines.reduce((t, x) => t + Math.round(Number(x.price) * 100 * Number(x.qty || 0)), 0);
      },
      get paidTotal() {
        return Object.values(this.paid).reduce((t, v) => t + this.cents(v), 0);
      },
      get cashDue() { return this.cents(this.paid.cash); },
      // Cash handed over only counts against a cash payment: paid by 微信 alone, a 100 typed
      // into 实收现金 is no change due (and is not sent).
      get change() {
        if (!this.cashDue) return 0;
        const handed = this.tendered === "" ? this.cashDue : this.cents(this.tendered);
        return handed - this.cashDue;
      },
      show(c) { return (c / 100).toFixed(2); },
      fail(message) { this.ok = false; this.note = message; },
      // fetch → the JSON answer and the response; a reply that is not JSON throws Unreadable
      // (a redirect to the login page: the session ran out), a network failure TypeError.
      async ask(url, init) {
        const r = await fetch(url, init);
        const type = r.headers.get("Content-Type") || "";
        if (!type.includes("application/json")) {
          throw new Unreadable(r.redirected || r.status === 401 || r.status === 403
            ? this.texts.signIn : this.texts.unreadable);
        }
        return [r, await r.json()];
      },
      failed(e) {
        this.fail(e instanceof Unreadable ? e.message : this.texts.offline || String(e));
      },
      scan() {
        const box = this.$refs.code;
        const code = box.value.trim();
        box.value = "";
        box.focus();
        if (!code) return;
        this.done = null;
        this.queue.push(code);
        this.drain();
      },
      // One drain at a time takes the queue to its end; the flag is set and cleared here only
      // (a drain that needs no round trip finishes before any caller could store its promise).
      async drain() {
        if (this.busy) return;
        this.busy = true;
        try {
          while (this.queue.length) {
            const code = this.queue.shift();
            const known = this.byCode[code];
            if (known) { known.qty = Number(known.qty) + 1; this.fillPaid(); continue; }
            try {
              const [r, body] = await this.ask(this.urls.lookup + "?code=" + encodeURIComponent(code),
                                               { headers: { "Accept": "application/json" } });
              if (!r.ok) { this.fail(body.error); continue; }
              const same = this.lines.find((x) => x.key === body.key);
              if (same) { same.qty = Number(same.qty) + 1; this.byCode[code] = same; }
              else {
                const line = { key: body.key, code: code, name: body.name, unit: body.unit_name || "",
                               price: body.price, qty: 1 };
                this.lines.push(line);
                this.byCode[code] = this.lines[this.lines.length - 1];
              }
              this.ok = true; this.note = "";
              this.fillPaid();
            } catch (e) { this.failed(e); }
          }
        } finally {
          this.busy = false;
        }
      },
      remove(i) {
        const [x] = this.lines.splice(i, 1);
        for (const k of Object.keys(this.byCode)) if (this.byCode[k] === x) delete this.byCode[k];
        this.fillPaid();
      },
      // the whole amount on one method until the cashier splits it by hand
      fillPaid(kind) {
        const others = this.methods.filter((m) => this.paid[m.kind] !== "" && m.kind !== "cash");
        if (kind) { for (const m of this.methods) this.paid[m.kind] = ""; this.paid[kind] = this.show(this.total); return; }
        if (!others.length && this.methods.some((m) => m.kind === "cash")) this.paid.cash = this.show(this.total);
      },
      // 分开付: an amount typed on 微信 / 支付宝 / 银行卡 leaves the rest of the total on cash
      split(kind) {
        if (kind === "cash" || !this.methods.some((m) => m.kind === "cash")) return;
        const others = this.methods.filter((m) => m.kind !== "cash").reduce((t, m) => t + this.cents(this.paid[m.kind]), 0);
        const rest = this.total - others;
        this.paid.cash = rest > 0 ? this.show(rest) : "";
      },
      get canSell() {
        return !this.selling && !this.busy && this.lines.length > 0 && this.paidTotal === this.total;
      },
      // A second press (a double click, an impatient tap) while the POST runs does nothing;
      // the server too answers a repeat of the same key with the first sale, not a second.
      async sell() {
        if (!this.canSell) return;
        this.selling = true;
        const body = {
          warehouse: this.warehouse,
          items: this.lines.map((x) => ({ code: x.code, qty: String(x.qty) })),
          paid: this.methods.map((m) => ({ account: m.account, amount: this.paid[m.kind] || "0" })),
          tendered: this.cashDue ? this.tendered : "",
        };
        this.saleKey = this.saleKey || newKey();
        try {
          const [r, answer] = await this.ask(this.urls.sell, {
            method: "POST",
            headers: { "Content-Type": "application/json", "Accept": "application/json",
                       "X-CSRFToken": options.csrf, "Idempotency-Key": this.saleKey },
            body: JSON.stringify(body),
          });
          // refused: nothing was written, the next try is a new request
          if (!r.ok) { this.saleKey = null; this.fail(answer.error); return; }
          this.saleKey = null;
          this.done = answer;
          this.ok = true; this.note = "";
          this.lines = []; this.byCode = {}; this.tendered = "";
          for (const m of this.methods) this.paid[m.kind] = "";
        } catch (e) {
          this.failed(e);  // no answer: the key stays, a retry of this cart cannot sell twice
        } finally {
          this.selling = false;
          this.$refs.code.focus();
        }
      },
    };
  };
})();
