-- skm.render, shared by the Lua filters (loaded with dofile).
--
-- fig_alt: Quarto's image attribute fig-alt becomes the image's description, which pandoc's
-- writers use as alt text (the HTML alt, the DOCX description; typst.lua for the PDF).
--
-- text_width: a text's width in average characters (CHAR_PT each).
--
-- fit_widths / auto_widths: column widths that fit the longest word. Relative column widths
-- (pandoc derives them from the dashes of a long pipe table) can be narrower than the longest
-- word of a column ("Kode", "68"), which then overflows into the next cell (PDF) or is broken
-- inside the word ("N|o.", DOCX). Widen such columns to fit their longest word and shrink the
-- others in proportion. The estimate assumes the templates' table text (9.5 pt Noto Sans in
-- the PDF, 10 pt in the DOCX, bold header) on an A4 page with 2.5 cm margins.

local M = {}

M.ZWSP = utf8.char(0x200B)
M.TEXT_WIDTH_PT = 453.5
M.CHAR_PT = 5.7
M.INSET_PT = 12

local ZWSP, TEXT_WIDTH_PT, CHAR_PT, INSET_PT = M.ZWSP, M.TEXT_WIDTH_PT, M.CHAR_PT, M.INSET_PT
local MAX_WORD = 24  -- longer words get zero-width spaces in the PDF (typst.lua break_long)

local BOLD = 1.1  -- header cells are bold, hence wider

-- Width of a text in average characters (CHAR_PT): capitals and m/w are wider, i/l/t and
-- punctuation narrower ("TW" needs more room than "tw").
local WIDE = {M = 1.45, W = 1.45, m = 1.45, w = 1.3}
local NARROW = "[iljtfrI%.,:;'!|%(%)%[%]/ ]"

local function text_width(text)
  local n = 0
  for _, code in utf8.codes(text) do
    local ch = utf8.char(code)
    if WIDE[ch] then
      n = n + WIDE[ch]
    elseif ch:match(NARROW) then
      n = n + 0.6
    elseif ch:match("%u") then
      n = n + 1.25
    else
      n = n + 1
    end
  end
  return n
end

-- Per column, in characters: the longest word (a column narrower than that breaks inside the
-- word) and the longest cell (the width at which every cell fits on one line).
local function measure(tbl, ncol)
  local word_need, line_need = {}, {}
  for i = 1, ncol do
    word_need[i], line_need[i] = 0, 0
  end
  local function scan(rows, factor)
    for _, row in ipairs(rows) do
      local col = 1
      for _, cell in ipairs(row.cells) do
        if cell.col_span == 1 and col <= ncol then
          local text = pandoc.utils.stringify(cell.contents):gsub(ZWSP, " ")
          -- A line may break after "/" ("Program/Kegiatan"; Unicode line breaking, class SY).
          for word in text:gmatch("[^%s/]+/?") do
            local n = math.min(text_width(word), MAX_WORD) * factor
            word_need[col] = math.max(word_need[col], n)
          end
          line_need[col] = math.max(line_need[col], text_width(text) * factor)
        end
        col = col + cell.col_span
      end
    end
  end
  scan(tbl.head.rows, BOLD)
  for _, body in ipairs(tbl.bodies) do
    scan(body.head, BOLD)
    scan(body.body, 1)
  end
  scan(tbl.foot.rows, 1)
  return word_need, line_need
end

-- The relative widths of a table's columns and their sum; nil when pandoc left them automatic.
local function relative_widths(tbl)
  local widths, total = {}, 0
  for i, spec in ipairs(tbl.colspecs) do
    local w = spec[2]
    if type(w) ~= "number" or w <= 0 then
      return nil, 0
    end
    widths[i] = w
    total = total + w
  end
  return widths, total
end

local function fit_widths(tbl)
  local ncol = #tbl.colspecs
  local widths, total = relative_widths(tbl)
  if widths == nil then
    return tbl  -- automatic widths: Typst sizes auto columns to their content
  end
  local need = measure(tbl, ncol)
  local min, sum_min = {}, 0
  for i = 1, ncol do
    min[i] = (need[i] * CHAR_PT + INSET_PT) / TEXT_WIDTH_PT * total
    sum_min = sum_min + min[i]
  end
  if sum_min >= total then
    for i = 1, ncol do
      widths[i] = min[i] / sum_min * total
    end
  else
    local fixed = {}
    for _ = 1, ncol + 1 do  -- each pass fixes at least one column, or ends
      local fixed_sum, free_sum = 0, 0
      for i = 1, ncol do
        if fixed[i] then fixed_sum = fixed_sum + min[i] else free_sum = free_sum + widths[i] end
      end
      local scale = free_sum > 0 and (total - fixed_sum) / free_sum or 1
      local changed = false
      for i = 1, ncol do
        if not fixed[i] and widths[i] * scale < min[i] then
          fixed[i] = true
          changed = true
        end
      end
      if not changed then
        for i = 1, ncol do
          widths[i] = fixed[i] and min[i] or widths[i] * scale
        end
        break
      end
    end
  end
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = {spec[1], widths[i]}
  end
  return tbl
end

-- A table without widths (pandoc leaves the layout to the reader) gets the widths an automatic
-- layout would give: each column as wide as its longest cell, the table no wider than its
-- content; when that is wider than the page, the page width shared in proportion, each column
-- still fitting its longest word. For writers that do not size columns to their content
-- (DOCX: LibreOffice shares the page width equally).
local function auto_widths(tbl)
  local ncol = #tbl.colspecs
  if relative_widths(tbl) ~= nil then
    return tbl
  end
  local _, line_need = measure(tbl, ncol)
  local widths, total = {}, 0
  for i = 1, ncol do
    widths[i] = (line_need[i] * CHAR_PT + INSET_PT) / TEXT_WIDTH_PT
    total = total + widths[i]
  end
  local scale = total > 1 and 1 / total or 1
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = {spec[1], widths[i] * scale}
  end
  return tbl  -- then fit_widths, for the shared case
end

local function fig_alt(img)
  local alt = img.attributes["fig-alt"]
  if alt == nil then
    return nil
  end
  img.caption = pandoc.Inlines(alt)  -- the description, which every writer uses as alt text
  img.attributes["fig-alt"] = nil
  return img
end

M.fig_alt = fig_alt
M.measure = measure
M.text_width = text_width
M.relative_widths = relative_widths
M.fit_widths = fit_widths
M.auto_widths = auto_widths
return M
