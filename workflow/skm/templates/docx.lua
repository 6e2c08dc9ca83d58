-- skm.render, DOCX pass (shared.lua): table columns at least as wide as their longest word, so
-- that Word and LibreOffice do not break "No." or "2023" inside the word; tables without
-- widths sized to their content, as the PDF sizes them, instead of split into equal columns;
-- Quarto's fig-alt as the image description.

local shared = dofile(pandoc.path.join({pandoc.path.directory(PANDOC_SCRIPT_FILE), "shared.lua"}))

return {
  {Table = function(tbl) return shared.fit_widths(shared.auto_widths(tbl)) end,
   Image = shared.fig_alt},
}
