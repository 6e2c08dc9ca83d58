-- skm.render, HTML pass: readable on a phone.
--
-- Tables: wrapped in <div class="table-wrap"> so that a wide table scrolls sideways inside the
-- wrapper instead of widening the page. The caption is taken out of the table and set above
-- the wrapper (a caption inside a scrolled table is cut off with it); the table keeps the
-- caption as its accessible name (aria-labelledby) and the caption carries the table's id, so
-- a cross-reference shows it. A table estimated wider than a phone screen (the sum of its
-- columns' longest words, shared.lua; on the safe side) gets a cue under the caption that it
-- may scroll, shown on narrow screens only (style.css); the wrapper also draws an edge shadow
-- while it can scroll.
--
-- Figures: a PNG with an SVG twin next to it (skm.report.figures.save, carried by skm.render.kernel) is
-- shown as the SVG: sharp at any zoom. Its alt text is kept (an <img alt>, which pandoc's own
-- SVG output replaces with aria-label). On a narrow screen the figure keeps its printed width
-- (16 cm, so that its 7-8 pt text stays readable) and scrolls sideways, with a cue.
-- Quarto's fig-alt as the alt text (shared.lua).

local shared = dofile(pandoc.path.join({pandoc.path.directory(PANDOC_SCRIPT_FILE), "shared.lua"}))

local PHONE_TEXT_PX = 320   -- a table estimated wider may not fit a 390 px screen (estimate ± 15 %)
local CHAR_PX = 7.2         -- one average character of the 0.82rem table text
local CELL_PAD_PX = 12      -- padding and border of one cell on a narrow screen

local TABLE_CUE = "Bila tidak semua kolom tampak, geser tabel ke samping."
local FIGURE_CUE = "Geser gambar ke samping untuk melihat seluruhnya; perbesar untuk membaca."

local function html_escape(text)
  return (text:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then
    f:close()
    return true
  end
  return false
end

local function wider_than_phone(tbl)
  local need = shared.measure(tbl, #tbl.colspecs)
  local px = 0
  for i = 1, #tbl.colspecs do
    px = px + (need[i] or 0) * CHAR_PX + CELL_PAD_PX
  end
  return px > PHONE_TEXT_PX
end

local captions = 0

local function wrap_table(tbl)
  local blocks = pandoc.Blocks({})
  local cap_id = nil
  local long = tbl.caption and tbl.caption.long or {}
  if #long > 0 then
    captions = captions + 1
    cap_id = tbl.identifier ~= "" and tbl.identifier or ("tabel-" .. captions)
    blocks:insert(pandoc.Div(long, pandoc.Attr(cap_id, {"table-caption"})))
    tbl.caption = pandoc.Caption({})
    tbl.identifier = ""
    tbl.attributes["aria-labelledby"] = cap_id
  end
  local classes = {"table-wrap"}
  if wider_than_phone(tbl) then
    classes[#classes + 1] = "table-wide"
    blocks:insert(pandoc.Div({pandoc.Plain({pandoc.Str(TABLE_CUE)})},
      pandoc.Attr("", {"scroll-cue"}, {["aria-hidden"] = "true"})))
  end
  local attrs = {{"tabindex", "0"}}  -- a list of pairs: a Lua table's key order is random
  if cap_id then
    attrs[#attrs + 1] = {"role", "region"}
    attrs[#attrs + 1] = {"aria-labelledby", cap_id}
  end
  blocks:insert(pandoc.Div({tbl}, pandoc.Attr("", classes, attrs)))
  return blocks
end

local function svg_twin(src)
  if not src:match("%.[pP][nN][gG]$") or src:match("^%a[%w+.-]*:") then
    return nil
  end
  local svg = src:sub(1, -5) .. ".svg"
  if pandoc.path.is_absolute(svg) then
    return exists(svg) and svg or nil
  end
  for _, dir in ipairs(PANDOC_STATE.resource_path) do
    local candidate = pandoc.path.normalize(pandoc.path.join({dir, svg}))
    if exists(candidate) then
      return candidate
    end
  end
  return nil
end

local function image(img)
  local described = shared.fig_alt(img)
  local svg = svg_twin(img.src)
  if svg == nil then
    return described
  end
  local alt = img.attributes["alt"] or pandoc.utils.stringify(img.caption)
  return pandoc.RawInline("html",
    '<span class="figure-scroll"><img class="figure-svg" src="' .. html_escape(svg)
    .. '" alt="' .. html_escape(alt) .. '"></span>'
    .. '<span class="scroll-cue" aria-hidden="true">' .. FIGURE_CUE .. '</span>')
end

return {
  {Table = wrap_table, Image = image},
}
