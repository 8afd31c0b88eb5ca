(function () {
  var table = document.getElementById('agencies');
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function key(td) { return td.getAttribute('data-v') || td.textContent; }
  Array.prototype.forEach.call(heads, function (th, col) {
    if (th.classList.contains('nosort')) return;
    th.addEventListener('click', function () {
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a.cells[col]), y = key(b.cells[col]);
        var nx = parseFloat(x), ny = parseFloat(y);
        if (x === '' && y !== '') return 1;
        if (y === '' && x !== '') return -1;
        if (!isNaN(nx) && !isNaN(ny)) return (nx - ny) * dir;
        return x.localeCompare(y, 'zh-CN') * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var q = document.getElementById('q'), st = document.getElementById('status'),
      err = document.getElementById('errors-only'), copied = document.getElementById('copied-only'),
      count = document.getElementById('count');
  function filter() {
    var text = q.value.trim().toLowerCase(), shown = 0;
    Array.prototype.forEach.call(body.rows, function (r) {
      var ok = (!text || r.getAttribute('data-search').indexOf(text) >= 0) &&
               (!st.value || r.getAttribute('data-status') === st.value) &&
               (!err.checked || r.getAttribute('data-errors') !== '0') &&
               (!copied.checked || r.getAttribute('data-copied') === '1');
      r.style.display = ok ? '' : 'none';
      if (ok) shown++;
    });
    count.textContent = '显示 ' + shown + ' / ' + body.rows.length + ' 个机关';
  }
  [q, st, err, copied].forEach(function (el) { el.addEventListener('input', filter); });
  [err, copied].forEach(function (el) { el.addEventListener('change', filter); });
  filter();
})();
