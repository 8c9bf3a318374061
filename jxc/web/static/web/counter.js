// 门店零售 counter (Alpine.js component ``counter``): scans queue up and are looked up one at a
// time (a code already in the cart adds 1 at once, no round trip), quantities change in place,
// the payments split over the methods, change due = cash handed over − the cash payment; one
// POST posts the sale and its receipts; refused, the cart stays.
(function () {
  window.counter = function (options) {
    return {
      urls: options.urls,
      methods: options.methods,
      warehouse: options.warehouse,
      lines: [],
      byCode: {},
      queue: [],
      busy: null,
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
      get change() {
        const handed = this.tendered === "" ? this.cashDue : this.cents(this.tendered);
        return handed - this.cashDue;
      },
      show(c) { return (c / 100).toFixed(2); },
      scan() {
        const box = this.$refs.code;
        const code = box.value.trim();
        box.value = "";
        box.focus();
        if (!code) return;
        this.done = null;
        this.queue.push(code);
        if (!this.busy) this.busy = this.drain();
      },
      async drain() {
        while (this.queue.length) {
          const code = this.queue.shift();
          const known = this.byCode[code];
          if (known) { known.qty = Number(known.qty) + 1; this.fillPaid(); continue; }
          try {
            const r = await fetch(this.urls.lookup + "?code=" + encodeURIComponent(code),
                                  { headers: { "Accept": "application/json" } });
            const body = await r.json();
            if (!r.ok) { this.ok = false; this.note = body.error; continue; }
            const same = this.lines.find((x) => x.key === body.key);
            if (same) { same.qty = Number(same.qty) + 1; this.byCode[code] = same; }
            else {
              const line = { key: body.key, code: code, name: body.name, price: body.price, qty: 1 };
              this.lines.push(line);
              this.byCode[code] = this.lines[this.lines.length - 1];
            }
            this.ok = true; this.note = "";
            this.fillPaid();
          } catch (e) { this.ok = false; this.note = String(e); }
        }
        this.busy = null;
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
      async sell() {
        if (!this.lines.length) return;
        const body = {
          warehouse: this.warehouse,
          items: this.lines.map((x) => ({ code: x.code, qty: String(x.qty) })),
          paid: this.methods.map((m) => ({ account: m.account, amount: this.paid[m.kind] || "0" })),
          tendered: this.tendered,
        };
        const r = await fetch(this.urls.sell, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": options.csrf },
          body: JSON.stringify(body),
        });
        const answer = await r.json();
        if (!r.ok) { this.ok = false; this.note = answer.error; return; }
        this.done = answer;
        this.ok = true; this.note = "";
        this.lines = []; this.byCode = {}; this.tendered = "";
        for (const m of this.methods) this.paid[m.kind] = "";
        this.$refs.code.focus();
      },
    };
  };
})();
