/* The leaders' cockpit: the charts of the page and of 大屏 mode, drawn from /api/cockpit/.
   The county map is the GeoJSON shipped in /static/vendor/maps/, registered once; a county
   clicked opens its towns (ranked bars) and villages (a table). Each chart downloads as PNG
   (chart.getDataURL) and its data as Excel (the API's .xlsx twin of the chart's JSON).
   In 大屏 mode every figure is read again each minute and the charts update in place. */
(function () {
  "use strict";
  if (typeof echarts === "undefined" || !window.BqwNumbers) { return; }
  var spec = JSON.parse(document.getElementById("cockpit-spec").textContent);
  var L = spec.labels;
  var N = window.BqwNumbers;
  var screen = document.body.dataset.mode === "screen";
  var REFRESH_MS = 60000;
  var LIGHTS = { green: "#2e7d32", yellow: "#f9a825", red: "#c62828", done: "#90a4ae" };
  var PALETTE = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  var charts = {};
  var state = { indicator: "", drill: "", map: null, mapReady: false };
  var select = document.getElementById("cockpit-indicator");
  state.indicator = select ? select.value : "";

  function px(share) { return screen ? Math.round(window.innerWidth * share) : null; }
  function font(normal) { return screen ? px(0.0075) : normal; }

  function url(path, params) {
    var query = new URLSearchParams();
    Object.keys(params || {}).forEach(function (key) {
      if (params[key]) { query.set(key, params[key]); }
    });
    var text = query.toString();
    return spec.api + path + (text ? "?" + text : "");
  }

  function getJSON(path, params) {
    return fetch(url(path, params), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      });
  }

  function chart(name) {
    if (!charts[name]) {
      var holder = document.getElementById("cockpit-" + name);
      if (!holder) { return null; }
      charts[name] = echarts.init(holder, screen ? "dark" : null, { renderer: "canvas" });
    }
    return charts[name];
  }

  function base(option) {
    option.animation = !screen;
    if (screen) {
      option.backgroundColor = "transparent";
      option.textStyle = { fontSize: font(12) };
    }
    return option;
  }

  function failed(name) {
    var holder = document.getElementById("cockpit-" + name);
    if (holder && !charts[name]) { holder.textContent = L.failed; }
  }

  function ready(name, value) {
    var holder = document.getElementById("cockpit-" + name);
    if (holder) { holder.dataset.ready = value || "true"; }
  }

  function setXlsx(chartName, path, params) {
    var link = document.querySelector('[data-testid="xlsx-' + chartName + '"]');
    if (link) { link.href = url("/" + path, params); }
  }

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function lightWord(light) { return light ? (L[light] || light) : ""; }

  function measureOf(data) {
    return data.indicator ? [data.indicator.measure, data.indicator.decimals] : ["", 3];
  }

  function formatValue(value, data) {
    var m = measureOf(data);
    return data.indicator ? N.numberCn(value, m[0], m[1]) : (value == null ? N.MISSING : value.toFixed(3));
  }

  // ---- Cards ---------------------------------------------------------------------------
  function sparkline(card) {
    var holder = document.querySelector('[data-spark="' + card.key + '"]');
    if (!holder || !card.trend.length) { return; }
    var spark = echarts.getInstanceByDom(holder) || echarts.init(holder, null, { renderer: "canvas" });
    spark.setOption({
      animation: false,
      grid: { left: 2, right: 2, top: 4, bottom: 2 },
      xAxis: { type: "category", show: false, data: card.trend.map(function (p) { return p.period; }) },
      yAxis: { type: "value", show: false, scale: true },
      tooltip: { trigger: "axis", confine: true, formatter: function (items) {
        return items[0].name + "：" + N.numberCn(items[0].value, card.measure, card.decimals);
      } },
      series: [{ type: "line", smooth: true, symbol: "none", areaStyle: { opacity: 0.15 },
                 lineStyle: { width: 2, color: LIGHTS[card.light] || "#5470c6" },
                 itemStyle: { color: LIGHTS[card.light] || "#5470c6" },
                 data: card.trend.map(function (p) { return p.value; }) }],
    });
  }

  function cardsUpdate(summary) {
    summary.cards.forEach(function (card) {
      var box = document.querySelector('[data-testid="card-' + card.key + '"]');
      if (!box) { return; }
      box.className = "bqw-kpi bqw-kpi-" + (card.light || "none");
      var value = box.querySelector('[data-testid="card-value"]');
      if (value && value.firstChild) { value.firstChild.nodeValue = card.shown; }
      sparkline(card);
    });
  }

  // ---- The map (or the rows as bars where there is no map) --------------------------------
  var geoPromise = null;
  function geojson() {
    if (!geoPromise) {
      geoPromise = fetch(spec.map, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (geo) {
          // Regions are matched by code, not by name: a renamed county still finds its shape.
          geo.features.forEach(function (feature) {
            var code = String(feature.id || feature.properties.adcode || "").padEnd(12, "0");
            feature.properties.name = code;
          });
          echarts.registerMap(spec.unit, geo);
          return geo;
        });
    }
    return geoPromise;
  }

  function tooltipOf(row, data, count) {
    var lines = ["<strong>" + esc(row.name) + "</strong>"];
    lines.push((data.indicator ? esc(data.indicator.name) : L.score) + "：" + esc(row.value == null ? L.no_data : row.shown));
    if (row.rank) { lines.push(L.rank + "：" + row.rank + " / " + count); }
    if (row.target != null) { lines.push(L.target + "：" + esc(formatValue(row.target, data))); }
    if (row.light) { lines.push(L.light + "：" + esc(lightWord(row.light))); }
    if (row.change != null && row.change !== 0) { lines.push(L.change + "：" + (row.change > 0 ? "↑" : "↓") + Math.abs(row.change)); }
    if (row.provisional) { lines.push("<em>" + esc(L.provisional) + "</em>"); }
    return lines.join("<br>");
  }

  function extent(rows) {
    var values = rows.map(function (r) { return r.value; }).filter(function (v) { return v != null; });
    if (!values.length) { return [0, 1]; }
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    return low === high ? [low - 1, high + 1] : [low, high];
  }

  function drawMap(data) {
    var c = chart("map");
    if (!c) { return; }
    var byCode = {};
    data.rows.forEach(function (row) { byCode[row.code] = row; });
    var counted = data.rows.filter(function (r) { return r.rank != null; }).length;
    var range = extent(data.rows);
    var m = measureOf(data);
    c.setOption(base({
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        var row = byCode[p.name];
        return row ? tooltipOf(row, data, counted) : "";
      } },
      visualMap: { type: "continuous", min: range[0], max: range[1], calculable: true,
                   orient: screen ? "vertical" : "horizontal", left: screen ? 10 : "center", bottom: 4,
                   itemHeight: screen ? px(0.08) : 140,
                   text: [data.indicator ? "" : L.score, ""],
                   formatter: function (v) { return data.indicator ? N.numberCn(v, m[0], m[1]) : v.toFixed(2); },
                   // Darker is better: a cost indicator's scale runs the other way.
                   inRange: { color: data.indicator && data.indicator.direction === "negative" ? PALETTE.slice().reverse() : PALETTE },
                   textStyle: { fontSize: font(11) } },
      series: [{ type: "map", map: spec.unit, roam: false, selectedMode: false,
                 layoutCenter: ["50%", "46%"], layoutSize: "88%",
                 label: { show: true, fontSize: font(11), color: screen ? "#fff" : "#222",
                          textBorderColor: screen ? "#071327" : "#fff", textBorderWidth: 2, formatter: function (p) {
                   var row = byCode[p.name];
                   return row ? row.name + (row.rank ? "\n" + row.shown : "") : "";
                 } },
                 emphasis: { label: { show: true }, itemStyle: { areaColor: "#ffd54f" } },
                 itemStyle: { borderColor: "#fff", borderWidth: 1 },
                 data: data.rows.map(function (row) { return { name: row.code, value: row.value }; }) }],
    }), { replaceMerge: ["series"] });
    ready("map", state.indicator);
  }

  function drawBars(name, rows, data, limit) {
    var c = chart(name);
    if (!c) { return; }
    var shown = rows.filter(function (r) { return r.rank != null; }).slice(0, limit || 40).reverse();
    c.setOption(base({
      tooltip: { trigger: "item", confine: true, formatter: function (p) { return tooltipOf(shown[p.dataIndex], data, shown.length); } },
      grid: { left: 8, right: 60, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", scale: !data.indicator, axisLabel: { fontSize: font(10), formatter: function (v) { return formatValue(v, data); } } },
      yAxis: { type: "category", axisLabel: { fontSize: font(11) }, data: shown.map(function (r) { return r.name; }) },
      series: [{ type: "bar", barMaxWidth: 18,
                 label: { show: true, position: "right", fontSize: font(10), formatter: function (p) { return shown[p.dataIndex].shown; } },
                 data: shown.map(function (r) { return { value: r.value, itemStyle: { color: LIGHTS[r.light] || "#2171b5" } }; }) }],
    }), { replaceMerge: ["series"] });
  }

  function loadMap() {
    var params = { indicator: state.indicator };
    setXlsx("map", "map.xlsx", params);
    return getJSON("/map", params).then(function (data) {
      state.map = data;
      var period = document.querySelector('[data-testid="map-period"]');
      if (period) { period.textContent = data.period ? L.period + " " + data.period + (data.run ? " · " + data.run.scheme : "") : L.no_data; }
      if (spec.map) {
        return geojson().then(function () { drawMap(data); });
      }
      drawBars("map", data.rows, data);
      ready("map", state.indicator);
      return null;
    }).catch(function () { failed("map"); });
  }

  // ---- A unit's towns and villages -------------------------------------------------------
  function drillTable(part, data) {
    var rows = part.rows.map(function (row) {
      return "<tr data-code=\"" + esc(row.code) + "\"><td>" + (row.rank || "") + "</td><td>" + esc(row.name) +
        "</td><td class=\"text-end\">" + esc(row.shown) + (row.provisional ? " *" : "") +
        "</td><td class=\"bqw-light-" + esc(row.light) + "\">" + esc(lightWord(row.light)) + "</td></tr>";
    });
    return "<table class=\"table table-sm small mb-0\"><thead><tr><th>" + esc(L.rank) + "</th><th>" + esc(part.label) +
      "</th><th class=\"text-end\">" + esc(data.indicator ? data.indicator.name : L.score) + "</th><th>" + esc(L.light) +
      "</th></tr></thead><tbody>" + rows.join("") + "</tbody></table>";
  }

  function loadDrill(code) {
    state.drill = code;
    var params = { indicator: state.indicator };
    setXlsx("drill", "units/" + code + ".xlsx", params);
    return getJSON("/units/" + encodeURIComponent(code), params).then(function (data) {
      var title = document.querySelector('[data-testid="drill-title"]');
      if (title && spec.map) { title.textContent = data.unit.name; }
      var hint = document.querySelector('[data-testid="drill-hint"]');
      if (hint) { hint.textContent = data.note || (data.period ? L.period + " " + data.period : ""); }
      var table = document.querySelector('[data-testid="drill-table"]');
      var first = data.parts[0];
      var last = data.parts[data.parts.length - 1];
      // Without a map the rows' bars stand beside this already: the table alone.
      var holder = document.getElementById("cockpit-drill");
      if (holder && !spec.map) { holder.hidden = true; table.classList.add("bqw-scroll-tall"); }
      if (first && spec.map) { drawBars("drill", first.rows, data, 30); } else if (charts.drill) { charts.drill.clear(); }
      if (table) { table.innerHTML = last ? drillTable(last, data) : ""; }
      ready("drill", code);
    }).catch(function () { failed("drill"); });
  }

  // ---- Trends, top and bottom, supervision, completeness -----------------------------------
  function loadTrends() {
    var params = { indicator: state.indicator };
    setXlsx("trends", "trends.xlsx", params);
    return getJSON("/trends", params).then(function (data) {
      var c = chart("trends");
      if (!c) { return; }
      var series = data.series.map(function (s) {
        return { name: s.name, type: "line", symbolSize: 4, lineStyle: { width: 1.5 }, data: s.values };
      });
      if (data.own) {
        series.unshift({ name: data.own.name, type: "line", symbolSize: 7, z: 5,
                         lineStyle: { width: 4, color: "#b71c1c" }, itemStyle: { color: "#b71c1c" }, data: data.own.values });
      }
      c.setOption(base({
        tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return formatValue(v, data); } },
        legend: { type: "scroll", top: 0, textStyle: { fontSize: font(11) } },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.periods, axisLabel: { fontSize: font(11) } },
        yAxis: { type: "value", scale: true, axisLabel: { fontSize: font(10), formatter: function (v) { return formatValue(v, data); } } },
        series: series,
      }), { replaceMerge: ["series"] });
      ready("trends", state.indicator);
    }).catch(function () { failed("trends"); });
  }

  function listItems(rows, data) {
    return rows.map(function (row) {
      return "<li data-code=\"" + esc(row.code) + "\">" + esc(row.name) + " <span class=\"v\">" + esc(row.shown) + "</span></li>";
    }).join("");
  }

  function loadRankings() {
    var params = { indicator: state.indicator === "score" ? "" : state.indicator };
    setXlsx("rankings", "rankings.xlsx", params);
    return getJSON("/rankings", params).then(function (data) {
      var by = document.querySelector('[data-testid="rankings-by"]');
      if (by) { by.textContent = (data.indicator ? data.indicator.name : L.score) + (data.period ? " · " + data.period : ""); }
      var top = document.querySelector('[data-list="top"]');
      var bottom = document.querySelector('[data-list="bottom"]');
      if (top) { top.innerHTML = listItems(data.top, data); }
      if (bottom) { bottom.innerHTML = listItems(data.bottom, data); }
      var lists = document.querySelector('[data-testid="rankings"]');
      if (lists) { lists.dataset.ready = state.indicator; }
    }).catch(function () {});
  }

  function loadSupervision() {
    setXlsx("supervision", "supervision.xlsx", {});
    setXlsx("overdue", "overdue.xlsx", {});
    return getJSON("/supervision").then(function (data) {
      var c = chart("supervision");
      if (!c) { return; }
      var names = data.rows.map(function (r) { return r.name; });
      var kinds = ["red", "yellow", "green", "done"];
      c.setOption(base({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
        legend: { top: 0, textStyle: { fontSize: font(11) } },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 8 ? 40 : 0, fontSize: font(11) } },
        yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: font(10) } },
        series: kinds.map(function (kind) {
          return { name: L["light_" + kind], type: "bar", stack: "lights", barMaxWidth: 28,
                   itemStyle: { color: LIGHTS[kind] }, data: data.rows.map(function (r) { return r[kind]; }) };
        }),
      }), { replaceMerge: ["series"] });
      var count = document.querySelector('[data-testid="overdue-count"]');
      if (count) { count.textContent = String(data.overdue_count); }
      var notices = document.querySelector('[data-testid="notices-awaiting"]');
      if (notices) { notices.textContent = L.notices + "：" + data.notices_awaiting; }
      var body = document.querySelector('[data-testid="overdue"] tbody');
      if (body) {
        body.innerHTML = data.overdue.map(function (o) {
          return "<tr><td class=\"text-nowrap\">" + esc(o.unit) + "</td><td>" + esc(o.task) + " " + esc(o.text) +
            "</td><td class=\"text-nowrap text-danger\">" + esc(o.why) + "</td></tr>";
        }).join("");
      }
      ready("supervision");
    }).catch(function () { failed("supervision"); });
  }

  function loadCompleteness() {
    setXlsx("completeness", "completeness.xlsx", {});
    return getJSON("/completeness").then(function (data) {
      var c = chart("completeness");
      if (!c) { return; }
      // The rows of every data set (a county's own report beside its towns' and villages'),
      // in the order they first appear.
      var codes = [];
      var names = [];
      data.datasets.forEach(function (d) {
        d.rows.forEach(function (r) {
          if (codes.indexOf(r.code) < 0) { codes.push(r.code); names.push(r.name); }
        });
      });
      c.setOption(base({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, valueFormatter: function (v) { return v == null ? N.MISSING : N.numberCn(v, "%"); } },
        legend: { type: "scroll", top: 0, textStyle: { fontSize: font(11) } },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 8 ? 40 : 0, fontSize: font(11) } },
        yAxis: { type: "value", max: 100, name: L.rate, nameTextStyle: { fontSize: font(10) }, axisLabel: { fontSize: font(10) } },
        series: data.datasets.map(function (d) {
          var rate = {};
          d.rows.forEach(function (r) { rate[r.code] = r.rate; });
          return { name: d.name + " " + d.period, type: "bar", barMaxWidth: 14,
                   data: codes.map(function (code) { return code in rate ? rate[code] : null; }) };
        }),
      }), { replaceMerge: ["series"] });
      ready("completeness");
    }).catch(function () { failed("completeness"); });
  }

  function loadSummary() {
    setXlsx("cards", "summary.xlsx", {});
    return getJSON("/summary").then(cardsUpdate).catch(function () {});
  }

  // ---- Downloads, events, refresh -----------------------------------------------------------
  document.querySelectorAll("[data-png]").forEach(function (button) {
    button.addEventListener("click", function () {
      var c = charts[button.dataset.png];
      if (!c) { return; }
      var link = document.createElement("a");
      link.href = c.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: screen ? "#071327" : "#fff" });
      link.download = spec.name + "-" + button.dataset.png + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });

  // One request after another: each request renews the session, and the server (SQLite in
  // development) serves them best in turn.
  function byIndicator() {
    return loadMap().then(loadTrends).then(function () {
      return state.drill ? loadDrill(state.drill) : null;
    }).then(loadRankings);
  }

  if (select) {
    select.addEventListener("change", function () {
      state.indicator = select.value;
      byIndicator();
    });
  }

  function loadAll() {
    return loadSummary().then(byIndicator).then(loadSupervision).then(loadCompleteness);
  }

  var initial = JSON.parse(document.getElementById("cockpit-summary").textContent);
  initial.cards.forEach(sparkline);
  if (!spec.map && spec.below) { state.drill = spec.unit; }
  if (chart("map") && spec.map) {
    chart("map").on("click", function (p) { if (p.name) { loadDrill(p.name); } });
  }
  byIndicator().then(loadSupervision).then(loadCompleteness);

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (name) { charts[name].resize(); });
  });

  if (screen) {
    var clock = document.getElementById("cockpit-clock");
    var format = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "long", day: "numeric", weekday: "long",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
    var tick = function () { clock.textContent = format.format(new Date()); };
    tick();
    setInterval(tick, 1000);
    setInterval(loadAll, REFRESH_MS);
  }
})();
