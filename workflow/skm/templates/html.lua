-- skm.render, HTML pass: wrap every table in <div class="table-wrap"> so that a wide table
-- scrolls sideways on a phone instead of widening the page; Quarto's fig-alt as the alt text.

local shared = dofile(pandoc.path.join({pandoc.path.directory(PANDOC_SCRIPT_FILE), "shared.lua"}))

return {
  {
    Table = function(tbl)
      return pandoc.Div({tbl}, pandoc.Attr("", {"table-wrap"}))
    end,
    Image = shared.fig_alt,
  },
}
