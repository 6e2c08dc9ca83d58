-- skm.render, DOCX pass (widths.lua): table columns at least as wide as their longest word, so
-- that Word and LibreOffice do not break "No." or "2023" inside the word; tables without
-- widths sized to their content, as the PDF sizes them, instead of split into equal columns.

local widths = dofile(pandoc.path.join({pandoc.path.directory(PANDOC_SCRIPT_FILE), "widths.lua"}))

return {
  {Table = function(tbl) return widths.fit_widths(widths.auto_widths(tbl)) end},
}
