/* The big screen (大屏): draws every panel from the payload the page embeds (#screen-data), then fetches
   the same payload again from <body data-url> every payload.refresh seconds and redraws in place.
   A panel without data says so (labels.no_data) instead of drawing a zero line. */
(function () {
  "use strict";

  var charts = {};
  var TEXT = "#e8eef8", MUTED = "#8fa5c6", LINE = "#1f3d6b";
  // A canvas font needs a real family list ("inherit" would drop the whole font back to 10px).
  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif';

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function num(value) {
    return value === null || value === undefined ? null : Number(value);
  }

  function fmt(value) {
    if (value === null || value === undefined || isNaN(value)) return "—";
    return Number(value).toLocaleString(document.documentElement.lang || "zh-CN", { maximumFractionDigits: 2 });
  }

  function empty(id, data) {
    var node = document.getElementById(id);
    if (charts[id]) { charts[id].dispose(); delete charts[id]; }
    node.replaceChildren(el("div", "empty", data.labels.no_data));
    node.setAttribute("data-empty", "true");
    node.removeAttribute("data-rendered");
  }

  function chart(id, option) {
    var node = document.getElementById(id);
    if (typeof echarts === "undefined") return;
    if (!charts[id]) {
      node.replaceChildren();
      charts[id] = echarts.init(node, null, { renderer: "canvas" });
    }
    option.animation = false;
    option.textStyle = { color: TEXT, fontSize: 20, fontFamily: FONT };
    charts[id].setOption(option, true);
    node.removeAttribute("data-empty");
    node.setAttribute("data-rendered", "true");
  }

  function axisStyle() {
    return {
      axisLabel: { color: MUTED, fontSize: 20 },
      axisLine: { lineStyle: { color: LINE } },
      splitLine: { lineStyle: { color: LINE } },
      nameTextStyle: { color: MUTED, fontSize: 20 }
    };
  }

  function withAxis(extra) {
    var axis = axisStyle();
    Object.keys(extra).forEach(function (key) { axis[key] = extra[key]; });
    return axis;
  }

  function kpis(data) {
    var node = document.getElementById("screen-kpis");
    if (!data.kpis.length) { node.replaceChildren(el("div", "empty", data.labels.no_data)); return; }
    var list = el("div", "kpi-list");
    data.kpis.forEach(function (row) {
      var item = el("div", "kpi-row");
      item.setAttribute("data-indicator", row.code);
      var head = el("div", "head");
      var label = el("div", "label");
      label.appendChild(el("div", "name", row.indicator));
      label.appendChild(el("div", "source", row.source));
      head.appendChild(label);
      head.appendChild(el("div", "value", row.actual));
      item.appendChild(head);
      if (row.completion !== null) {
        var bar = el("div", "bar");
        var fill = el("span");
        fill.style.width = Math.min(100, Number(row.completion)) + "%";
        var mark = el("i");
        mark.style.left = Math.min(100, Number(row.elapsed)) + "%";
        bar.appendChild(fill);
        bar.appendChild(mark);
        item.appendChild(bar);
      }
      var detail = el("div", "detail", data.labels.target + " " + row.target + " · " + data.labels.completion + " " + row.completion_text + " ");
      if (row.gap) detail.appendChild(el("span", row.behind ? "behind" : "", data.labels.gap + " " + row.gap));
      item.appendChild(detail);
      list.appendChild(item);
    });
    node.replaceChildren(list);
  }

  function signals(data) {
    var total = data.signals.reduce(function (sum, item) { return sum + item.count; }, 0);
    if (!total) return empty("screen-signals", data);
    chart("screen-signals", {
      legend: { bottom: 0, itemGap: 14, textStyle: { color: TEXT, fontSize: 20 } },
      series: [{
        type: "pie", radius: ["38%", "66%"], center: ["50%", "44%"], stillShowZeroSum: false,
        label: { color: TEXT, fontSize: 26, formatter: function (p) { return p.value ? String(p.value) : ""; } },
        labelLine: { show: true },
        data: data.signals.map(function (item) { return { name: item.label, value: item.count, itemStyle: { color: item.color } }; })
      }]
    });
  }

  function funnel(data) {
    if (!data.funnel.length) return empty("screen-funnel", data);
    var steps = data.funnel.length;
    chart("screen-funnel", {
      series: [{
        type: "funnel", sort: "none", left: "6%", width: "88%", top: 8, bottom: 8, minSize: "35%", gap: 4,
        // The widths keep the pools' order; the counts and investment are in the labels.
        label: {
          position: "inside", fontSize: 19, color: "#fff", lineHeight: 26,
          formatter: function (p) { return p.name + " " + fmt(p.data.count) + "\n" + p.data.investment; }
        },
        data: data.funnel.map(function (item, i) {
          return { name: item.label, value: steps - i, count: item.count, investment: item.investment };
        })
      }]
    });
  }

  function batches(data) {
    var rated = data.batches.filter(function (b) { return b.rate !== null; });
    if (!rated.length) return empty("screen-batches", data);
    var kinds = [], names = [];
    data.batches.forEach(function (b) {
      if (kinds.indexOf(b.kind) < 0) kinds.push(b.kind);
      if (names.indexOf(b.batch) < 0) names.push(b.batch);
    });
    chart("screen-batches", {
      color: ["#4fb3ff", "#3ec07d", "#f2c037", "#c58cff"],
      legend: { top: 0, textStyle: { color: TEXT, fontSize: 18 } },
      grid: { left: 8, right: 8, top: 44, bottom: 8, containLabel: true },
      xAxis: withAxis({ type: "category", data: kinds, axisLabel: { color: TEXT, fontSize: 16, interval: 0, width: 120, overflow: "break", lineHeight: 20 } }),
      yAxis: withAxis({ type: "value", max: 100, axisLabel: { color: MUTED, fontSize: 18, formatter: "{value}%" } }),
      series: names.map(function (name) {
        return {
          name: name, type: "bar", barMaxWidth: 40,
          label: {
            show: true, position: "top", color: TEXT, fontSize: 20,
            formatter: function (p) { return p.data && p.data.text ? p.data.text : ""; }
          },
          data: kinds.map(function (kind) {
            var b = data.batches.filter(function (x) { return x.batch === name && x.kind === kind; })[0];
            return b && b.rate !== null ? { value: num(b.rate), text: b.rate_text } : null;
          })
        };
      })
    });
  }

  function trend(data) {
    if (!data.trend) return empty("screen-trend", data);
    var t = data.trend;
    chart("screen-trend", {
      grid: { left: 12, right: 24, top: 76, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { color: TEXT, fontSize: 20 }, data: [t.labels.actual, t.labels.planned] },
      tooltip: { trigger: "axis" },
      xAxis: withAxis({ type: "category", data: t.months }),
      yAxis: withAxis({ type: "value", name: t.labels.unit }),
      series: [
        { name: t.labels.actual, type: "line", data: t.actual.map(num), symbolSize: 10, lineStyle: { width: 4 }, itemStyle: { color: "#4fb3ff" }, areaStyle: { opacity: 0.15 } },
        { name: t.labels.planned, type: "line", data: t.planned.map(num), lineStyle: { type: "dashed", width: 3 }, itemStyle: { color: "#f2c037" } }
      ]
    });
  }

  function table(id, rows, cells, data) {
    var node = document.getElementById(id);
    if (!rows.length) { node.replaceChildren(el("div", "empty", data.labels.no_data)); return; }
    var tbody = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr");
      cells(row).forEach(function (cell) {
        var td = el("td", cell[0], cell[1]);
        td.title = cell[1];
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    var tableNode = el("table", "screen-table");
    tableNode.appendChild(tbody);
    node.replaceChildren(tableNode);
  }

  function approvals(data) {
    var node = document.getElementById("screen-approvals");
    if (!data.approvals.length) { node.replaceChildren(el("div", "empty", data.labels.no_data)); return; }
    var list = el("ul", "approval-list");
    data.approvals.forEach(function (r) {
      var item = el("li");
      var name = el("div", "name", r.project);
      name.title = r.project;
      item.appendChild(name);
      item.appendChild(el("div", "detail", r.period + " · " + r.amount + (r.stage ? " · " + r.stage : "")));
      list.appendChild(item);
    });
    node.replaceChildren(list);
  }

  // A wall display cannot scroll: a list that does not fit first tightens, then shows only the rows that fit.
  function fit(id) {
    var node = document.getElementById(id);
    var list = node.firstElementChild;
    if (list && list.tagName === "TABLE") list = list.tBodies[0];
    if (!list || node.scrollHeight <= node.clientHeight) return;
    list.classList.add("dense");
    while (node.scrollHeight > node.clientHeight && list.children.length > 1) list.removeChild(list.lastElementChild);
  }

  function draw(data) {
    document.getElementById("screen-as-of").textContent = data.as_of || "—";
    document.getElementById("screen-elapsed").textContent = data.elapsed || "—";
    document.getElementById("screen-updated").textContent = data.generated_at;
    document.getElementById("screen-ranking-title").textContent = data.ranking.title;
    kpis(data);
    trend(data);
    signals(data);
    funnel(data);
    batches(data);
    table("screen-ranking", data.ranking.rows, function (r) {
      return [["rank", String(r.rank)], ["name", r.name], ["num", r.completion]];
    }, data);
    approvals(data);
    ["screen-kpis", "screen-ranking", "screen-approvals"].forEach(fit);
  }

  function refresh(url, stale) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) { stale.hidden = true; draw(data); })
      .catch(function () { stale.hidden = false; });
  }

  // A laptop or a phone sees the whole 1920×1080 wall scaled down to its window, never a page to scroll.
  function scaleToWindow() {
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080, 1);
    document.body.style.transform = scale < 1 ? "scale(" + scale + ")" : "";
  }

  function start() {
    scaleToWindow();
    var source = document.getElementById("screen-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    draw(data);
    var url = document.body.getAttribute("data-url");
    var stale = document.getElementById("screen-stale");
    window.setInterval(function () { refresh(url, stale); }, Math.max(10, data.refresh) * 1000);
    window.addEventListener("resize", function () {
      scaleToWindow();
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
