/* σ convergence of a run's scores across its periods as a line, with β and its p-value
   in the title. The data comes from the page (json_script "trend-data"). */
(function () {
  "use strict";
  const holder = document.getElementById("trend-chart");
  const source = document.getElementById("trend-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const beta = holder.dataset.beta;
  const chart = echarts.init(holder);
  chart.setOption({
    animation: false,
    title: { text: beta ? "β = " + Number(beta).toFixed(4) + ", p = " + Number(holder.dataset.betaP).toFixed(4) : "", left: "center", textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.periods },
    yAxis: { type: "value", name: "σ", scale: true },
    series: [{ name: "σ", type: "line", data: data.sigma, smooth: false, symbolSize: 8 }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
