/* Numbers the Chinese way: the same rules as baiqianwan/cockpit/numbers.py (a test runs
   both on the same values). Percent with one decimal; 万 from 100,000 base units and 亿 from
   10^8, one decimal; smaller numbers with thousands separators and the indicator's
   decimals; a measure with "/" is never scaled. */
(function (root) {
  "use strict";
  var PREFIXES = { "万": 1e4, "亿": 1e8 };
  var WAN_FROM = 1e5;
  var YI_FROM = 1e8;
  var MISSING = "—";

  function fixed(value, decimals) {
    return (value === 0 ? 0 : value).toFixed(decimals);
  }

  function grouped(text) {
    var sign = text.charAt(0) === "-" ? "-" : "";
    var body = sign ? text.slice(1) : text;
    var dot = body.indexOf(".");
    var whole = dot < 0 ? body : body.slice(0, dot);
    var rest = dot < 0 ? "" : body.slice(dot);
    return sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + rest;
  }

  function measureSplit(measure) {
    var first = measure.charAt(0);
    if (measure.length > 1 && Object.prototype.hasOwnProperty.call(PREFIXES, first)) {
      return [PREFIXES[first], measure.slice(1)];
    }
    return [1, measure];
  }

  function numberCn(value, measure, decimals) {
    measure = measure || "";
    if (value === null || value === undefined || !isFinite(value)) { return MISSING; }
    value = Number(value);
    if (measure === "%") { return grouped(fixed(value, 1)) + "%"; }
    var split = measureSplit(measure);
    var amount = value * split[0];
    if (measure.indexOf("/") < 0 && Math.abs(amount) >= WAN_FROM) {
      var yi = Math.abs(amount) >= YI_FROM;
      var scale = yi ? YI_FROM : 1e4;
      var scaled = fixed(amount / scale, 1);
      var shown = Math.abs(amount / scale) >= 10000 ? grouped(scaled) : scaled;
      return (shown + " " + (yi ? "亿" : "万") + split[1]).trim();
    }
    var places = (decimals === null || decimals === undefined)
      ? (Number.isInteger(value) ? 0 : 2) : decimals;
    var text = grouped(fixed(value, places));
    return measure ? text + " " + measure : text;
  }

  var api = { numberCn: numberCn, grouped: grouped, MISSING: MISSING };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
  root.BqwNumbers = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
