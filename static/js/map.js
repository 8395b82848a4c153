/* The project map (/map/): the district's boundaries, served by the portal itself, registered with ECharts;
   projects as points (colour: signal, size: total investment), parks as diamonds, regions shaded by the
   selected projects' investment. A click on a project opens its page. */
(function () {
  "use strict";

  var SIGNAL_COLOURS = { green: "#2f8f5b", yellow: "#d9a521", red: "#c23531", "": "#6b7a8f" };
  var MAP_NAME = "portal-district";

  function esc(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function fmt(value) {
    return Number(value || 0).toLocaleString(document.documentElement.lang || "zh-CN", { maximumFractionDigits: 2 });
  }

  function size(investment, largest) {
    // Area grows with investment: the radius with its square root, between 8 and 30 px.
    if (!largest) return 10;
    return 8 + 22 * Math.sqrt(Math.max(investment, 0) / largest);
  }

  // Projects without a point of their own share their park's or region's point: spread them on a small
  // sunflower around it so each stays visible and clickable (their tooltips say where they stand in for).
  function spread(points) {
    var seen = {};
    return points.map(function (p) {
      if (p.placed === "project") return p;
      var key = p.value.join(",");
      var n = seen[key] = (seen[key] || 0) + 1;
      if (n === 1) return p;
      var radius = 0.004 * Math.sqrt(n - 1), angle = (n - 1) * 2.39996;
      var shifted = Object.assign({}, p);
      shifted.value = [
        p.value[0] + radius * Math.cos(angle) / Math.cos(p.value[1] * Math.PI / 180),
        p.value[1] + radius * Math.sin(angle)
      ];
      return shifted;
    });
  }

  function option(data) {
    var labels = data.labels;
    var largest = data.projects.reduce(function (m, p) { return Math.max(m, p.investment); }, 0);
    var regionMax = data.regions.reduce(function (m, r) { return Math.max(m, r.value); }, 0);
    return {
      animation: false,
      textStyle: { fontFamily: "inherit" },
      tooltip: {
        confine: true,
        formatter: function (p) {
          var d = p.data || {};
          if (p.seriesId === "projects") {
            return "<strong>" + esc(d.name) + "</strong><br>" + esc(d.signal_label) + " · " + esc(labels.investment) +
              " " + fmt(d.investment) + " " + esc(labels.wan) + (d.placed_note ? "<br><em>" + esc(d.placed_note) + "</em>" : "");
          }
          if (p.seriesId === "parks") {
            return "<strong>" + esc(d.name) + "</strong>" + (d.placed_note ? "<br><em>" + esc(d.placed_note) + "</em>" : "");
          }
          if (p.seriesId === "regions") {
            return "<strong>" + esc(p.name) + "</strong><br>" + esc(labels.region_investment) + " " + fmt(d.value) +
              "<br>" + esc(labels.count) + " " + fmt(d.count);
          }
          return esc(p.name);
        }
      },
      visualMap: {
        type: "continuous", seriesIndex: 0, min: 0, max: regionMax || 1, calculable: false,
        left: 8, bottom: 8, itemHeight: 90, text: [fmt(regionMax), "0"],
        inRange: { color: ["#eef2f7", "#9db7d9", "#1f4e8c"] }
      },
      geo: {
        map: MAP_NAME, roam: true, layoutCenter: ["50%", "50%"], layoutSize: "95%",
        label: { show: true, fontSize: 10, color: "#333" },
        itemStyle: { borderColor: "#8795a8", areaColor: "#f6f8fb" },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#dfe7f2" } }
      },
      series: [
        { id: "regions", type: "map", geoIndex: 0, data: data.regions },
        {
          id: "parks", name: labels.parks, type: "scatter", coordinateSystem: "geo", symbol: "diamond",
          symbolSize: 12, itemStyle: { color: "#8c5fb3", borderColor: "#fff" }, z: 3, data: data.parks
        },
        {
          id: "projects", name: labels.projects, type: "scatter", coordinateSystem: "geo", z: 4,
          itemStyle: { opacity: 0.85, borderColor: "#fff", borderWidth: 1 },
          data: spread(data.projects).map(function (p) {
            var point = Object.assign({}, p);
            point.symbolSize = size(p.investment, largest);
            point.itemStyle = { color: SIGNAL_COLOURS[p.signal] || SIGNAL_COLOURS[""] };
            return point;
          })
        }
      ]
    };
  }

  function draw(node) {
    var source = document.getElementById(node.dataset.source);
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    fetch(node.dataset.boundaries, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (geojson) {
        window.echarts.registerMap(MAP_NAME, geojson);
        var chart = window.echarts.init(node);
        chart.setOption(option(data));
        chart.on("click", function (p) {
          if (p.seriesId === "projects" && p.data && p.data.url) window.location.assign(p.data.url);
        });
        window.addEventListener("resize", function () { chart.resize(); });
        node.dataset.ready = "true";
      })
      .catch(function () {
        node.dataset.ready = "failed";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("project-map");
    if (node) draw(node);
  });
})();
