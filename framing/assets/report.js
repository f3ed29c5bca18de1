(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var open = null;
  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function each(list, callback) { Array.prototype.forEach.call(list, callback); }
  function webAddress(url) { return typeof url === "string" && /^https?:\/\/[^\s"'<>`]+$/i.test(url) ? url : null; }
  function closeEvidence(returnFocus) {
    if (!open) { return; }
    open.row.parentNode.removeChild(open.row);
    open.button.setAttribute("aria-expanded", "false");
    open.tableRow.classList.remove("open");
    if (returnFocus) { open.button.focus(); }
    open = null;
  }
  function sentence(index) {
    var row = data.rows[index], article = data.articles[row[0]] || {};
    var item = make("li"), line = make("p", "kwic-line"), source = make("p", "source");
    line.appendChild(make("span", "left", row[1]));
    line.appendChild(make("mark", null, row[2]));
    line.appendChild(make("span", "right", row[3]));
    if (row[4]) { source.appendChild(make("span", "badge voice-" + row[4].replace(/[^a-z_]+/gi, "-"), row[4])); }
    var url = webAddress(article.url), id;
    if (url) {
      id = make("a", "article", row[0]);
      id.href = url;
      id.rel = "noopener noreferrer";
      id.title = "Open the article (leaves this page)";
    } else {
      id = make("span", "article", row[0]);
    }
    source.appendChild(id);
    source.appendChild(make("span", "outlet", article.outlet || ""));
    if (article.date) { source.appendChild(make("span", "date", article.date)); }
    if (row[5]) { source.appendChild(make("span", "speaker", "speaker: " + row[5])); }
    if (article.title) { source.appendChild(make("span", "title", article.title)); }
    if (article.meta) { source.appendChild(make("span", "meta", article.meta)); }
    item.appendChild(line);
    item.appendChild(source);
    return item;
  }
  function openEvidence(button) {
    var key = button.getAttribute("data-ev"), evidence = data.evidence[key];
    var tableRow = button.closest("tr");
    if (!evidence || !tableRow) { return; }
    var row = make("tr", "evidence-row"), cell = make("td"), panel = make("section", "evidence");
    cell.colSpan = tableRow.cells.length;
    panel.id = "evidence-" + key;
    panel.setAttribute("aria-label", "Sentences behind " + evidence.label);
    var head = make("div", "evidence-head"), close = make("button", "evidence-close", "Close");
    close.type = "button";
    close.addEventListener("click", function () { closeEvidence(true); });
    head.appendChild(make("h4", null, evidence.label));
    head.appendChild(make("p", "evidence-count", evidence.summary));
    head.appendChild(close);
    var list = make("ol", "kwic");
    each(evidence.rows, function (index) { list.appendChild(sentence(index)); });
    panel.appendChild(head);
    panel.appendChild(list);
    cell.appendChild(panel);
    row.appendChild(cell);
    tableRow.parentNode.insertBefore(row, tableRow.nextSibling);
    tableRow.classList.add("open");
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", panel.id);
    open = {button: button, row: row, tableRow: tableRow};
    if (row.scrollIntoView) { row.scrollIntoView({block: "nearest"}); }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.count") : null;
    if (!button) { return; }
    var same = open && open.button === button;
    closeEvidence(false);
    if (!same) { openEvidence(button); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) { closeEvidence(true); }
  });
  function cellKey(cell, numeric) {
    if (!numeric) { return cell.textContent.trim().toLowerCase(); }
    var value = cell.getAttribute("data-v");
    return value === null ? null : parseFloat(value);
  }
  each(document.querySelectorAll("table.data"), function (table) {
    var headers = table.tHead.rows[0].cells;
    each(headers, function (header, column) {
      var button = header.querySelector("button.sort");
      button.addEventListener("click", function () {
        closeEvidence(false);
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        var numeric = header.getAttribute("data-type") === "number";
        each(headers, function (other) { other.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var keyed = rows.map(function (row, index) { return [cellKey(row.cells[column], numeric), index, row]; });
        keyed.sort(function (a, b) {
          if (a[0] === b[0]) { return a[1] - b[1]; }
          if (a[0] === null) { return 1; }
          if (b[0] === null) { return -1; }
          var order = numeric ? a[0] - b[0] : a[0].localeCompare(b[0]);
          return (ascending ? order : -order) || a[1] - b[1];
        });
        keyed.forEach(function (item) { body.appendChild(item[2]); });
      });
    });
  });
  if ("IntersectionObserver" in window) {
    var links = {};
    each(document.querySelectorAll("nav.toc a"), function (link) { links[link.getAttribute("href").slice(1)] = link; });
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var link = links[entry.target.id];
        if (!entry.isIntersecting || !link) { return; }
        each(document.querySelectorAll("nav.toc a[aria-current]"), function (other) {
          other.removeAttribute("aria-current");
        });
        link.setAttribute("aria-current", "true");
      });
    }, {rootMargin: "0px 0px -70% 0px"});
    each(document.querySelectorAll("section.part"), function (section) { observer.observe(section); });
  }
  each(document.querySelectorAll(".filters"), function (box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    var selects = box.querySelectorAll("select"), status = box.querySelector(".filter-status");
    function apply() {
      closeEvidence(false);
      var rows = table.tBodies[0].rows, shown = 0;
      each(rows, function (row) {
        var keep = Array.prototype.every.call(selects, function (select) {
          return !select.value || row.cells[+select.getAttribute("data-col")].textContent === select.value;
        });
        row.hidden = !keep;
        shown += keep ? 1 : 0;
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " rows";
    }
    each(selects, function (select) { select.addEventListener("change", apply); });
  });
}());
