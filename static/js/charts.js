/* The portal's charts: each <div data-chart="kind" data-source="json-id"> is drawn with ECharts
   from the JSON the page embeds; clicking a bar or point opens the page it came from. */
(function () {
  "use strict";

  var PALETTE = ["#1f4e8c", "#c23531", "#d9a521", "#2f8f5b", "#6b7a8f", "#8c5fb3"];

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function num(value) {
    return value === null || value === undefined ? null : Number(value);
  }

  // Tooltips are HTML; names and labels come from data staff can edit, so they are escaped.
  function esc(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function fmt(value) {
    if (value === null || value === undefined || isNaN(value)) return "—";
    return Number(value).toLocaleString(document.documentElement.lang || "zh-CN", { maximumFractionDigits: 2 });
  }

  function base() {
    return {
      color: PALETTE,
      animation: false,
      textStyle: { fontFamily: "inherit" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      tooltip: { confine: true }
    };
  }

  var renderers = {
    // Completion of each key target beside the share of the year gone by (序时进度).
    completion: function (data) {
      var option = base();
      option.legend = { top: 0, data: [data.labels.completion, data.labels.elapsed] };
      option.tooltip.trigger = "axis";
      option.tooltip.valueFormatter = function (v) { return fmt(v) + "%"; };
      option.xAxis = { type: "value", axisLabel: { formatter: "{value}%" } };
      option.yAxis = { type: "category", data: data.categories, inverse: true };
      option.series = [
        {
          name: data.labels.completion, type: "bar", barMaxWidth: 22,
          data: data.completion.map(function (v, i) { return { value: num(v), url: data.urls[i] }; })
        },
        { name: data.labels.elapsed, type: "bar", data: data.elapsed.map(num), barMaxWidth: 22, itemStyle: { color: "#b8c4d6" } }
      ];
      return option;
    },
    // Cumulative investment month by month against the target spread evenly over the year.
    trend: function (data) {
      var option = base();
      option.legend = { top: 0, data: [data.labels.actual, data.labels.planned] };
      option.tooltip.trigger = "axis";
      option.tooltip.valueFormatter = function (v) { return fmt(v) + " " + data.labels.unit; };
      option.xAxis = { type: "category", data: data.months };
      option.yAxis = { type: "value", name: data.labels.unit };
      option.series = [
        { name: data.labels.actual, type: "line", data: data.actual.map(num), connectNulls: false, areaStyle: { opacity: 0.08 } },
        { name: data.labels.planned, type: "line", data: data.planned.map(num), lineStyle: { type: "dashed" }, itemStyle: { color: "#8a96a8" } }
      ];
      return option;
    },
    // 红黄绿灯: how many projects carry each signal.
    signals: function (data) {
      var option = base();
      option.tooltip.trigger = "item";
      option.legend = { bottom: 0 };
      option.series = [{
        type: "pie",
        radius: ["45%", "70%"],
        // With no signals set yet an all-zero pie must not draw three equal slices.
        stillShowZeroSum: false,
        data: data.items.map(function (item) {
          return { name: item.label, value: item.count, url: item.url, itemStyle: { color: item.color } };
        }),
        label: { formatter: "{b}: {c}" }
      }];
      return option;
    },
    // 四库: the funnel of pools; the tooltip shows count and investment, a click lists the projects.
    funnel: function (data) {
      var option = base();
      var steps = data.items.length;
      option.tooltip.trigger = "item";
      option.tooltip.formatter = function (p) {
        return esc(p.name) + "<br>" + esc(data.labels.count) + ": " + fmt(p.data.count) + "<br>" +
          esc(data.labels.investment) + ": " + esc(p.data.investment);
      };
      option.series = [{
        type: "funnel",
        sort: "none",
        left: "10%",
        width: "80%",
        minSize: "30%",
        // The funnel keeps its shape by pool order; the counts are in the labels, not the widths,
        // so an empty pool does not pinch the funnel shut.
        label: { position: "inside", formatter: function (p) { return p.name + "\n" + fmt(p.data.count); } },
        data: data.items.map(function (item, i) {
          return { name: item.label, value: steps - i, count: item.count, investment: item.investment, url: item.url };
        })
      }];
      return option;
    },
    // 三个一批: each batch's computed rate beside every rate a report printed, one bar group per rate;
    // the tooltip gives the formula.
    batches: function (data) {
      var option = base();
      option.legend = { top: 0, type: "scroll" };
      option.grid.top = 48;
      option.tooltip.trigger = "axis";
      option.tooltip.formatter = function (params) {
        var index = params.length ? params[0].dataIndex : 0;
        var lines = ["<b>" + esc(data.categories[index]) + "</b>", esc(data.formulas[index])];
        params.forEach(function (p) {
          if (p.value !== null && p.value !== undefined) lines.push(p.marker + esc(p.seriesName) + ": " + fmt(p.value) + "%");
        });
        return lines.join("<br>");
      };
      option.xAxis = { type: "category", data: data.categories, axisLabel: { interval: 0 } };
      option.yAxis = { type: "value", axisLabel: { formatter: "{value}%" }, max: 100 };
      option.series = data.series.map(function (s) {
        return {
          name: s.name, type: "bar", barMaxWidth: 32, data: s.data.map(num),
          label: { show: true, position: "top", formatter: function (p) { return p.value === null ? "" : fmt(p.value) + "%"; } }
        };
      });
      return option;
    },
    // One project: planned investment spread over its schedule against cumulative approved reports.
    investment: function (data) {
      return renderers.trend(data);
    }
  };

  function draw(node) {
    var data = read(node.getAttribute("data-source"));
    var render = renderers[node.getAttribute("data-chart")];
    if (!data || !render || typeof echarts === "undefined") return;
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(render(data));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) window.location.href = url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
    node.setAttribute("data-rendered", "true");
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
