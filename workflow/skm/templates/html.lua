-- skm.render, HTML pass: wrap every table in <div class="table-wrap"> so that a wide table
-- scrolls sideways on a phone instead of widening the page.
function Table(tbl)
  return pandoc.Div({tbl}, pandoc.Attr("", {"table-wrap"}))
end
