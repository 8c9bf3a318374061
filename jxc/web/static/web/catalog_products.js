/* 商品 form: the unit rows (1 箱 = 12 个) and the 颜色 × 尺码 matrix, live in the page.
 * Loaded without defer before Alpine starts, so x-data="productForm(...)" finds these.
 * Inputs are named unit-<n>-<field> and variant-<n>-<field>; the server re-validates all. */
(function () {
  "use strict";

  function splitValues(raw) {
    const seen = [];
    (raw || "").split(/[,，、;；\s]+/).forEach(function (v) {
      v = v.trim();
      if (v && seen.indexOf(v) < 0) seen.push(v);
    });
    return seen;
  }

  function emptyUnit(priceColumns) {
    const row = { unit: "", factor: "", barcode: "", errors: {} };
    priceColumns.forEach(function (c) { row[c.name] = ""; });
    return row;
  }

  function unitTable(state) {
    const priceColumns = state.priceColumns || [];
    const units = (state.units && state.units.length ? state.units : [emptyUnit(priceColumns)]).map(
      function (u) { return Object.assign(emptyUnit(priceColumns), u, { errors: u.errors || {} }); }
    );
    return {
      unitChoices: state.unitChoices || [],
      priceColumns: priceColumns,
      units: units,
      tableErrors: state.errors || {},
      variants: [],
      baseUnit: String(state.baseUnit || ""),
      addUnit() { this.units.push(emptyUnit(this.priceColumns)); },
      removeUnit(i) { if (i > 0) this.units.splice(i, 1); },
      unitName(id) {
        const found = this.unitChoices.find(function (u) { return String(u.id) === String(id); });
        return found ? found.name : "";
      },
      baseUnitName() { return this.unitName(this.baseUnit) || state.baseUnitName || ""; },
      err(row, name) { return (row.errors && row.errors[name]) ? row.errors[name].join(" ") : ""; },
      clearErr(row, name) { if (row.errors) delete row.errors[name]; },
    };
  }

  window.skuUnitsForm = function (state) {
    return unitTable(state);
  };

  window.productForm = function (state) {
    const variantColumns = state.variantPriceColumns || [];
    const saved = {};
    (state.variants || []).forEach(function (v) {
      saved[(v.value1 || "") + "|" + (v.value2 || "")] = v;
    });
    return Object.assign(unitTable(state), {
      variantColumns: variantColumns,
      variants: [],
      saved: saved,
      code: "",
      attr1: "",
      attr2: "",
      mnemonicTouched: false,
      init() {
        this.code = this.$refs.code.value;
        this.baseUnit = this.$refs.baseUnit.value;
        this.attr1 = this.$refs.attr1.value;
        this.attr2 = this.$refs.attr2.value;
        this.mnemonicTouched = this.$refs.mnemonic.value !== "";
        this.regen();
      },
      fetchMnemonic(name) {
        if (this.mnemonicTouched) return;
        const input = this.$refs.mnemonic;
        fetch(state.mnemonicUrl + "?name=" + encodeURIComponent(name), {
          headers: { "Accept": "application/json" },
          credentials: "same-origin",
        }).then(function (r) { return r.json(); }).then((data) => {
          if (!this.mnemonicTouched) input.value = data.mnemonic;
        });
      },
      regen() {
        // Keep what was typed into a row when the value lists change: rows are keyed by values.
        this.variants.forEach((v) => { this.saved[v.key] = v; });
        const v1 = splitValues(this.$refs.values1.value);
        const v2 = splitValues(this.$refs.values2.value);
        if (!v1.length && !v2.length) { this.variants = []; return; }
        const rows = [];
        (v1.length ? v1 : [""]).forEach((a) => {
          (v2.length ? v2 : [""]).forEach((b) => {
            const key = a + "|" + b;
            const old = this.saved[key] || {};
            const row = { key: key, value1: a, value2: b, code: old.code || "", barcode: old.barcode || "", errors: old.errors || {} };
            variantColumns.forEach(function (c) { row[c.name] = old[c.name] || ""; });
            rows.push(row);
          });
        });
        this.variants = rows;
      },
      spec(v) { return [v.value1, v.value2].filter(Boolean).join(" / "); },
      autoCode(i) {
        if (!this.code) return "";
        if (this.variants.length <= 1) return this.code;
        return this.code + "-" + String(i + 1).padStart(2, "0");
      },
      basePrice(name) { return this.units.length ? this.units[0][name] : ""; },
    });
  };
})();
