/* Table Schema editor of the resource form: adds and removes column rows.
 * Without JavaScript the form still works: it always ends with one empty
 * row, and a column is removed by emptying its row. */
this.ckan.module('magetan-table-schema', function ($) {
  return {
    initialize: function () {
      var el = this.el;
      var next = 0;  // row numbers only need to be new; the server sorts them
      el.find('tbody input').each(function () {
        var number = parseInt((this.name.match(/-(\d+)-/) || [])[1], 10);
        next = Math.max(next, (number || 0) + 1);
      });
      el.on('click', '[data-action="add-row"]', function () {
        var body = el.find('tbody');
        var row = body.find('tr').last().clone();
        var index = next++;
        row.find('input, select').each(function () {
          this.name = this.name.replace(/-\d+-/, '-' + index + '-');
          // a new column is text, with no code list
          this.value = /-type$/.test(this.name) ? 'string' : '';
        });
        body.append(row);
        row.find('input[type="text"]').first().trigger('focus');
      });
      el.on('click', '[data-action="remove-row"]', function () {
        var row = $(this).closest('tr');
        if (el.find('tbody tr').length > 1) {
          row.remove();
        } else {
          row.find('input').val('');
        }
      });
    }
  };
});
