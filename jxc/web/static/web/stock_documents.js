// 库存单据: the line grid (Alpine.js) and the count page's scan box.
// The grid posts one list per column (line_sku, line_qty …); the server checks everything.
(function () {
  let seq = 0;
  const blank = () => ({
    key: "r" + seq++, sku: "", sku_label: "", units: [], open: false,
    qty: "", unit: "", price: "", value: "", bin: "", to_bin: "", batch: "",
    production: "", expiry: "", serials: "", memo: "",
  });

  window.docLines = function (state) {
    return {
      rows: (state.rows.length ? state.rows : [{}]).map((r) => Object.assign(blank(), r, { open: false })),
      columns: state.columns,
      labels: state.labels,
      errors: state.errors || {},
      bins: state.bins || {},
      unitsUrl: state.unitsUrl,
      add() {
        this.rows.push(blank());
        this.$nextTick(() => {
          const inputs = this.$root.querySelectorAll(".picker-input");
          if (inputs.length) inputs[inputs.length - 1].focus();
        });
      },
      remove(i) {
        this.rows.splice(i, 1);
        if (!this.rows.length) this.rows.push(blank());
        this.errors = {};
      },
      err(i, c) { return (this.errors[i + "." + c] || []).join(" "); },
      hasErrors(i) { return Object.keys(this.errors).some((k) => k.startsWith(i + ".")); },
      warehouseOf(c) {
        const name = c === "to_bin" ? "to_warehouse" : (this.$root.querySelector("[name=from_warehouse]") ? "from_warehouse" : "warehouse");
        const el = this.$root.querySelector("[name=" + name + "]");
        return el ? el.value : "";
      },
      binsFor(c) { return this.bins[this.warehouseOf(c)] || []; },
      async pick(row, event) {
        const li = event.target.closest("li[data-sku-id]");
        if (!li) return;
        row.sku = li.dataset.skuId;
        row.sku_label = li.dataset.skuCode + " " + li.querySelector(".name").textContent.trim();
        row.open = false;
        const resp = await fetch(this.unitsUrl + row.sku + "/");
        row.units = (await resp.json()).units;
        row.unit = row.units.length ? String(row.units[0].id) : "";
        const tr = event.target.closest("tr");
        const next = tr && tr.querySelector("input.grid-qty, input.grid-price");
        if (next) next.focus();
      },
      pickFirst(row, event) {
        // Enter in the picker (a scanner ends a barcode with Enter): take the first match.
        const box = event.target.closest(".picker").querySelector("li[data-sku-id]");
        if (box) this.pick(row, { target: box });
      },
    };
  };
})();
